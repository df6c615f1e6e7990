import assert from "node:assert/strict";
import { loads, purchaseOrders, RECORD_TYPES, suppliers } from "../domain/catalog.ts";
import { validConfiguration } from "./document/parse.ts";
import { DEFAULT_CONFIGURATION } from "./document/schema.ts";
import {
  builtInWords,
  dashboardCards,
  defaultFilters,
  label,
  layoutFields,
  listColumns,
  messagesInWords,
  navigation,
  recordTypeFor,
  recordTypeIn,
  termsIn,
  words,
} from "./terms.ts";

const renamed = validConfiguration({
  terminology: {
    record_types: {
      suppliers: { singular: "Packer", plural: "Packers" },
      loads: { singular: "Shipment", plural: "Shipments", fields: { bol_number: "BOL #" } },
    },
    navigation_labels: { dashboard: "Today" },
    navigation_order: ["loads", "dashboard"],
  },
  layouts: {
    record_types: {
      loads: {
        sections: [{ title: "Paper", fields: ["seal_number", "bol_number"] }],
        hidden: ["notes"],
        required: ["seal_number"],
        list_columns: { broker: ["status", "carrier_id"] },
        default_filters: { broker: { status: "booked" } },
      },
    },
    dashboard_cards: { broker: ["top_suppliers", "loads_by_status"] },
  },
});

Deno.test("the built-in configuration resolves every record type to its catalog labels", () => {
  for (const def of RECORD_TYPES) {
    const named = recordTypeFor(DEFAULT_CONFIGURATION, def);
    assert.equal(named.singular, def.singular);
    assert.deepEqual(named.fields.map((f) => f.label), def.fields.map((f) => f.label));
  }
  assert.equal(label(undefined, "suppliers"), "Supplier");
  assert.equal(words(undefined, "Top suppliers"), "Top suppliers");
  assert.deepEqual(dashboardCards(undefined, "broker").length, 7);
});

Deno.test("a renamed record type renames its labels and the labels that use its name", () => {
  const packer = recordTypeFor(renamed, suppliers);
  assert.equal(packer.singular, "Packer");
  assert.equal(packer.plural, "Packers");
  assert.equal(label(renamed, "purchase-orders", "supplier_id"), "Packer");
  assert.equal(
    label(renamed, "purchase-orders", "supplier_confirmation"),
    "Packer confirmation number",
  );
  assert.equal(label(renamed, "loads", "bol_number"), "BOL #");
  assert.equal(words(renamed, "Top suppliers, 90 days"), "Top packers, 90 days");
  assert.equal(words(renamed, "Loads picked up here"), "Shipments picked up here");
  assert.equal(words(renamed, "Download the load"), "Download the shipment");
  const po = recordTypeFor(renamed, purchaseOrders);
  assert.ok(po.references.some((r) => r.label === "Shipments"));
  // The catalog itself is untouched.
  assert.equal(suppliers.singular, "Supplier");
  assert.equal(purchaseOrders.fields.find((f) => f.name === "supplier_id")!.label, "Supplier");
});

Deno.test("navigation follows the renames, labels and order of the configuration", () => {
  const nav = navigation(renamed);
  assert.deepEqual(nav.slice(0, 3).map((e) => e.label), ["Shipments", "Today", "Purchase orders"]);
  assert.equal(nav.find((e) => e.key === "suppliers")!.label, "Packers");
  assert.equal(nav.length, navigation(undefined).length);
  assert.equal(navigation(undefined)[0]!.label, "Dashboard");
});

Deno.test("a layout orders sections, hides fields, requires more and picks columns per role", () => {
  const fields = layoutFields(renamed, loads);
  assert.deepEqual(fields.slice(0, 2).map((f) => [f.name, f.group]), [
    ["seal_number", "Paper"],
    ["bol_number", "Paper"],
  ]);
  assert.ok(!fields.some((f) => f.name === "notes"));
  assert.equal(fields.length, loads.fields.length - 1);
  assert.equal(
    recordTypeFor(renamed, loads).fields.find((f) => f.name === "seal_number")!.required,
    true,
  );
  assert.deepEqual(listColumns(renamed, loads, "broker"), ["status", "carrier_id"]);
  assert.equal(listColumns(renamed, loads, "admin"), null);
  assert.deepEqual(defaultFilters(renamed, loads, "broker"), { status: "booked" });
  assert.deepEqual(defaultFilters(renamed, loads, "viewer"), {});
  assert.deepEqual(dashboardCards(renamed, "broker"), ["top_suppliers", "loads_by_status"]);
  assert.equal(dashboardCards(renamed, "owner").length, 7);
});

Deno.test("new lines start in the configured weight unit", () => {
  const kg = validConfiguration({ formats: { weight_unit: "KG" } });
  const line = recordTypeFor(kg, purchaseOrders).lines!.fields.find((f) =>
    f.name === "weight_unit"
  );
  assert.equal(line!.defaultValue, "KG");
  const builtIn = recordTypeFor(undefined, purchaseOrders).lines!.fields;
  assert.equal(builtIn.find((f) => f.name === "weight_unit")!.defaultValue, "LB");
});

Deno.test("the tenant's words read back into the built-in ones, for searching the help", () => {
  assert.equal(builtInWords(renamed, "packer credit"), "supplier credit");
  assert.equal(builtInWords(renamed, "Shipments in transit"), "Loads in transit");
  assert.equal(builtInWords(undefined, "packer"), "packer");
});

Deno.test("messagesInWords() renames record types in an island's messages and keeps placeholders", () => {
  const config = validConfiguration({
    terminology: {
      record_types: { loads: { singular: "Shipment", plural: "Shipments", fields: {} } },
    },
  });
  const messages = {
    "palette.new_load": "New load",
    "palette.go_to_section": "Go to {section}",
    "palette.loads": "Loads",
    "bell.unread": "{count, plural, one {# load} other {# loads}}",
  };
  assert.deepEqual(messagesInWords(config, messages), {
    "palette.new_load": "New shipment",
    "palette.go_to_section": "Go to {section}",
    "palette.loads": "Shipments",
    "bell.unread": "{count, plural, one {# shipment} other {# shipments}}",
  });
  assert.equal(messagesInWords(null, messages), messages, "nothing renamed: the same object");
});

Deno.test("messagesInWords() with English sources: a renamed name wins in Spanish, sentences stay translated", () => {
  const config = validConfiguration({
    terminology: {
      record_types: { loads: { singular: "Shipment", plural: "Shipments", fields: {} } },
      phrases: { "Export CSV": "Download" },
    },
  });
  const english = {
    "palette.loads": "Loads",
    "palette.new_load": "New load",
    "palette.invoices": "Invoices",
    "x.export": "Export CSV",
  };
  const spanish = {
    "palette.loads": "Cargas",
    "palette.new_load": "Nueva carga",
    "palette.invoices": "Facturas",
    "x.export": "Exportar CSV",
  };
  assert.deepEqual(messagesInWords(config, spanish, english), {
    "palette.loads": "Shipments",
    "palette.new_load": "Nueva carga",
    "palette.invoices": "Facturas",
    "x.export": "Download",
  });
  assert.deepEqual(messagesInWords(config, english, english), {
    "palette.loads": "Shipments",
    "palette.new_load": "New shipment",
    "palette.invoices": "Invoices",
    "x.export": "Download",
  });
});

Deno.test("messagesInWords() in Spanish: a sentence naming a renamed type agrees with the tenant's Spanish name", () => {
  const config = validConfiguration({
    terminology: {
      record_types: {
        loads: {
          singular: "Shipment",
          plural: "Shipments",
          languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
        },
        suppliers: { singular: "Packer", plural: "Packers" },
      },
      phrases: { "Export CSV": "Download" },
    },
  });
  const english = {
    "palette.loads": "Loads",
    "palette.new_load": "New load",
    "palette.new_supplier": "New supplier",
    "palette.new_invoice": "New invoice",
    "x.export": "Export CSV",
    "bell.unread": "{count, plural, one {# load} other {# loads}}",
  };
  const spanish = {
    "palette.loads": "Cargas",
    "palette.new_load": "Nueva carga",
    "palette.new_supplier": "Nuevo proveedor",
    "palette.new_invoice": "Nueva factura",
    "x.export": "Exportar CSV",
    "bell.unread": "{count, plural, one {# carga} other {# cargas}}",
  };
  assert.deepEqual(messagesInWords(config, spanish, english, "es"), {
    "palette.loads": "Envíos",
    "palette.new_load": "Nuevo envío", // masculine, as the tenant said
    "palette.new_supplier": "Nuevo packer", // no Spanish name: proveedor's gender
    "palette.new_invoice": "Nueva factura",
    "x.export": "Download",
    // No `.renamed` message for this key: the catalogue's sentence stays (documented).
    "bell.unread": "{count, plural, one {# carga} other {# cargas}}",
  });
  assert.deepEqual(termsIn(config, "loads", "es"), {
    singular: "Envío",
    plural: "Envíos",
    gender: "masculine",
  });
  assert.deepEqual(termsIn(config, "suppliers", "es"), {
    singular: "Packer",
    plural: "Packers",
    gender: null,
  });
  assert.equal(termsIn(config, "invoices", "es"), null);
  assert.equal(recordTypeIn(config, loads, "es").plural, "Envíos");
  assert.equal(recordTypeIn(config, loads, "en").plural, "Shipments");
  assert.equal(recordTypeIn(config, suppliers, "es").plural, "Packers");
  assert.equal(navigation(config, "es").find((e) => e.key === "loads")?.label, "Envíos");
  assert.equal(navigation(config).find((e) => e.key === "loads")?.label, "Shipments");
});
