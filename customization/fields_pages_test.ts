/**
 * Custom fields and rules on the record pages: the form, the detail page, list columns and
 * filters, the CSV export, and the rules card that explains why a record waits.
 */
import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { parseCsv } from "../domain/records/csv.ts";

function browser(server: TestServer, t: SignedUp) {
  const get = async (path: string) => {
    const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const post = async (path: string, fields: Array<[string, string]>) => {
    const body = new URLSearchParams([["_csrf", t.csrf], ...fields]).toString();
    const res = await server.fetch(t.host, path, {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
        origin: `http://${t.host}:${server.port}`,
      },
      body,
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  const upload = async (path: string, form: FormData) => {
    form.set("_csrf", t.csrf);
    const req = new Request(`http://127.0.0.1:${server.port}${path}`, {
      method: "POST",
      body: form,
    });
    const res = await server.fetch(t.host, path, {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": req.headers.get("content-type")!,
        origin: `http://${t.host}:${server.port}`,
      },
      body: new Uint8Array(await req.arrayBuffer()),
    });
    return { status: res.status, text: await res.text() };
  };
  return { get, post, upload };
}

Deno.test("custom fields show in forms, pages, list columns, filters and CSV; rules explain themselves", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const put = await api.call("PUT", "/api/v1/config", {
      custom_fields: {
        suppliers: [
          {
            key: "vessel",
            label: "Vessel name",
            type: "text",
            column: true,
            help: "As on the BL.",
          },
          { key: "halal", label: "Halal certified", type: "yes_no" },
          { key: "grades", label: "Grades", type: "multi_choice", choices: ["Prime", "Choice"] },
        ],
      },
      rules: {
        record_rules: [{
          name: "Check halal suppliers",
          record_type: "suppliers",
          when: { "==": [{ var: "record.halal" }, true] },
          actions: [{ type: "warn", message: "Ask for the certificate." }],
        }],
      },
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const b = browser(server, t);

    const form = await b.get("/suppliers/new");
    assert.equal(form.status, 200);
    assert.match(form.text, /Vessel name/);
    assert.match(form.text, /As on the BL\./);
    assert.match(form.text, /Prime/, "a multi-choice field offers its own choices");

    const created = await b.post("/suppliers", [
      ["name", "Ocean Packers"],
      ["vessel", "MSC Anna"],
      ["halal", "true"],
      ["_has.halal", "1"],
      ["grades", "Prime"],
      ["_has.grades", "1"],
    ]);
    assert.equal(created.status, 303, created.text.slice(0, 500));
    const location = created.headers.get("location")!;
    const id = /\/suppliers\/([0-9a-z]{26})/.exec(location)![1]!;
    const stored = await api.ok("GET", `/api/v1/suppliers/${id}`);
    assert.deepEqual(stored.custom_fields, { vessel: "MSC Anna", halal: true, grades: ["Prime"] });

    const detail = await b.get(`/suppliers/${id}`);
    assert.match(detail.text, /Vessel name/);
    assert.match(detail.text, /MSC Anna/);
    assert.match(detail.text, /by rule 'Check halal suppliers': Ask for the certificate\./);

    await api.ok("POST", "/api/v1/suppliers", { name: "Land Packers" }, 201);
    const list = await b.get("/suppliers?halal=true");
    assert.match(list.text, /<th[^>]*>[\s\S]{0,200}Vessel name/);
    assert.match(list.text, /Ocean Packers/);
    assert.doesNotMatch(list.text, /Land Packers/, "the filter on a custom field applies");

    const csv = await b.get("/suppliers/export.csv");
    const rows = parseCsv(csv.text);
    const header = rows[0]!;
    const vessel = header.indexOf("Vessel name");
    assert.ok(vessel >= 0, header.join(","));
    const ocean = rows.find((r) => r.includes("Ocean Packers"))!;
    assert.equal(ocean[vessel], "MSC Anna");

    const imported = new FormData();
    imported.set("csv", "Name,Vessel name,Halal certified\nSea Packers,Maersk Kyoto,yes\n");
    imported.set("confirm", "1");
    const done = await b.upload("/suppliers/import", imported);
    assert.equal(done.status, 303, done.text.slice(0, 400));
    const sea = (await api.ok("GET", "/api/v1/suppliers?q=Sea")).data[0];
    assert.deepEqual(
      [sea.custom_fields.vessel, sea.custom_fields.halal],
      ["Maersk Kyoto", true],
    );
  } finally {
    await server.close();
  }
});
