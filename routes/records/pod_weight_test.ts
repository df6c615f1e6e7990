/**
 * The proof of delivery takes its weight in the load's unit: a load whose order is weighed in KG
 * shows and takes KG on the POD form (kept in pounds, exactly converted), LB stays LB, and the API
 * takes a weight with its unit too.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { poundsIn, poundsOf } from "../../domain/units.ts";

Deno.test("poundsOf() and poundsIn() convert exactly (1 lb = 0.45359237 kg) to 1/1000", () => {
  assert.equal(poundsOf(18_143.695, "KG"), 40_000);
  assert.equal(poundsOf(1_000, "KG"), 2_204.623);
  assert.equal(poundsOf(39_850, "LB"), 39_850);
  assert.equal(poundsIn(40_000, "KG"), 18_143.695);
  assert.equal(poundsIn(2_204.623, "KG"), 1_000);
  assert.equal(poundsIn(39_850, "LB"), 39_850);
});

Deno.test("the POD form and API take the received weight in the load's unit, kept in pounds", async (t) => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server, "podkg");
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Monterrey Packers" }, 201);
    const order = (unit: "KG" | "LB") =>
      api.ok("POST", "/api/v1/purchase-orders", {
        supplier_id: supplier.id,
        order_date: "2026-11-18",
        lines: [{ description: "Arrachera", weight: 18_000, weight_unit: unit, price: 5 }],
      }, 201);
    const kgPo = await order("KG");
    const lbPo = await order("LB");
    const kgLoad = await api.ok("POST", "/api/v1/loads", { purchase_order_id: kgPo.id }, 201);
    const lbLoad = await api.ok("POST", "/api/v1/loads", { purchase_order_id: lbPo.id }, 201);
    const cookie = { cookie: tenant.jar.header(tenant.host) };
    const form = async (id: string) =>
      await (await server.fetch(tenant.host, `/loads/${id}/pod`, { headers: cookie })).text();
    const post = (id: string, fields: Record<string, string>) =>
      server.fetch(tenant.host, `/loads/${id}/pod`, {
        method: "POST",
        headers: { ...cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: tenant.csrf, ...fields }).toString(),
      });

    await t.step("a load weighed in KG offers KG and keeps the weight in pounds", async () => {
      const html = await form(kgLoad.id);
      assert.match(html, /<option value="KG" selected/);
      assert.match(html, /name="received_weight"/);
      const res = await post(kgLoad.id, {
        version: String(kgLoad.version),
        received_weight: "18,143.695",
        weight_unit: "KG",
      });
      assert.equal(res.status, 303);
      await res.body?.cancel();
      const saved = await api.ok("GET", `/api/v1/loads/${kgLoad.id}`);
      assert.equal(saved.received_weight_lb, 40_000);
      assert.equal(saved.status, "pod_received");
      // Shown again in KG, not in pounds.
      assert.match(await form(kgLoad.id), /name="received_weight"[^>]*value="18143\.695"/);
    });

    await t.step("a load weighed in LB stays in LB", async () => {
      const html = await form(lbLoad.id);
      assert.match(html, /<option value="LB" selected/);
      const res = await post(lbLoad.id, {
        version: String(lbLoad.version),
        received_weight: "39850",
        weight_unit: "LB",
      });
      assert.equal(res.status, 303);
      await res.body?.cancel();
      assert.equal((await api.ok("GET", `/api/v1/loads/${lbLoad.id}`)).received_weight_lb, 39_850);
    });

    await t.step("a bad weight comes back to the form as entered, with nothing saved", async () => {
      const before = await api.ok("GET", `/api/v1/loads/${kgLoad.id}`);
      const res = await post(kgLoad.id, {
        version: String(before.version),
        received_weight: "-5",
        weight_unit: "KG",
      });
      assert.equal(res.status, 422);
      assert.match(await res.text(), /name="received_weight"[^>]*value="-5"/);
      const after = await api.ok("GET", `/api/v1/loads/${kgLoad.id}`);
      assert.equal(after.version, before.version);
      assert.equal(after.received_weight_lb, 40_000);
    });

    await t.step("the API takes a weight with its unit", async () => {
      const load = await api.ok("GET", `/api/v1/loads/${lbLoad.id}`);
      const pod = await api.ok("POST", `/api/v1/loads/${lbLoad.id}/pod`, {
        version: load.version,
        received_weight: 1_000,
        weight_unit: "KG",
      });
      assert.equal(pod.received_weight_lb, 2_204.623);
      const plain = await api.ok("POST", `/api/v1/loads/${lbLoad.id}/pod`, {
        version: pod.version,
        received_weight_lb: 39_000,
      });
      assert.equal(plain.received_weight_lb, 39_000, "pounds as before");
    });
  } finally {
    await server.close();
  }
});
