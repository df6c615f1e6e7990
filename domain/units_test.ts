import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { configuredFormats, convertWeight, DEFAULT_FORMAT, KG_PER_LB, poundsAs } from "./format.ts";
import { lineAfterInput } from "./units.ts";

Deno.test("weights convert exactly and totals read in the workspace's unit", () => {
  assert.equal(convertWeight(1, "LB", "KG"), KG_PER_LB);
  assert.equal(convertWeight(KG_PER_LB, "KG", "LB"), 1);
  assert.equal(convertWeight(500, "KG", "KG"), 500);
  assert.equal(poundsAs(40000), "40,000 LB", "pounds unless the workspace weighs in KG");
  const kg = { ...DEFAULT_FORMAT, ...configuredFormats({ weight_unit: "KG" }) };
  assert.equal(kg.weightUnit, "KG");
  assert.equal(poundsAs(40000, kg), "18,143.695 KG");
  assert.equal(poundsAs(0, kg), "");
  assert.deepEqual(configuredFormats({ weight_unit: "LB" }), {}, "LB is the built-in unit");
});

Deno.test("a line naming a product and no unit is weighed in the product's unit; totals convert (over HTTP)", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Monterrey Carnes" }, 201);
    const inKg = await api.ok("POST", "/api/v1/products", {
      code: "ARR-1",
      description: "Arrachera",
      weight_unit: "KG",
    }, 201);
    const inLb = await api.ok("POST", "/api/v1/products", {
      code: "BR-1",
      description: "Brisket",
    }, 201);
    assert.equal(inLb.weight_unit, "LB");
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-10-01",
      lines: [
        { product_id: inKg.id, description: "Arrachera", weight: 1000, price: 5 },
        {
          product_id: inKg.id,
          description: "Arrachera, in pounds",
          weight: 100,
          weight_unit: "LB",
        },
        { product_id: inLb.id, description: "Brisket", weight: 500, price: 2 },
        { description: "Trim", weight: 10 },
      ],
    }, 201);
    assert.deepEqual(po.lines.map((l: { weight_unit: string }) => l.weight_unit), [
      "KG",
      "LB",
      "LB",
      "LB",
    ], "the product's unit unless the line names one");
    assert.equal(po.lines[0].amount_cents, 5_000_00, "priced per the line's unit");
    assert.equal(po.total_weight_lb, Math.round((1000 / KG_PER_LB + 100 + 500 + 10) * 100) / 100);

    // Replacing the lines applies the same rule.
    const updated = await api.ok("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      version: po.version,
      lines: [{ product_id: inKg.id, description: "Arrachera", weight: 10 }],
    });
    assert.equal(updated.lines[0].weight_unit, "KG");
    assert.equal(updated.total_weight_lb, Math.round((10 / KG_PER_LB) * 100) / 100);
  } finally {
    await server.close();
  }
});

Deno.test("lineAfterInput() weighs a line in the unit of the product chosen on it", () => {
  const units = { p_kg: "KG", p_lb: "LB" } as const;
  const line = { description: "Arrachera", product_id: "", weight: "100", weight_unit: "LB" };
  assert.deepEqual(lineAfterInput(line, "product_id", "p_kg", units), {
    ...line,
    product_id: "p_kg",
    weight_unit: "KG",
  });
  assert.equal(lineAfterInput(line, "product_id", "p_lb", units).weight_unit, "LB");
  // Other cells, an unknown product or clearing the product leave the unit as chosen.
  assert.equal(
    lineAfterInput({ ...line, weight_unit: "KG" }, "weight", "5", units).weight_unit,
    "KG",
  );
  assert.equal(lineAfterInput(line, "product_id", "p_other", units).weight_unit, "LB");
  assert.equal(
    lineAfterInput({ ...line, weight_unit: "KG" }, "product_id", "", units).weight_unit,
    "KG",
  );
  assert.equal(lineAfterInput(line, "product_id", "p_kg", undefined).weight_unit, "LB");
  // A line with no unit cell (cases only) gains none.
  const cases = { description: "Ribs", product_id: "", cases: "4" };
  assert.deepEqual(lineAfterInput(cases, "product_id", "p_kg", units), {
    ...cases,
    product_id: "p_kg",
  });
});
