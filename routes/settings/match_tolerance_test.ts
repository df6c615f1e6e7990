/**
 * Settings → Company → Bill matching: an admin sets the tolerance bills are matched with, the
 * bill's page flags a difference over it, and a bad value or a broker's attempt changes nothing.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import { getMatchTolerance } from "../../domain/payables/tolerance.ts";

function post(server: TestServer, s: Session, body: Record<string, string>) {
  return server.fetch(s.host, "/settings/company/match-tolerance", {
    method: "POST",
    headers: {
      cookie: s.jar.header(s.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: s.csrf, ...body }).toString(),
  });
}

async function page(server: TestServer, s: Session, path: string) {
  const res = await server.fetch(s.host, path, { headers: { cookie: s.jar.header(s.host) } });
  return { status: res.status, html: await res.text() };
}

async function stored(server: TestServer, tenantId: string) {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return await getMatchTolerance(lease.db);
  } finally {
    lease.release();
  }
}

Deno.test("an admin sets the bill matching tolerance and the bill's page follows it", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const m = await addMember(server, t.tenantId, "admin");
    const admin = await signIn(server, t.host, m.email, m.password);
    const b = await addMember(server, t.tenantId, "broker");
    const broker = await signIn(server, t.host, b.email, b.password);

    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Polar Haul" }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Tol Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-03-01",
      lines: [{ description: "Trim", weight: 1_000, price: 2 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      freight_cents: 2_000_00,
    }, 201);
    const bill = await api.ok("POST", "/api/v1/bills", {
      kind: "carrier",
      carrier_id: carrier.id,
      number: "PH-7",
      load_id: load.id,
      bill_date: "2026-03-05",
      charges_cents: 2_040_00,
    }, 201);

    // The default (1% or $50) allows $20 on $2,000: $40 more is flagged.
    let shown = await page(server, admin, `/bills/${bill.id}`);
    assert.equal(shown.status, 200);
    assert.match(shown.html, /data-match="differences"/);
    assert.match(shown.html, /data-check="freight" data-over="true"/);
    const settings = await page(server, admin, "/settings/company");
    assert.match(settings.html, /id="company-tolerance-percent"[^>]*value="1"/);
    assert.match(settings.html, /value="50\.00"/);

    const bad = await post(server, admin, { percent: "-2", dollars: "abc" });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /Use 0 or more/);
    assert.deepEqual(await stored(server, t.tenantId), { percent: 1, cents: 5_000 });

    const refused = await post(server, broker, { percent: "5", dollars: "100" });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.deepEqual(await stored(server, t.tenantId), { percent: 1, cents: 5_000 });

    const saved = await post(server, admin, { percent: "2.5", dollars: "100" });
    assert.equal(saved.status, 303);
    await saved.body?.cancel();
    assert.deepEqual(await stored(server, t.tenantId), { percent: 2.5, cents: 100_00 });
    shown = await page(server, admin, `/bills/${bill.id}`);
    assert.match(shown.html, /data-match="matched"/);
  } finally {
    await server.close();
  }
});
