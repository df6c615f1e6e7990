/**
 * A tenant that goes read-only keeps every record: rows of every table of its database are
 * counted before and after a round of refused writes, and everything is still exportable.
 * Paying restores full access at once.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { putInState } from "../tests/helpers/billing.ts";

async function rowCounts(server: TestServer, tenantId: string): Promise<Record<string, number>> {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    const tables = await lease.db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    const out: Record<string, number> = {};
    for (const row of tables.rows) {
      const name = String(row.name);
      const rs = await lease.db.execute(`SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`);
      out[name] = Number(rs.rows[0]!.n);
    }
    return out;
  } finally {
    lease.release();
  }
}

Deno.test("a read-only tenant keeps every row, can export it all, and pays its way back", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const customers = [];
    for (const name of ["Lone Star Grocers", "Gulf Coast Foods", "Ozark Meats"]) {
      customers.push(await api.ok("POST", "/api/v1/customers", { name }, 201));
    }
    await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-10-01",
      lines: [{ description: "Beef 81/19 trim", cases: 800, weight: 40000, price: 2.1575 }],
    }, 201);
    const before = await rowCounts(server, t.tenantId);
    assert.ok(before.customers! >= 3, JSON.stringify(before));
    const controlBefore = await server.services.control.execute({
      sql: `SELECT (SELECT COUNT(*) FROM memberships WHERE tenant_id = ?1) AS m,
              (SELECT COUNT(*) FROM api_tokens WHERE tenant_id = ?1) AS k`,
      args: [t.tenantId],
    });

    await putInState(server.services, t.tenantId, "professional", "past_due", {
      pastDueDaysAgo: 30,
    });
    const cookie = { cookie: t.jar.header(t.host) };
    const attempts = [
      await api.call("POST", "/api/v1/customers", { name: "Not Saved" }),
      await api.call("PATCH", `/api/v1/customers/${customers[0].id}`, {
        name: "Renamed",
        version: 1,
      }),
      await api.call("DELETE", `/api/v1/customers/${customers[1].id}`),
      await api.call("POST", `/api/v1/customers/${customers[2].id}/archive`, {}),
      await api.call("PUT", "/api/v1/option-lists/proteins", { values: ["Bison"] }),
      await api.call("DELETE", `/api/v1/members/${t.userId}`),
    ];
    for (const a of attempts) {
      assert.equal(a.status, 402, JSON.stringify(a.body));
      assert.equal(a.body.error.code, "payment_required");
    }
    for (const path of ["/customers", `/customers/${customers[0].id}/delete`]) {
      const res = await server.fetch(t.host, path, {
        method: "POST",
        headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: t.csrf, name: "Form" }).toString(),
      });
      assert.equal(res.status, 402, path);
      await res.body?.cancel();
    }

    assert.deepEqual(await rowCounts(server, t.tenantId), before, "no row added or removed");
    const controlAfter = await server.services.control.execute({
      sql: `SELECT (SELECT COUNT(*) FROM memberships WHERE tenant_id = ?1) AS m,
              (SELECT COUNT(*) FROM api_tokens WHERE tenant_id = ?1) AS k`,
      args: [t.tenantId],
    });
    assert.deepEqual(controlAfter.rows[0], controlBefore.rows[0]);

    // Everything can still be read and exported.
    const csv = await (await server.fetch(t.host, "/customers/export.csv", { headers: cookie }))
      .text();
    for (const c of customers) assert.match(csv, new RegExp(c.name));
    const list = await api.ok("GET", "/api/v1/customers?limit=200");
    assert.equal(list.data.length, before.customers);
    const billingPage = await server.fetch(t.host, "/settings/billing", { headers: cookie });
    assert.equal(billingPage.status, 200);
    assert.match(await billingPage.text(), /read-only/);

    // Paying (the webhook sets active) restores writes at once.
    await putInState(server.services, t.tenantId, "professional", "active");
    await api.ok("POST", "/api/v1/customers", { name: "Back In Business" }, 201);
  } finally {
    await server.close();
  }
});
