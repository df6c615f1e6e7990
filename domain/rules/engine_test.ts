/**
 * The tenant rule engine per event and action, over the real API and the tenant's database:
 * warn, set a field (built-in and custom), notify (delivered by the rules.effects job), start a
 * job, status change, schedule, document accepted, and the credit hold as a setting.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../../tests/helpers/api.ts";
import { addMember } from "../../tests/helpers/members.ts";
import { claimNextJob, completeJob } from "../../workers/queue.ts";
import { JOB_HANDLERS } from "../../workers/handlers.ts";
import { recordType } from "../catalog.ts";
import { eventsOf } from "./engine.ts";

async function runJobs(server: TestServer, tenantId: string): Promise<string[]> {
  const ran: string[] = [];
  for (;;) {
    const job = await claimNextJob(server.services.control, { owner: "test", leaseMs: 60_000 });
    if (!job) return ran;
    const lease = await server.services.pool.acquire(tenantId, null);
    try {
      await JOB_HANDLERS[job.kind]!({
        job,
        services: server.services,
        control: server.services.control,
        log: server.services.log,
        tenantDb: lease.db,
        signal: new AbortController().signal,
      });
    } finally {
      lease.release();
    }
    await completeJob(server.services.control, job.id, "test");
    ran.push(job.kind);
  }
}

async function query(server: TestServer, tenantId: string, sql: string, args: string[] = []) {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return (await lease.db.execute({ sql, args })).rows;
  } finally {
    lease.release();
  }
}

let version = 0;
async function configure(api: ApiClient, document: unknown) {
  const res = await api.call("PUT", "/api/v1/config", document, { "if-match": `"${version}"` });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  version++;
}

Deno.test("tenant rules: each action and event does what it says, and nothing else", async (t) => {
  const server = await startTestServer();
  version = 0;
  try {
    const tenant = await signUpTenant(server);
    const owner = await apiClient(server, tenant);
    const admin = await addMember(server, tenant.tenantId, "admin");
    await runJobs(server, tenant.tenantId); // whatever sign-up queued

    await configure(owner, {
      custom_fields: {
        suppliers: [{ key: "risk", label: "Risk", type: "choice", choices: ["low", "high"] }],
      },
      rules: {
        record_rules: [
          {
            name: "Warn on rush",
            record_type: "suppliers",
            on: ["create"],
            when: { in: ["rush", { var: "record.name" }] },
            actions: [{ type: "warn", message: "Rush suppliers need a call first." }],
          },
          {
            name: "Texas is high risk",
            record_type: "suppliers",
            on: ["create", "update"],
            when: { "==": [{ var: "record.state" }, "TX"] },
            actions: [
              { type: "set_field", field: "risk", value: "high" },
              { type: "set_field", field: "payment_terms", value: "Net 7" },
            ],
          },
          {
            name: "Tell admins about archived-looking names",
            record_type: "suppliers",
            on: ["update"],
            when: { in: ["OLD", { var: "record.name" }] },
            actions: [
              { type: "notify", roles: ["admin"], users: [], message: "A supplier looks old." },
              { type: "start_job", kind: "rules.schedule" },
            ],
          },
        ],
      },
    });

    await t.step("warn: the write is stored and the warning is written beside it", async () => {
      const s = await owner.ok("POST", "/api/v1/suppliers", { name: "rush Packers" }, 201);
      const notes = await query(
        server,
        tenant.tenantId,
        "SELECT rule_name, action, message FROM rule_activity WHERE record_id = ?",
        [s.id],
      );
      assert.deepEqual(notes.map((n) => [n.rule_name, n.action, n.message]), [
        ["Warn on rush", "warn", "Rush suppliers need a call first."],
      ]);
      const calm = await owner.ok("POST", "/api/v1/suppliers", { name: "Calm Packers" }, 201);
      const none = await query(
        server,
        tenant.tenantId,
        "SELECT 1 FROM rule_activity WHERE record_id = ?",
        [calm.id],
      );
      assert.equal(none.length, 0, "a condition that does not hold does nothing");
    });

    await t.step(
      "set_field: a custom and a built-in field are set, in the record's history",
      async () => {
        const s = await owner.ok(
          "POST",
          "/api/v1/suppliers",
          { name: "Lone Star", state: "TX" },
          201,
        );
        assert.equal(s.custom_fields.risk, "high");
        assert.equal(s.payment_terms, "Net 7");
        const history = await owner.ok("GET", `/api/v1/suppliers/${s.id}/history`);
        assert.ok(history.data.some((e: { action: string }) => e.action === "rule"));
        const other = await owner.ok("POST", "/api/v1/suppliers", {
          name: "Iowa Pork",
          state: "IA",
        }, 201);
        assert.equal(other.custom_fields.risk, null);
      },
    );

    await t.step(
      "notify and start_job: queued after the commit; admins get an in-app notice",
      async () => {
        const s = await owner.ok("POST", "/api/v1/suppliers", { name: "Acme" }, 201);
        assert.deepEqual(await runJobs(server, tenant.tenantId), [], "create does not notify");
        await owner.ok("PATCH", `/api/v1/suppliers/${s.id}`, {
          version: s.version,
          name: "OLD Acme",
        });
        const ran = await runJobs(server, tenant.tenantId);
        assert.deepEqual(ran, ["rules.effects", "rules.schedule"]);
        const notices = await query(
          server,
          tenant.tenantId,
          "SELECT user_id, title, body, link FROM notifications WHERE event = 'rule'",
        );
        assert.deepEqual(notices.map((n) => [n.user_id, n.body, n.link]), [
          [admin.userId, "A supplier looks old.", `/suppliers/${s.id}`],
        ]);
      },
    );

    await t.step("a refused write announces nothing", async () => {
      const s = await owner.ok("POST", "/api/v1/suppliers", { name: "Refused" }, 201);
      const stale = await owner.call("PATCH", `/api/v1/suppliers/${s.id}`, {
        version: s.version + 5,
        name: "OLD refused",
      });
      assert.equal(stale.status, 409);
      assert.deepEqual(await runJobs(server, tenant.tenantId), []);
    });
  } finally {
    await server.close();
  }
});

Deno.test("tenant rules: status_change, schedule, and the credit hold as a setting", async (t) => {
  const server = await startTestServer();
  version = 0;
  try {
    const tenant = await signUpTenant(server);
    const owner = await apiClient(server, tenant);
    await runJobs(server, tenant.tenantId);
    const supplier = await owner.ok("POST", "/api/v1/suppliers", { name: "Rule Packers" }, 201);
    const customer = await owner.ok("POST", "/api/v1/customers", {
      name: "Held Grocers",
      credit_hold: true,
    }, 201);
    await configure(owner, {
      rules: {
        record_rules: [
          {
            name: "No cancelling approved POs",
            record_type: "purchase-orders",
            on: ["status_change"],
            when: {
              and: [
                { "==": [{ var: "previous.status" }, "approved"] },
                { "==": [{ var: "record.status" }, "cancelled"] },
              ],
            },
            actions: [{ type: "block", message: "Call the plant instead." }],
          },
          {
            name: "Nightly draft check",
            record_type: "purchase-orders",
            on: ["schedule"],
            when: { "==": [{ var: "record.status" }, "draft"] },
            actions: [{ type: "warn", message: "Still a draft." }],
          },
        ],
      },
    });

    await t.step("status_change runs only when the status moves", async () => {
      const po = await owner.ok("POST", "/api/v1/purchase-orders", {
        supplier_id: supplier.id,
        order_date: "2026-10-01",
        status: "approved",
      }, 201);
      const renamed = await owner.ok("PATCH", `/api/v1/purchase-orders/${po.id}`, {
        version: po.version,
        notes: "no status change",
      });
      const refused = await owner.call("PATCH", `/api/v1/purchase-orders/${po.id}`, {
        version: renamed.version,
        status: "cancelled",
      });
      assert.equal(refused.status, 422);
      assert.match(refused.body.error.message, /Blocked by rule 'No cancelling approved POs'/);
      const after = await owner.ok("GET", `/api/v1/purchase-orders/${po.id}`);
      assert.equal(after.status, "approved");
    });

    await t.step(
      "schedule: queued by the configuration, visits each open record, queues the next run",
      async () => {
        const draft = await owner.ok("POST", "/api/v1/purchase-orders", {
          supplier_id: supplier.id,
          order_date: "2026-10-02",
        }, 201);
        const none = await query(
          server,
          tenant.tenantId,
          "SELECT 1 FROM rule_activity WHERE record_id = ?",
          [draft.id],
        );
        assert.equal(none.length, 0, "a schedule rule does not run on writes");
        // Saving a configuration with a scheduled rule queued its first run; asking again adds none.
        const queued = () =>
          server.services.control.execute({
            sql:
              "SELECT run_at FROM jobs WHERE kind = 'rules.schedule' AND status = 'queued' AND tenant_id = ?",
            args: [tenant.tenantId],
          });
        assert.equal((await queued()).rows.length, 1);
        const { queueScheduledRules } = await import("../../workers/rule_jobs.ts");
        await queueScheduledRules(server.services.control, tenant.tenantId);
        assert.equal((await queued()).rows.length, 1);
        assert.deepEqual(await runJobs(server, tenant.tenantId), ["rules.schedule"]);
        const notes = await query(
          server,
          tenant.tenantId,
          "SELECT record_id, message FROM rule_activity WHERE rule_name = 'Nightly draft check'",
        );
        assert.deepEqual(notes.map((n) => [n.record_id, n.message]), [[
          draft.id,
          "Still a draft.",
        ]]);
        const next = await server.services.control.execute({
          sql:
            "SELECT run_at FROM jobs WHERE kind = 'rules.schedule' AND status = 'queued' AND tenant_id = ?",
          args: [tenant.tenantId],
        });
        assert.equal(next.rows.length, 1, "the next run is queued");
        assert.ok(Date.parse(String(next.rows[0]!.run_at)) > Date.now() + 23 * 3600_000);
      },
    );

    await t.step("the credit hold is on by default and a tenant can switch it off", async () => {
      const so = { customer_id: customer.id, order_date: "2026-10-03" };
      const held = await owner.call("POST", "/api/v1/sales-orders", so);
      assert.equal(held.status, 422);
      assert.match(held.body.error.message, /on credit hold\. An owner or admin can override/);
      await configure(owner, { rules: { credit_hold: { enabled: false } } });
      await owner.ok("POST", "/api/v1/sales-orders", so, 201);
      await configure(owner, { rules: { credit_hold: { override_roles: ["owner"] } } });
      const again = await owner.call("POST", "/api/v1/sales-orders", so);
      assert.match(again.body.error.message, /An owner can override/);
    });
  } finally {
    await server.close();
  }
});

Deno.test("eventsOf(): a record made from a document raises document_accepted; a status move status_change", () => {
  const def = recordType("purchase-orders")!;
  assert.deepEqual(eventsOf(def, { status: "draft" }, null, "document"), [
    "create",
    "document_accepted",
  ]);
  assert.deepEqual(eventsOf(def, { status: "draft" }, null, undefined), ["create"]);
  assert.deepEqual(eventsOf(def, { status: "approved" }, { status: "draft" }, undefined), [
    "update",
    "status_change",
  ]);
  assert.deepEqual(
    eventsOf(recordType("invoices")!, { state: "sent" }, { state: "sent" }, undefined),
    [
      "update",
    ],
  );
});
