/**
 * Terminology, layouts and feature switches over real HTTP: a workspace renames Supplier to
 * Packer and Load to Shipment through PUT /api/v1/config, and the list, the form, the CSV header
 * and the PDF all read the new words (and no longer the old ones); a rollback brings the built-in
 * words back. Layouts pick the dashboard's cards and a list's columns; a switched-off feature
 * leaves the navigation and answers 404.
 */
import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { pdfPages } from "../domain/documents/pdf.ts";

function pages(server: TestServer, t: SignedUp) {
  return async (path: string) => {
    const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, bytes, text: new TextDecoder().decode(bytes) };
  };
}

async function pdfText(bytes: Uint8Array): Promise<string> {
  return (await pdfPages(bytes)).map((p) => p.lines.join("\n")).join("\n").replace(/\s+/g, " ");
}

/** The text of the `<h1>`, of the navigation's links and of a list's column headings. */
function h1(html: string): string {
  return /<h1[^>]*>([\s\S]*?)<\/h1>/.exec(html)?.[1]?.replace(/<[^>]+>/g, "").trim() ?? "";
}
function sidebar(html: string): string[] {
  const nav = /<nav class="sidebar"[\s\S]*?<\/nav>/.exec(html)?.[0] ?? "";
  return [...nav.matchAll(/<a [^>]*>([^<]*)<\/a>/g)].map((m) => m[1]!);
}
function headings(html: string): string[] {
  const head = /<thead>([\s\S]*?)<\/thead>/.exec(html)?.[1] ?? "";
  return [...head.matchAll(/<th[^>]*>([\s\S]*?)<\/th>/g)].map((m) =>
    m[1]!.replace(/<[^>]+>/g, "").replace(/[▲▼]/g, "").trim()
  );
}

async function put(api: ApiClient, document: unknown): Promise<number> {
  const current = await api.call("GET", "/api/v1/config");
  const res = await api.call("PUT", "/api/v1/config", document, {
    "if-match": current.headers.get("etag")!,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return Number(res.headers.get("etag")!.replaceAll('"', ""));
}

Deno.test("a rename (Supplier -> Packer, Load -> Shipment) shows on the list, form, CSV header and PDF, and a rollback undoes it", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const owner = await signUpTenant(server);
    const api = await apiClient(server, owner);
    const seeded = await seedOneOfEach(api, "Renamed");
    const get = pages(server, owner);
    const poId = seeded["purchase-orders"].id;
    const loadId = seeded.loads.id;

    // Before: the built-in words.
    assert.equal(h1((await get("/suppliers")).text), "Suppliers");
    const builtInCsv = (await get("/purchase-orders/export.csv")).text.split("\r\n")[0]!;
    assert.match(builtInCsv, /,Supplier,/);

    await put(api, {
      terminology: {
        record_types: {
          suppliers: { singular: "Packer", plural: "Packers" },
          loads: { singular: "Shipment", plural: "Shipments" },
        },
      },
    });

    // The list: its title, heading, button and the navigation.
    const list = await get("/suppliers");
    assert.equal(list.status, 200);
    assert.equal(h1(list.text), "Packers");
    assert.match(list.text, /<title>Packers · /);
    assert.match(list.text, />New packer</);
    const nav = sidebar(list.text);
    assert.ok(nav.includes("Packers") && nav.includes("Shipments"), nav.join(", "));
    assert.ok(!nav.includes("Suppliers") && !nav.includes("Loads"), nav.join(", "));
    assert.equal(nav.length, sidebar((await get("/customers")).text).length);
    const loads = await get("/loads");
    assert.equal(h1(loads.text), "Shipments");
    // A PO list's column for its supplier follows the rename.
    const poList = headings((await get("/purchase-orders")).text);
    assert.ok(poList.includes("Packer"), poList.join(", "));
    assert.ok(!poList.includes("Supplier"), poList.join(", "));

    // The form: its title and the labels that name the renamed types.
    const page = await get("/purchase-orders/new");
    assert.equal(page.status, 200);
    const form = { text: page.text.replaceAll("&quot;", '"') };
    assert.match(form.text, /"label":"Packer"/);
    assert.match(form.text, /"label":"Packer confirmation number"/);
    assert.match(form.text, /"label":"Packer delivers"/);
    assert.doesNotMatch(form.text, /"label":"Supplier/);
    assert.equal(h1((await get("/loads/new")).text), "New shipment");

    // The detail page's heading and the CSV header.
    assert.match(h1((await get(`/suppliers/${seeded.suppliers.id}`)).text), /^Packer /);
    const csv = (await get("/purchase-orders/export.csv")).text.split("\r\n")[0]!;
    assert.match(csv, /,Packer,/);
    assert.match(csv, /,Packer confirmation number,/);
    assert.doesNotMatch(csv, /Supplier/);
    const loadCsv = (await get("/loads/export.csv")).text.split("\r\n")[0]!;
    assert.match(loadCsv, /^\uFEFF?ID,Shipment number,Carrier,/);

    // The PDFs: the purchase order's supplier block, the rate confirmation's load number.
    const po = await get(`/purchase-orders/${poId}/purchase-order.pdf`);
    assert.equal(po.status, 200);
    const poText = await pdfText(po.bytes);
    assert.match(poText, /PACKER/);
    assert.doesNotMatch(poText, /SUPPLIER|Supplier/);
    const rate = await pdfText((await get(`/loads/${loadId}/rate-confirmation.pdf`)).bytes);
    assert.match(rate, /Shipment number/);
    assert.doesNotMatch(rate, /Load number/);

    // Help search: the new word finds the articles written with the built-in one.
    const help = (await get("/help?q=packer")).text;
    assert.match(help, /article(s)? about “packer”/);
    assert.doesNotMatch(help, /No article mentions/);
    assert.match(help, /packer/i);

    // Rolling back to version 0 restores every built-in word.
    const back = await api.call("POST", "/api/v1/config/rollback", { version: 0 });
    assert.equal(back.status, 200, JSON.stringify(back.body));
    assert.equal(h1((await get("/suppliers")).text), "Suppliers");
    assert.equal((await get("/purchase-orders/export.csv")).text.split("\r\n")[0], builtInCsv);
    assert.match(
      await pdfText((await get(`/purchase-orders/${poId}/purchase-order.pdf`)).bytes),
      /SUPPLIER/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("layouts pick dashboard cards and list columns; a switched-off feature leaves the navigation and answers 404", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const owner = await signUpTenant(server);
    const api = await apiClient(server, owner);
    await seedOneOfEach(api, "Layout");
    const get = pages(server, owner);
    const cardsOf = (html: string) => [...html.matchAll(/data-card="([a-z_]+)"/g)].map((m) => m[1]);
    assert.equal(cardsOf((await get("/")).text).length, 7);
    assert.equal((await get("/reports")).status, 200);

    await put(api, {
      terminology: {
        navigation_labels: { dashboard: "Today" },
        navigation_order: ["loads"],
        phrases: {
          "Import CSV": "Bring in a spreadsheet",
          "Members": "Our team",
          "Webhooks": "Outbound hooks",
          "Commands": "Shortcuts",
          "Log a call…": "Phone log…",
          "Save view": "Keep this view",
        },
      },
      layouts: {
        dashboard_cards: { owner: ["top_suppliers", "loads_by_status"], broker: ["margin_weeks"] },
        record_types: {
          carriers: { list_columns: { owner: ["mc_number", "phone"] } },
          customers: { default_filters: { owner: { credit_hold: "true" } } },
        },
      },
      features: { reports: false, csv_export: false },
    });

    const home = await get("/");
    assert.deepEqual(cardsOf(home.text), ["top_suppliers", "loads_by_status"]);
    assert.equal(h1(home.text), "Today");
    const nav = sidebar(home.text);
    assert.equal(nav[0], "Loads");
    assert.equal(nav[1], "Today");
    assert.ok(!nav.includes("Reports"), nav.join(", "));
    assert.equal((await get("/reports")).status, 404);
    assert.equal((await get("/carriers/export.csv")).status, 404);
    const carriers = await get("/carriers");
    assert.deepEqual(headings(carriers.text), ["Name", "MC number", "Dispatch phone"]);
    assert.doesNotMatch(carriers.text, /Export CSV/);
    // Other pages and features are untouched.
    assert.equal((await get("/documents")).status, 200);
    assert.equal((await get("/customers/export.csv")).status, 404);
    // The owner's customer list opens filtered to credit holds (none); an explicit query does not.
    const customers = (await get("/customers")).text;
    assert.match(customers, /No customers match/);
    assert.doesNotMatch((await get("/customers?q=")).text, /No customers match/);
    assert.match(customers, />Bring in a spreadsheet</);
    assert.doesNotMatch(customers, /Import CSV/);
    const settings = (await get("/settings/profile")).text;
    assert.match(settings, />Our team</);
    assert.match(settings, />API tokens</);
    // Phrases of the settings tabs, the command palette, saved views and the activity card.
    assert.match(settings, />Outbound hooks</);
    assert.doesNotMatch(settings, />Webhooks</);
    assert.match(settings, /Shortcuts/);
    assert.match(customers, />Keep this view</);
    const record = /href="(\/customers\/[0-9a-z]{26})"/.exec(customers) ??
      /href="(\/customers\/[0-9a-z]{26})"/.exec((await get("/customers?q=")).text);
    assert.ok(record, "a customer's page is linked from the list");
    const page = (await get(record[1]!)).text;
    assert.match(page, />Phone log…</);
    assert.doesNotMatch(page, /Log a call…/);
  } finally {
    await server.close();
  }
});

Deno.test("a field a layout requires is required by the form and the API; nothing is written without it", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const owner = await signUpTenant(server);
    const api = await apiClient(server, owner);
    const before = await api.call("POST", "/api/v1/customers", { name: "Before Grocers" });
    assert.equal(before.status, 201);
    await put(api, { layouts: { record_types: { customers: { required: ["phone"] } } } });

    const refused = await api.call("POST", "/api/v1/customers", { name: "No Phone Grocers" });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.ok(refused.body.error.details.phone, JSON.stringify(refused.body.error.details));
    const form = await server.fetch(owner.host, "/customers", {
      method: "POST",
      headers: {
        cookie: owner.jar.header(owner.host),
        "content-type": "application/x-www-form-urlencoded",
        origin: `http://${owner.host}:${server.port}`,
      },
      body: new URLSearchParams([["_csrf", owner.csrf], ["name", "Form Grocers"]]).toString(),
    });
    assert.equal(form.status, 422);
    await form.body?.cancel();
    const list = await api.call("GET", "/api/v1/customers");
    assert.deepEqual(list.body.data.map((r: { name: string }) => r.name), ["Before Grocers"]);

    const ok = await api.call("POST", "/api/v1/customers", {
      name: "Phone Grocers",
      phone: "555-0100",
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  } finally {
    await server.close();
  }
});
