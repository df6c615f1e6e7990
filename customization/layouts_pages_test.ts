/**
 * Layouts place custom fields like built-in ones: a section of the form and detail page, a list
 * column (with its values, sortable), a default filter that the CSV export follows, hidden; and a
 * configuration that drops a custom field still placed in a layout is refused, changing nothing.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { parseCsv } from "../domain/records/csv.ts";

const CUSTOM_FIELDS = {
  suppliers: [
    { key: "vessel", label: "Vessel name", type: "text" },
    { key: "grade", label: "Packer grade", type: "choice", choices: ["A", "B"] },
    { key: "secret_code", label: "Gate code", type: "text" },
  ],
};

const LAYOUTS = {
  record_types: {
    suppliers: {
      sections: [{ title: "Shipping papers", fields: ["vessel", "phone"] }],
      hidden: ["secret_code"],
      list_columns: { default: ["vessel", "grade", "city"] },
      default_filters: { default: { grade: "A" } },
    },
  },
};

/** The HTML from the first match of `open` to the next `close`, both included. */
function section(html: string, open: RegExp, close: string): string {
  const m = open.exec(html);
  assert.ok(m, `no ${open} in the page`);
  const rest = html.slice(m.index);
  return rest.slice(0, rest.indexOf(close) + close.length);
}

Deno.test("a layout places custom fields in the form's section, the list's columns and filters, the detail page and the CSV", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const put = await api.call("PUT", "/api/v1/config", {
      custom_fields: CUSTOM_FIELDS,
      layouts: LAYOUTS,
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const ocean = await api.ok("POST", "/api/v1/suppliers", {
      name: "Ocean Packers",
      city: "Omaha",
      custom_fields: { vessel: "MSC Anna", grade: "A", secret_code: "4471" },
    }, 201);
    await api.ok("POST", "/api/v1/suppliers", {
      name: "Land Packers",
      custom_fields: { vessel: "Evergreen Ever", grade: "B" },
    }, 201);
    await api.ok("POST", "/api/v1/suppliers", {
      name: "Coast Packers",
      custom_fields: { vessel: "Zim Haifa", grade: "A" },
    }, 201);
    const get = async (path: string) => {
      const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
      return { status: res.status, text: await res.text() };
    };

    // The list opens with the default filter on the custom choice, its columns in layout order.
    const list = await get("/suppliers");
    assert.equal(list.status, 200);
    const table = section(list.text, /<table class="records"/, "</table>");
    const head = section(table, /<thead>/, "</thead>");
    const headings = [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) =>
      m[1]!.replace(/<[^>]+>/g, "").replace(/[▲▼↑↓]/g, "").trim()
    );
    assert.deepEqual(headings.slice(1), ["Vessel name", "Packer grade", "City"]);
    assert.match(head, /href="\/suppliers\?grade=A&amp;sort=vessel"/, "the custom column sorts");
    const body = section(table, /<tbody>/, "</tbody>");
    assert.match(body, /Ocean Packers[\s\S]*MSC Anna/);
    assert.match(body, /Coast Packers[\s\S]*Zim Haifa/);
    assert.doesNotMatch(body, /Land Packers|Evergreen Ever/, "the default filter applies");
    assert.doesNotMatch(list.text, /4471/, "a field not placed in the list stays out of it");

    // Sorted by the custom column, both ways.
    const rowsOf = async (path: string) =>
      section((await get(path)).text, /<table class="records"/, "</table>");
    const up = await rowsOf("/suppliers?grade=A&sort=vessel");
    assert.ok(up.indexOf("MSC Anna") < up.indexOf("Zim Haifa"), "ascending by vessel");
    const down = await rowsOf("/suppliers?grade=A&sort=-vessel");
    assert.ok(down.indexOf("Zim Haifa") < down.indexOf("MSC Anna"), "descending by vessel");

    // The form: the custom field first in its section, before the built-in field placed there.
    const form = await get("/suppliers/new");
    assert.equal(form.status, 200);
    const fieldset = section(form.text, /<legend>Shipping papers<\/legend>/, "</fieldset>");
    assert.ok(
      fieldset.indexOf("Vessel name") >= 0 &&
        fieldset.indexOf("Vessel name") < fieldset.indexOf("Main phone"),
      fieldset.slice(0, 600),
    );
    assert.doesNotMatch(fieldset, /Packer grade/, "an unplaced custom field keeps its own group");
    assert.match(form.text, /Packer grade/);
    assert.doesNotMatch(form.text, /Gate code/, "a hidden custom field is not on the form");

    // The detail page: the section with the value; the hidden field is not among its fields.
    const detail = await get(`/suppliers/${ocean.id}`);
    assert.equal(detail.status, 200);
    const shown = detail.text.slice(detail.text.indexOf("Shipping papers"));
    assert.match(shown, /^Shipping papers[\s\S]*Vessel name[\s\S]*MSC Anna/);
    // (The history lists every change, hidden fields' too, as it does for built-in ones.)
    const fields = detail.text.slice(0, detail.text.indexOf("<h2>History</h2>"));
    assert.doesNotMatch(fields, /Gate code|4471/);

    // The CSV export follows the list's filter on the custom field and carries its values.
    const csv = await get("/suppliers/export.csv?grade=A");
    assert.equal(csv.status, 200, csv.text.slice(0, 300));
    const rows = parseCsv(csv.text);
    const header = rows[0]!;
    const vessel = header.indexOf("Vessel name");
    assert.ok(vessel > 0, header.join(","));
    assert.deepEqual(rows.slice(1).map((r) => r[vessel]).sort(), ["MSC Anna", "Zim Haifa"]);
  } finally {
    await server.close();
  }
});

Deno.test("dropping a custom field still placed in a layout is refused by path and changes nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const put = await api.call("PUT", "/api/v1/config", {
      custom_fields: CUSTOM_FIELDS,
      layouts: LAYOUTS,
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const refused = await api.call("PUT", "/api/v1/config", {
      custom_fields: { suppliers: CUSTOM_FIELDS.suppliers.filter((f) => f.key !== "vessel") },
      layouts: LAYOUTS,
    }, { "if-match": '"1"' });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    const details = (refused.body as { error: { details: Record<string, string[]> } }).error
      .details;
    assert.deepEqual(Object.keys(details).sort(), [
      "layouts.record_types.suppliers.list_columns.default.0",
      "layouts.record_types.suppliers.sections.0.fields.0",
    ]);
    assert.match(
      details["layouts.record_types.suppliers.sections.0.fields.0"]![0]!,
      /Suppliers have no field "vessel"\..*custom fields: grade, secret_code\./,
    );
    const current = await api.call("GET", "/api/v1/config");
    assert.equal(current.headers.get("etag"), '"1"');
    const body = current.body as { custom_fields: { suppliers: Array<{ key: string }> } };
    assert.deepEqual(body.custom_fields.suppliers.map((f) => f.key), [
      "vessel",
      "grade",
      "secret_code",
    ]);
  } finally {
    await server.close();
  }
});
