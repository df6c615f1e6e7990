/**
 * The record pages over real HTTP with a signed-in cookie: lists, forms (dollars, lines, errors
 * in place, stale edits), column choice, CSV export and import, option lists, search, reports,
 * the dashboard and the API reference.
 */
import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { seedOneOfEach } from "../../tests/helpers/records.ts";
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { parseCsv } from "../../domain/records/csv.ts";
import { setOverrides } from "../../billing/admin.ts";

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
    return { status: res.status, headers: res.headers, text: await res.text() };
  };
  return { get, post, upload };
}

Deno.test("record pages: lists, forms, columns, CSV, import, option lists, search, reports", async (t) => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const seeded = await seedOneOfEach(api, "kilo");
    const b = browser(server, tenant);

    await t.step("every list, detail and form page renders", async () => {
      for (const def of RECORD_TYPES) {
        const list = await b.get(`/${def.collection}`);
        assert.equal(list.status, 200, def.collection);
        assert.match(list.text, /<table class="records"/);
        const rec = seeded[def.collection as keyof typeof seeded];
        const detail = await b.get(`/${def.collection}/${rec.id}`);
        assert.equal(detail.status, 200);
        assert.match(detail.text, /History/);
        assert.equal((await b.get(`/${def.collection}/new`)).status, 200);
        assert.equal((await b.get(`/${def.collection}/${rec.id}/edit`)).status, 200);
      }
      const missing = await b.get("/suppliers/01aaaaaaaaaaaaaaaaaaaaaaaa");
      assert.equal(missing.status, 404);
    });

    await t.step("a supplier's page shows its plants and purchase orders", async () => {
      const page = await b.get(`/suppliers/${seeded.suppliers.id}`);
      assert.match(page.text, /kilo Plant/);
      assert.match(page.text, new RegExp(seeded["purchase-orders"].number));
      const load = await b.get(`/loads/${seeded.loads.id}`);
      assert.match(load.text, new RegExp(seeded["purchase-orders"].number));
      assert.match(load.text, new RegExp(seeded["sales-orders"].number));
    });

    await t.step("a form creates with dollars and lines, and shows errors in place", async () => {
      const bad = await b.post("/customers", [["name", ""], ["credit_limit_cents", "abc"]]);
      assert.equal(bad.status, 422);
      assert.match(bad.text, /aria-invalid="true"/);
      assert.match(bad.text, /Required\./);
      const good = await b.post("/customers", [
        ["name", "Form Foods"],
        ["credit_limit_cents", "12,500.50"],
        ["_has.credit_hold", "1"],
        ["credit_hold", "true"],
      ]);
      assert.equal(good.status, 303);
      const id = good.headers.get("location")!.split("/")[2]!.split("?")[0]!;
      const customer = await api.ok("GET", `/api/v1/customers/${id}`);
      assert.equal(customer.credit_limit_cents, 1_250_050);
      assert.equal(customer.credit_hold, true);

      const po = await b.post("/purchase-orders", [
        ["supplier_id", seeded.suppliers.id],
        ["order_date", "2026-11-02"],
        ["_has.lines", "1"],
        ["lines.0.description", "Brisket"],
        ["lines.0.weight", "1000"],
        ["lines.0.weight_unit", "KG"],
        ["lines.0.price", "3.50"],
        ["lines.0.price_basis", "weight"],
        ["lines.1.description", ""],
        ["lines.1.weight_unit", "LB"],
        ["lines.1.price_basis", "weight"],
      ]);
      assert.equal(po.status, 303, po.text.slice(0, 400));
      const poId = po.headers.get("location")!.split("/")[2]!.split("?")[0]!;
      const stored = await api.ok("GET", `/api/v1/purchase-orders/${poId}`);
      assert.equal(stored.lines.length, 1, "the blank line is dropped");
      assert.equal(stored.total_cents, 350_000);
    });

    await t.step("an edit from a stale page is refused and shows why", async () => {
      const s = seeded.suppliers;
      const current = await api.ok("GET", `/api/v1/suppliers/${s.id}`);
      await api.ok("PATCH", `/api/v1/suppliers/${s.id}`, {
        version: current.version,
        city: "Dodge City",
      });
      const stale = await b.post(`/suppliers/${s.id}`, [
        ["version", String(current.version)],
        ["name", "Renamed"],
      ]);
      assert.equal(stale.status, 409);
      assert.match(stale.text, /changed by someone else/);
      assert.equal((await api.ok("GET", `/api/v1/suppliers/${s.id}`)).name, "kilo Packing");
    });

    await t.step("chosen columns are kept per user", async () => {
      await b.post("/customers/columns", [["columns", "industry"], ["columns", "phone"]]);
      const list = await b.get("/customers");
      assert.match(list.text, />Industry</);
      assert.doesNotMatch(list.text, />Credit limit</);
    });

    await t.step("CSV export follows the list's filters and defuses formulas", async () => {
      await api.ok("POST", "/api/v1/suppliers", { name: '=HYPERLINK("evil")', city: "Ames" }, 201);
      const all = await b.get("/suppliers/export.csv");
      assert.equal(all.status, 200);
      assert.match(all.headers.get("content-type")!, /text\/csv/);
      const rows = parseCsv(all.text);
      assert.equal(rows[0]![1], "Name");
      assert.ok(rows.some((r) => r[1] === '\'=HYPERLINK("evil")'));
      const filtered = parseCsv((await b.get("/suppliers/export.csv?q=kilo")).text);
      assert.equal(filtered.length, 2);
      assert.equal(filtered[1]![1], "kilo Packing");
    });

    await t.step(
      "CSV import: a bad row stops everything; a good file imports all rows",
      async () => {
        const before = (await api.ok("GET", "/api/v1/carriers?limit=200")).data.length;
        const bad = new FormData();
        bad.set(
          "file",
          new File(
            [
              "Name,MC number,DOT number,Type\r\nIce Road,MC 555001,1234567,Reefer\r\n,MC 555002,,Reefer\r\nDupe,555001,,Reefer\r\n",
            ],
            "carriers.csv",
            { type: "text/csv" },
          ),
        );
        const preview = await b.upload("/carriers/import", bad);
        assert.equal(preview.status, 422);
        assert.match(preview.text, /2 of 3/);
        assert.equal((await api.ok("GET", "/api/v1/carriers?limit=200")).data.length, before);

        const good = new FormData();
        const csv =
          "name;mc_number;insurance_expires;payment_terms\nIce Road;MC 555001;2027-01-31;Net 30\nPolar Bear Lines;555003;;net 15\n";
        good.set("csv", csv);
        const ok = await b.upload("/carriers/import", good);
        assert.equal(ok.status, 200);
        assert.match(ok.text, /All 2 rows are valid/);
        assert.equal((await api.ok("GET", "/api/v1/carriers?limit=200")).data.length, before);
        const confirm = new FormData();
        confirm.set("csv", csv);
        confirm.set("confirm", "1");
        const done = await b.upload("/carriers/import", confirm);
        assert.equal(done.status, 303);
        const after = (await api.ok("GET", "/api/v1/carriers?limit=200")).data;
        assert.equal(after.length, before + 2);
        const polar = after.find((c: { name: string }) => c.name === "Polar Bear Lines");
        assert.equal(polar.payment_terms, "Net 15");
        const contacts = new FormData();
        contacts.set("csv", "First name,Last name,Customer\nRita,Receiver,kilo Grocers\n");
        contacts.set("confirm", "1");
        assert.equal((await b.upload("/contacts/import", contacts)).status, 303);
        const rita = (await api.ok("GET", "/api/v1/contacts?q=Rita")).data[0];
        assert.equal(rita.customer_id, seeded.customers.id);
        const binary = new FormData();
        binary.set("file", new File([new Uint8Array([0x25, 0x50, 0x44, 0x46, 0, 1, 2])], "x.csv"));
        assert.equal((await b.upload("/carriers/import", binary)).status, 400);
        const huge = new FormData();
        huge.set("file", new File([new Uint8Array(3 * 1024 * 1024).fill(65)], "big.csv"));
        const tooBig = await b.upload("/carriers/import", huge);
        assert.equal(tooBig.status, 413);
        assert.match(tooBig.text, /larger than 2 MB/);
      },
    );

    await t.step("option lists: an admin edits them; retired values stay on records", async () => {
      const page = await b.get("/settings/option-lists");
      assert.equal(page.status, 200);
      const saved = await b.post("/settings/option-lists/protein", [[
        "values",
        "Beef\nPork\nBison",
      ]]);
      assert.equal(saved.status, 200);
      const lists = await api.ok("GET", "/api/v1/option-lists");
      const protein = lists.data.find((l: { key: string }) => l.key === "protein");
      assert.deepEqual(protein.values, ["Beef", "Pork", "Bison"]);
      const refused = await api.call("POST", "/api/v1/products", {
        code: "CK-1",
        description: "Chicken",
        protein: "Chicken",
      });
      assert.equal(refused.status, 422);
      await api.ok("POST", "/api/v1/products", {
        code: "BS-1",
        description: "Bison",
        protein: "bison",
      }, 201);
      const dup = await b.post("/settings/option-lists/protein", [["values", "Beef\nbeef"]]);
      assert.equal(dup.status, 422);
    });

    await t.step("search, reports, dashboard and the API reference", async () => {
      const search = await b.get(`/search?q=${encodeURIComponent(seeded.plants.est_number)}`);
      assert.match(search.text, /kilo Plant/);
      const reports = await b.get("/reports?by=customer&from=2026-01-01&to=2026-12-31");
      assert.equal(reports.status, 200);
      const csv = await b.get("/reports/export.csv?report=aging");
      assert.equal(csv.status, 200);
      assert.match(csv.text, /Customer,current,1-30/);
      // The export link of the aging report keeps the chosen "as of" day.
      const agingPage = await b.get("/reports?report=aging&as_of=2026-06-30");
      assert.match(
        agingPage.text,
        /href="\/reports\/export.csv\?report=aging&amp;[^"]*as_of=2026-06-30"/,
      );
      assert.doesNotMatch(
        (await b.get("/reports?report=aging")).text,
        /href="\/reports\/export.csv[^"]*as_of=/,
      );
      // Report files are a plan feature; an operator can turn it off. Lists still export.
      await setOverrides(server.services, tenant.tenantId, { reportExports: false });
      server.services.billing.invalidate(tenant.tenantId);
      assert.equal((await b.get("/reports/export.csv?report=aging")).status, 402);
      assert.equal((await b.get("/suppliers/export.csv")).status, 200);
      await setOverrides(server.services, tenant.tenantId, {});
      server.services.billing.invalidate(tenant.tenantId);
      const dash = await b.get("/");
      assert.match(dash.text, /Receivables aging/);
      assert.match(dash.text, /<svg/);
      const doc = await server.fetch(tenant.host, "/api/openapi.json");
      const json = await doc.json();
      assert.equal(json.openapi, "3.1.0");
      for (const def of RECORD_TYPES) assert.ok(json.paths[`/api/v1/${def.collection}`]);
      for (
        const path of [
          "/api/v1/documents",
          "/api/v1/documents/{id}/accept",
          "/api/v1/assistant/messages",
        ]
      ) assert.ok(json.paths[path], path);
      const docs = await b.get("/api/docs");
      assert.match(docs.text, /API reference/);
      assert.match(docs.text, /data-island="ApiConsole"/);
      assert.match(docs.text, /<code>Idempotency-Key<\/code><\/th><td>header<\/td>/);
    });
  } finally {
    await server.close();
  }
});
