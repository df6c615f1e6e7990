import assert from "node:assert/strict";
import { checkConfiguration } from "./parse.ts";
import { DEFAULT_CONFIGURATION } from "./schema.ts";

Deno.test("an empty document keeps the built-in words, formats, layouts and features", () => {
  assert.deepEqual(DEFAULT_CONFIGURATION.terminology, {
    record_types: {},
    navigation_labels: {},
    phrases: {},
    navigation_order: [],
  });
  assert.equal(DEFAULT_CONFIGURATION.formats.date_format, "medium");
  assert.equal(DEFAULT_CONFIGURATION.formats.weight_unit, "LB");
  assert.deepEqual(DEFAULT_CONFIGURATION.layouts, { record_types: {}, dashboard_cards: {} });
  assert.ok(Object.values(DEFAULT_CONFIGURATION.features).every((on) => on === true));
});

Deno.test("terminology names an unknown record type or field by path, with what is allowed", () => {
  const checked = checkConfiguration({
    terminology: {
      record_types: { supplierz: { singular: "Packer" }, loads: { fields: { nope: "X" } } },
    },
  });
  assert.equal(checked.ok, false);
  if (checked.ok) return;
  assert.match(
    checked.errors["terminology.record_types.supplierz"]![0]!,
    /Allowed here: .*suppliers/,
  );
  assert.match(
    checked.errors["terminology.record_types.loads.fields.nope"]![0]!,
    /Loads have no field "nope"\. Allowed here: number, carrier_id/,
  );
  assert.equal(Object.keys(checked.errors).length, 2);
});

Deno.test("a layout may not hide a required field, nor name a field the type lacks", () => {
  const checked = checkConfiguration({
    layouts: {
      record_types: {
        suppliers: { hidden: ["name"], list_columns: { broker: ["city", "wings"] } },
      },
    },
  });
  assert.equal(checked.ok, false);
  if (checked.ok) return;
  assert.deepEqual(Object.keys(checked.errors).sort(), [
    "layouts.record_types.suppliers.hidden.0",
    "layouts.record_types.suppliers.list_columns.broker.1",
  ]);
  assert.match(checked.errors["layouts.record_types.suppliers.hidden.0"]![0]!, /cannot be hidden/);
  const cards = checkConfiguration({
    layouts: { dashboard_cards: { broker: ["top_suppliers", "weather"] } },
  });
  assert.equal(cards.ok, false);
  if (!cards.ok) assert.deepEqual(Object.keys(cards.errors), ["layouts.dashboard_cards.broker.1"]);
});

Deno.test("a full shaping document is accepted as written", () => {
  const checked = checkConfiguration({
    terminology: {
      record_types: { suppliers: { singular: "Packer", plural: "Packers" } },
      navigation_labels: { dashboard: "Today" },
      navigation_order: ["loads", "dashboard"],
    },
    formats: { date_format: "iso", number_format: "1.234,56", weight_unit: "KG" },
    layouts: { dashboard_cards: { broker: ["loads_by_status"] } },
    features: { assistant: false },
  });
  assert.ok(checked.ok);
  assert.equal(checked.document.terminology.record_types.suppliers?.plural, "Packers");
  assert.equal(checked.document.features.assistant, false);
  assert.equal(checked.document.features.reports, true);
});
