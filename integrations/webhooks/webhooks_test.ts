import assert from "node:assert/strict";
import { Webhook } from "standardwebhooks";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient, clientWithToken } from "../../tests/helpers/api.ts";
import { addMember, mailTo, signIn } from "../../tests/helpers/members.ts";
import { Worker } from "../../workers/runner.ts";
import { webhookWorkerOptions } from "./worker.ts";
import { JOB_HANDLERS } from "../../workers/handlers.ts";
import { DAILY_JOB } from "../../notifications/daily.ts";
import { businessDay } from "../../domain/clock.ts";
import type { Job } from "../../workers/queue.ts";
import type { JobContext } from "../../workers/runner.ts";

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A local endpoint that records what it is sent and answers `status()`. */
function receiver(status: () => number = () => 200) {
  const got: Received[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => (headers[k] = v));
    got.push({ headers, body: await req.text() });
    return new Response(status() < 300 ? "ok" : "nope", { status: status() });
  });
  return { got, url: `http://127.0.0.1:${server.addr.port}/hooks`, close: () => server.shutdown() };
}

async function until(check: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function withServer(
  work: (
    server: TestServer,
    api: ApiClient,
    worker: Worker,
    tenantId: string,
    tenant: SignedUp,
  ) => Promise<void>,
) {
  const server = await startTestServer({
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    WEBHOOK_RETRY_SECONDS: "0,0",
    WEBHOOK_DISABLE_AFTER_FAILURES: "3",
  });
  const worker = new Worker(server.services, {
    ...webhookWorkerOptions(server.services),
    idleMs: 20,
  });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    worker.start();
    await work(server, api, worker, tenant.tenantId, tenant);
  } finally {
    await worker.stop();
    await server.close();
  }
}

async function newSupplier(api: ApiClient): Promise<string> {
  return (await api.ok("POST", "/api/v1/suppliers", { name: "Greeley Packing" }, 201)).id;
}

Deno.test("a subscribed endpoint receives a signed event for a new record, logged as delivered", async () => {
  const hook = receiver();
  try {
    await withServer(async (_server, api) => {
      const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
        url: hook.url,
        events: ["supplier.created"],
      }, 201);
      assert.match(endpoint.secret, /^whsec_/);
      const supplierId = await newSupplier(api);
      // Not subscribed: a customer raises nothing for this endpoint.
      await api.ok("POST", "/api/v1/customers", { name: "Pueblo Grocers" }, 201);
      await until(() => hook.got.length >= 1);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(hook.got.length, 1);
      const [call] = hook.got;
      // Any Standard Webhooks verifier accepts it; a changed body does not verify.
      const verified = new Webhook(endpoint.secret).verify(call!.body, call!.headers) as {
        type: string;
        data: { id: string; record: { name: string } };
      };
      assert.equal(verified.type, "supplier.created");
      assert.equal(verified.data.id, supplierId);
      assert.equal(verified.data.record.name, "Greeley Packing");
      assert.throws(() =>
        new Webhook(endpoint.secret).verify(call!.body.replace("Greeley", "Denver"), call!.headers)
      );
      await until(async () =>
        (await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`)).data[0]
          ?.status === "delivered"
      );
      const log = await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`);
      assert.equal(log.data.length, 1);
      assert.equal(log.data[0].event_id, call!.headers["webhook-id"]);
      const one = await api.ok(
        "GET",
        `/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${log.data[0].id}`,
      );
      assert.equal(one.attempts_log.length, 1);
      assert.equal(one.attempts_log[0].status, 200);
      assert.equal(one.payload.type, "supplier.created");

      // A replay sends the same event again (same webhook-id) as a new delivery.
      await api.ok(
        "POST",
        `/api/v1/webhook-endpoints/${endpoint.id}/deliveries/${log.data[0].id}/replay`,
        undefined,
        202,
      );
      await until(() => hook.got.length >= 2);
      assert.equal(hook.got[1]!.headers["webhook-id"], call!.headers["webhook-id"]);
      assert.equal(hook.got[1]!.body, call!.body);
    });
  } finally {
    await hook.close();
  }
});

Deno.test("a token that may read webhooks but not the record type sees a delivery without the record's data", async () => {
  const hook = receiver();
  try {
    await withServer(async (server, api, _worker, _tenantId, tenant) => {
      const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
        url: hook.url,
        events: ["supplier.created"],
      }, 201);
      await newSupplier(api);
      const deliveries = `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`;
      await until(async () => (await api.ok("GET", deliveries)).data[0]?.status === "delivered");
      const [delivery] = (await api.ok("GET", deliveries)).data;
      const tokenWith = async (scopes: string[]) => {
        const res = await server.fetch(tenant.host, "/api/v1/auth/tokens", {
          method: "POST",
          json: { email: tenant.email, password: tenant.password, name: "watch", scopes },
        });
        assert.equal(res.status, 201);
        return clientWithToken(server, tenant.host, (await res.json()).token);
      };
      const path = `${deliveries}/${delivery.id}`;
      const watcher = await tokenWith(["webhooks:read"]);
      const withheld = await watcher.ok("GET", path);
      assert.equal(withheld.payload.type, "supplier.created");
      assert.equal(withheld.payload.data, null);
      assert.match(withheld.payload.data_withheld, /suppliers:read/);
      assert.ok(!JSON.stringify(withheld).includes("Greeley"), "no field of the record");
      const reader = await tokenWith(["webhooks:read", "suppliers:read"]);
      assert.equal((await reader.ok("GET", path)).payload.data.record.name, "Greeley Packing");
      // Sessions and full-access tokens see it whole, as before.
      assert.equal((await api.ok("GET", path)).payload.data.record.name, "Greeley Packing");
    });
  } finally {
    await hook.close();
  }
});

Deno.test("a failing endpoint is retried on the schedule, then turned off with an e-mail to the owner", async () => {
  const hook = receiver(() => 500);
  try {
    await withServer(async (server, api) => {
      const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
        url: hook.url,
        events: ["*"],
      }, 201);
      await newSupplier(api);
      // Schedule "0,0": three attempts in all, then the delivery has failed; the streak of three
      // reaches WEBHOOK_DISABLE_AFTER_FAILURES and the endpoint is turned off.
      await until(async () =>
        (await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}`)).enabled === false
      );
      const after = await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}`);
      assert.match(after.disabled_reason, /3 failed attempts in a row/);
      assert.equal(hook.got.length, 3);
      assert.equal(new Set(hook.got.map((g) => g.headers["webhook-id"])).size, 1);
      const [delivery] =
        (await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`))
          .data;
      assert.equal(delivery.status, "failed");
      assert.equal(delivery.attempts, 3);
      assert.equal(delivery.last_status, 500);
      const tenant = await api.ok("GET", "/api/v1/me");
      const mail = await mailTo(server, tenant.user.email);
      assert.ok(mail.some((m) => m.subject === "A webhook endpoint was turned off"));
      // Turned off: new events do not reach it; turning it on clears the streak.
      await newSupplier(api);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(hook.got.length, 3);
      const on = await api.ok("PATCH", `/api/v1/webhook-endpoints/${endpoint.id}`, {
        enabled: true,
      });
      assert.equal(on.failure_streak, 0);
      assert.equal(on.disabled_reason, null);
    });
  } finally {
    await hook.close();
  }
});

Deno.test("endpoints refuse bad input, other roles and other workspaces", async () => {
  await withServer(async (server, api) => {
    const bad = [
      { url: "not a url", events: ["*"] },
      { url: "https://user:pw@example.com/h", events: ["*"] },
      { url: "https://example.com/h", events: ["no.such_event"] },
      { url: "https://example.com/h", events: [] },
      { url: "https://example.com/h", events: ["*"], extra: 1 },
    ];
    for (const body of bad) {
      const res = await api.call("POST", "/api/v1/webhook-endpoints", body);
      assert.ok(res.status === 422 || res.status === 400, `${JSON.stringify(body)}: ${res.status}`);
    }
    assert.deepEqual((await api.ok("GET", "/api/v1/webhook-endpoints")).data, []);
    const mine = await api.ok("POST", "/api/v1/webhook-endpoints", {
      url: "https://example.com/h",
      events: ["*"],
    }, 201);
    // Another workspace sees none of it.
    const other = await apiClient(server, await signUpTenant(server));
    assert.equal((await other.call("GET", `/api/v1/webhook-endpoints/${mine.id}`)).status, 404);
    assert.deepEqual((await other.ok("GET", "/api/v1/webhook-endpoints")).data, []);
    // A broker of the same workspace may not manage them.
    const me = await api.ok("GET", "/api/v1/me");
    const broker = await addMember(server, me.tenant.id, "broker");
    const session = await signIn(server, api.host, broker.email, broker.password);
    const res = await server.fetch(api.host, "/api/v1/webhook-endpoints", {
      headers: { cookie: session.jar.header(api.host) },
    });
    assert.equal(res.status, 403);
  });
});

Deno.test("invoice.overdue is raised once per invoice by the daily job, not for one still due", async () => {
  const hook = receiver();
  try {
    await withServer(async (server, api, _worker, tenantId) => {
      const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
        url: hook.url,
        events: ["invoice.overdue"],
      }, 201);
      const customer = await api.ok("POST", "/api/v1/customers", { name: "Slow Payers" }, 201);
      const line = { description: "Wings", cases: 1, price: 100, price_basis: "case" };
      const overdue = await api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date: "2020-01-01",
        due_date: "2020-01-31",
        state: "sent",
        lines: [line],
      }, 201);
      const today = businessDay(
        server.services.clock,
        server.services.registry.timeZoneOf(tenantId),
      );
      const later = new Date(Date.parse(`${today}T00:00:00Z`) + 40 * 86_400_000)
        .toISOString().slice(0, 10);
      await api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date: today,
        due_date: later,
        state: "sent",
        lines: [line],
      }, 201);
      const lease = await server.services.pool.acquire(tenantId, null);
      try {
        const job = { tenantId, payload: {}, kind: DAILY_JOB } as unknown as Job;
        const run = () =>
          JOB_HANDLERS[DAILY_JOB]!({
            services: server.services,
            job,
            tenantDb: lease.db,
            signal: new AbortController().signal,
          } as JobContext);
        await run();
        await until(() => hook.got.length >= 1);
        await run(); // the same day again: nothing new
        await new Promise((r) => setTimeout(r, 300));
      } finally {
        lease.release();
      }
      assert.equal(hook.got.length, 1);
      const sent = new Webhook(endpoint.secret).verify(hook.got[0]!.body, hook.got[0]!.headers) as {
        type: string;
        data: { id: string; due_date: string; record: { number: string } };
      };
      assert.equal(sent.type, "invoice.overdue");
      assert.equal(sent.data.id, overdue.id);
      assert.equal(sent.data.due_date, "2020-01-31");
      assert.equal(sent.data.record.number, overdue.number);
    });
  } finally {
    await hook.close();
  }
});
