import assert from "node:assert/strict";
import { checkConfiguration } from "./parse.ts";

const CONTAINER = { key: "container", label: "Container number", type: "text" };
const VESSEL = { key: "vessel", label: "Vessel", type: "text", required: true };

Deno.test("a layout places a custom field in sections, hidden, required, list columns and default filters", () => {
  const checked = checkConfiguration({
    custom_fields: { loads: [CONTAINER, { key: "reefer", label: "Reefer", type: "yes_no" }] },
    layouts: {
      record_types: {
        loads: {
          sections: [{ title: "Export", fields: ["container", "bol_number"] }],
          hidden: ["reefer"],
          required: ["container"],
          list_columns: { default: ["status", "container"], broker: ["container"] },
          default_filters: { broker: { container: "MSCU" } },
        },
      },
    },
  });
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.errors));
  const loads = checked.document.layouts.record_types.loads!;
  assert.deepEqual(loads.sections, [{ title: "Export", fields: ["container", "bol_number"] }]);
  assert.deepEqual(loads.list_columns, { default: ["status", "container"], broker: ["container"] });
  assert.deepEqual(loads.hidden, ["reefer"]);
});

Deno.test("an unknown field in a layout is refused by path, naming the built-in and custom fields allowed", () => {
  const checked = checkConfiguration({
    custom_fields: { loads: [CONTAINER] },
    layouts: {
      record_types: {
        loads: {
          sections: [{ title: "Export", fields: ["container", "containr"] }],
          list_columns: { broker: ["status", "vessel"] },
        },
      },
    },
  });
  assert.equal(checked.ok, false);
  if (checked.ok) return;
  assert.deepEqual(Object.keys(checked.errors).sort(), [
    "layouts.record_types.loads.list_columns.broker.1",
    "layouts.record_types.loads.sections.0.fields.1",
  ]);
  const message = checked.errors["layouts.record_types.loads.sections.0.fields.1"]![0]!;
  assert.match(message, /^Loads have no field "containr"\. Allowed here: number, carrier_id, /);
  assert.match(message, /; custom fields: container\./);
});

Deno.test("a custom field of another record type is not placeable here", () => {
  const checked = checkConfiguration({
    custom_fields: { suppliers: [CONTAINER] },
    layouts: { record_types: { loads: { list_columns: { default: ["container"] } } } },
  });
  assert.equal(checked.ok, false);
  if (!checked.ok) {
    assert.deepEqual(Object.keys(checked.errors), [
      "layouts.record_types.loads.list_columns.default.0",
    ]);
    assert.doesNotMatch(
      checked.errors["layouts.record_types.loads.list_columns.default.0"]![0]!,
      /custom fields:/,
    );
  }
});

Deno.test("removing a custom field still placed in a layout is refused, saying to take it out of the layout", () => {
  const layouts = {
    record_types: { loads: { sections: [{ title: "Export", fields: ["container"] }] } },
  };
  assert.ok(checkConfiguration({ custom_fields: { loads: [CONTAINER] }, layouts }).ok);
  const removed = checkConfiguration({ custom_fields: { loads: [] }, layouts });
  assert.equal(removed.ok, false);
  if (removed.ok) return;
  assert.deepEqual(Object.keys(removed.errors), ["layouts.record_types.loads.sections.0.fields.0"]);
  assert.match(
    removed.errors["layouts.record_types.loads.sections.0.fields.0"]![0]!,
    /no field "container".*declare it in custom_fields\.loads; to remove one, take it out of this layout too\./,
  );
});

Deno.test("a required custom field cannot be hidden", () => {
  const checked = checkConfiguration({
    custom_fields: { loads: [VESSEL] },
    layouts: { record_types: { loads: { hidden: ["vessel"] } } },
  });
  assert.equal(checked.ok, false);
  if (!checked.ok) {
    assert.deepEqual(checked.errors, {
      "layouts.record_types.loads.hidden.0": [
        '"vessel" is required on loads, so it cannot be hidden.',
      ],
    });
  }
});

Deno.test("layout problems are listed with another section's problems in the same answer", () => {
  const checked = checkConfiguration({
    branding: { appearance: "sepia" },
    layouts: { record_types: { loads: { hidden: ["nope"] } } },
  });
  assert.equal(checked.ok, false);
  if (!checked.ok) {
    assert.deepEqual(Object.keys(checked.errors).sort(), [
      "branding.appearance",
      "layouts.record_types.loads.hidden.0",
    ]);
  }
});

Deno.test("a default filter names a list filter: a custom date by its range, never a custom field whose filter is off", () => {
  const checked = checkConfiguration({
    custom_fields: {
      loads: [
        { key: "sailing", label: "Sailing", type: "date" },
        { key: "vessel", label: "Vessel", type: "text", filter: false },
      ],
    },
    layouts: {
      record_types: {
        loads: {
          default_filters: {
            broker: { sailing_from: "2026-01-01", status: "booked" },
            admin: { vessel: "MSC Anna", sailing: "2026-01-01" },
          },
        },
      },
    },
  });
  assert.equal(checked.ok, false);
  if (checked.ok) return;
  assert.deepEqual(Object.keys(checked.errors).sort(), [
    "layouts.record_types.loads.default_filters.admin.sailing",
    "layouts.record_types.loads.default_filters.admin.vessel",
  ]);
  const message = checked.errors["layouts.record_types.loads.default_filters.admin.vessel"]![0]!;
  assert.match(message, /^Loads have no filter "vessel"\. Allowed here: .*status/);
  assert.match(message, /sailing_from, sailing_to\.$/);
});

Deno.test("a built-in date's default filter is its range", () => {
  const checked = checkConfiguration({
    layouts: {
      record_types: {
        "purchase-orders": { default_filters: { default: { pickup_date_from: "2026-01-01" } } },
      },
    },
  });
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.errors));
});
