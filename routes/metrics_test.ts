import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { enqueue } from "../workers/queue.ts";
import { Worker } from "../workers/runner.ts";
import { serveMetricsPort } from "./metrics.ts";

const TOKEN = "metrics-token-for-tests-0123456789";

async function scrape(server: TestServer): Promise<string> {
  const res = await server.fetch("localhost", "/metrics", {
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return await res.text();
}

/** The value of one sample line, or undefined when the series is absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name + "{") && !line.startsWith(name + " ")) continue;
    const [series, value] = [
      line.slice(0, line.lastIndexOf(" ")),
      line.slice(line.lastIndexOf(" ") + 1),
    ];
    if (series.split("{")[0] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) {
      return Number(value);
    }
  }
  return undefined;
}

Deno.test("GET /metrics on the app needs METRICS_TOKEN and is absent without one", async () => {
  const open = await startTestServer();
  const gated = await startTestServer({ METRICS_TOKEN: TOKEN });
  try {
    const none = await open.fetch("localhost", "/metrics");
    assert.equal(none.status, 404);
    await none.body?.cancel();
    const noToken = await gated.fetch("localhost", "/metrics");
    assert.equal(noToken.status, 401);
    assert.doesNotMatch(await noToken.text(), /pm_http_requests_total/);
    const wrong = await gated.fetch("localhost", "/metrics", {
      headers: { authorization: `Bearer ${TOKEN.replace("0", "1")}` },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.match(await scrape(gated), /# TYPE pm_http_requests_total counter/);
  } finally {
    await open.close();
    await gated.close();
  }
});

Deno.test("requests are counted by route template and the busiest tenants by name, the rest as other", async () => {
  const server = await startTestServer({ METRICS_TOKEN: TOKEN, METRICS_TOP_TENANTS: "1" });
  try {
    const busy = await signUpTenant(server);
    const quiet = await signUpTenant(server);
    const busyApi = await apiClient(server, busy);
    const quietApi = await apiClient(server, quiet);
    // The first scrape ranks the tenants seen so far; the busy one then has many more requests.
    for (let i = 0; i < 6; i++) await busyApi.call("GET", `/api/v1/customers/nope${i}`);
    await quietApi.call("GET", "/api/v1/customers/nope-quiet");
    await scrape(server);
    await busyApi.call("GET", "/api/v1/customers/nope-again");
    await busyApi.ok("GET", "/api/v1/customers"); // computed: a miss
    await busyApi.ok("GET", "/api/v1/customers"); // unchanged: a hit
    await quietApi.call("GET", "/api/v1/customers/nope-quiet-again");
    const text = await scrape(server);

    const route = { route: "/api/v1/customers/:id", method: "GET", status_class: "4xx" };
    assert.ok((sample(text, "pm_http_requests_total", { ...route, tenant: busy.slug }) ?? 0) >= 1);
    assert.equal(sample(text, "pm_http_requests_total", { tenant: quiet.slug }), undefined);
    assert.equal(sample(text, "pm_http_requests_total", { ...route, tenant: "other" }), 2);
    assert.doesNotMatch(text, /nope/, "raw URLs never become labels");
    assert.ok(sample(text, "pm_http_request_duration_seconds_count", { route: route.route }));
    assert.ok(sample(text, "pm_tenant_request_duration_seconds_count", { tenant: busy.slug }));
    assert.equal(sample(text, "pm_signups_total"), 2);
    assert.equal(sample(text, "pm_tenants", { status: "active" }), 2);
    assert.equal(sample(text, "pm_seats"), 2);
    assert.ok((sample(text, "pm_tenant_pool_opens_total") ?? 0) >= 2);
    assert.ok((sample(text, "pm_tenant_pool_open") ?? 0) >= 2);
    assert.ok((sample(text, "pm_read_cache_hits_total") ?? 0) >= 1);
    assert.ok((sample(text, "pm_read_cache_misses_total") ?? 0) >= 1);
  } finally {
    await server.close();
  }
});

Deno.test("job gauges count queued and dead jobs by kind and the oldest due job's age", async () => {
  const server = await startTestServer({ METRICS_TOKEN: TOKEN });
  try {
    const { control } = server.services;
    await enqueue(control, { kind: "mail.send", runAt: new Date(Date.now() - 90_000) });
    await enqueue(control, { kind: "mail.send" });
    const dead = await enqueue(control, { kind: "document.process" });
    await control.execute({ sql: "UPDATE jobs SET status = 'dead' WHERE id = ?", args: [dead] });
    const text = await scrape(server);
    assert.equal(sample(text, "pm_jobs", { kind: "mail.send", state: "queued" }), 2);
    assert.equal(sample(text, "pm_jobs", { kind: "document.process", state: "dead" }), 1);
    assert.equal(sample(text, "pm_jobs", { kind: "document.process", state: "queued" }), undefined);
    const age = sample(text, "pm_jobs_oldest_queued_age_seconds", { kind: "mail.send" }) ?? 0;
    assert.ok(age >= 89 && age < 3600, `oldest queued age ${age}`);

    await control.execute("UPDATE jobs SET status = 'done'");
    const after = await scrape(server);
    assert.equal(sample(after, "pm_jobs", { kind: "mail.send", state: "queued" }), 0);
    assert.equal(sample(after, "pm_jobs_oldest_queued_age_seconds", { kind: "mail.send" }), 0);
  } finally {
    await server.close();
  }
});

Deno.test("each app has its own registry: one server's requests are not in another's metrics", async () => {
  const a = await startTestServer({ METRICS_TOKEN: TOKEN });
  const b = await startTestServer({ METRICS_TOKEN: TOKEN });
  try {
    for (let i = 0; i < 3; i++) (await a.fetch("localhost", "/api/v1/nothing-here")).body?.cancel();
    const textA = await scrape(a);
    const textB = await scrape(b);
    assert.equal(sample(textA, "pm_http_requests_total", { route: "unmatched" }), 3);
    assert.equal(sample(textB, "pm_http_requests_total", { route: "unmatched" }), undefined);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("METRICS_PORT serves /metrics without a token and nothing else", async () => {
  const server = await startTestServer({ METRICS_TOKEN: TOKEN });
  const probe = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  server.services.config.METRICS_PORT = port;
  server.services.config.HOST = "127.0.0.1";
  const listener = serveMetricsPort(server.services)!;
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /# TYPE pm_jobs gauge/);
    const other = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(other.status, 404);
    await other.body?.cancel();
  } finally {
    await listener.shutdown();
    await server.close();
  }
});

Deno.test("job attempts are counted by kind and outcome, and refused Stripe webhooks by outcome", async () => {
  const server = await startTestServer({ METRICS_TOKEN: TOKEN });
  const { services } = server;
  const worker = new Worker(services, {
    idleMs: 10,
    handlers: {
      "test.ok": () => Promise.resolve(),
      "test.broken": () => Promise.reject(new Error("always fails")),
    },
  });
  try {
    await enqueue(services.control, { kind: "test.ok" });
    await enqueue(services.control, { kind: "test.broken", maxAttempts: 1 });
    worker.start();
    const deadline = Date.now() + 30_000;
    let text = "";
    while (Date.now() < deadline) {
      text = await scrape(server);
      if (sample(text, "pm_jobs", { kind: "test.broken", state: "dead" }) === 1) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(sample(text, "pm_job_attempts_total", { kind: "test.ok", outcome: "done" }), 1);
    assert.equal(
      sample(text, "pm_job_attempts_total", { kind: "test.broken", outcome: "dead" }),
      1,
    );
    assert.equal(
      sample(text, "pm_job_attempts_total", { kind: "test.ok", outcome: "dead" }),
      undefined,
    );

    const hook = await server.fetch("localhost", "/webhooks/stripe", {
      method: "POST",
      headers: { "stripe-signature": "t=1,v1=forged", "content-type": "application/json" },
      body: JSON.stringify({ id: "evt_forged", type: "invoice.paid" }),
    });
    assert.ok(hook.status >= 400, `a forged webhook is refused (${hook.status})`);
    await hook.body?.cancel();
    const after = await scrape(server);
    assert.equal(
      sample(after, "pm_webhook_events_total", { type: "unknown", outcome: "rejected" }),
      1,
    );
    assert.equal(sample(after, "pm_webhook_events_total", { type: "invoice.paid" }), undefined);
  } finally {
    await worker.stop();
    await server.close();
  }
});
