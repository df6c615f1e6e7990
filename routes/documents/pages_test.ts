import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../../tests/helpers/documents.ts";
import { corpus } from "../../ai/fixtures/corpus.ts";
import { addMember, type Session, signIn } from "../../tests/helpers/members.ts";
import type { Role } from "../../auth/roles.ts";

Deno.test("review page: a PO is reviewed, corrected and accepted through the form; a BOL is attached to its load, whose page lists it", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cookie = t.jar.header(t.host);
    const fixtures = corpus([1]);

    // Upload through the page's plain form (no JavaScript).
    const po = fixtures.find((f) => f.name.startsWith("purchase-order-boxes"))!;
    const form = new FormData();
    form.append("_csrf", t.csrf);
    form.append("file", new File([await po.pdf() as Uint8Array<ArrayBuffer>], "po.pdf"));
    const req = new Request("http://x/", { method: "POST", body: form });
    const posted = await server.fetch(t.host, "/documents", {
      method: "POST",
      headers: { cookie, "content-type": req.headers.get("content-type")! },
      body: new Uint8Array(await req.arrayBuffer()),
    });
    assert.equal(posted.status, 303, await posted.text());
    const list = await api.ok("GET", "/api/v1/documents");
    const doc = await waitForDocument(api, list.data[0].id);
    assert.equal(doc.status, "review");

    const page = await (await server.fetch(t.host, `/documents/${doc.id}`, { headers: { cookie } }))
      .text();
    assert.match(page, /Accept and create purchase order/);
    assert.match(page, new RegExp(`value="${po.expected.fields.number}"`));
    assert.match(page, /New supplier named/);
    assert.match(page, /<iframe src="\/documents\/[0-9a-z]+\/file"/);

    const file = await server.fetch(t.host, `/documents/${doc.id}/file`, { headers: { cookie } });
    assert.equal(file.headers.get("content-type"), "application/pdf");
    assert.equal(file.headers.get("x-content-type-options"), "nosniff");
    await file.body?.cancel();

    // Accept with a corrected PO number.
    const fields = new URLSearchParams();
    fields.set("_csrf", t.csrf);
    fields.set("_collection", "purchase-orders");
    fields.set("number", "PO-CORRECTED-1");
    fields.set("order_date", String(po.expected.fields.order_date));
    fields.set("party.supplier_id.name", String(po.expected.parties.supplier_id!.name));
    fields.set("party.plant_id.est_number", String(po.expected.parties.plant_id!.est_number));
    fields.set("party.plant_id.name", "Main plant");
    fields.set("_has.lines", "1");
    fields.set("lines.0.description", String(po.expected.lines[0]!.description));
    fields.set("lines.0.weight", String(po.expected.lines[0]!.weight));
    fields.set("lines.0.price", String(po.expected.lines[0]!.price));
    const accepted = await server.fetch(t.host, `/documents/${doc.id}/accept`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    });
    assert.equal(accepted.status, 303, await accepted.text());
    const location = accepted.headers.get("location")!;
    assert.match(location, /^\/purchase-orders\/[0-9a-z]{26}\?saved=1$/);
    const created = await api.ok("GET", `/api/v1${location.replace("?saved=1", "")}`);
    assert.equal(created.number, "PO-CORRECTED-1");
    const poPage = await (await server.fetch(t.host, location, { headers: { cookie } })).text();
    assert.match(poPage, /data-linked-documents/);
    assert.match(poPage, /po\.pdf/);
    const after = await api.ok("GET", `/api/v1/documents/${doc.id}`);
    assert.equal(after.status, "accepted");
    assert.deepEqual(after.record, { collection: "purchase-orders", id: created.id });

    // A BOL attached to the load that carries this PO.
    const bol = fixtures.find((f) => f.name.startsWith("bill-of-lading-beside"))!;
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: created.id,
      bol_number: bol.expected.fields.bol_number,
    }, 201);
    const up = await uploadFile(server, api, "bol.pdf", await bol.pdf());
    const bolDoc = await waitForDocument(api, up.body.id);
    assert.equal(bolDoc.classification, "bill_of_lading");
    const attach = await server.fetch(t.host, `/documents/${bolDoc.id}/attach`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, load: String(bol.expected.fields.bol_number) })
        .toString(),
    });
    assert.equal(attach.status, 303, await attach.text());
    assert.equal(attach.headers.get("location"), `/loads/${load.id}?saved=1`);
    const loadPage =
      await (await server.fetch(t.host, `/loads/${load.id}`, { headers: { cookie } })).text();
    assert.match(loadPage, /bol\.pdf/);
    assert.match(loadPage, /Bill of lading/);
    const updated = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(
      updated.seal_number,
      bol.expected.fields.seal_number,
      "empty seal number filled from the BOL",
    );

    // The list page shows both, with the nav entry live.
    const docsPage = await (await server.fetch(t.host, "/documents", { headers: { cookie } }))
      .text();
    assert.match(docsPage, /<a href="\/documents"[^>]*>Documents<\/a>/);
    assert.match(docsPage, /pm-island data-island="DocumentUpload"/);
  } finally {
    await worker.stop();
    await server.close();
  }
});

/** The opening tags of the page's buttons whose label starts with `label`. */
function buttons(html: string, label: string): string[] {
  return [...html.matchAll(/<button\b[^>]*>([^<]*)<\/button>/g)]
    .filter((m) => m[1]!.trim().startsWith(label))
    .map((m) => m[0].slice(0, m[0].indexOf(">") + 1));
}

Deno.test("review page: a broker gets no enabled Accept on an invoice (and says why), attach is offered only for a load's paperwork to roles that may change loads", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const text = "INVOICE\nInvoice #: INV-7301\nInvoice Date: 03/02/2026\nBill To: Metro Grocers\n";
    const up = await uploadFile(server, api, "invoice.txt", new TextEncoder().encode(text));
    const invoice = await waitForDocument(api, up.body.id);
    assert.equal(invoice.classification, "invoice");
    const bol = corpus([1]).find((f) => f.name.startsWith("bill-of-lading-beside"))!;
    const bolDoc = await waitForDocument(
      api,
      (await uploadFile(server, api, "bol.pdf", await bol.pdf())).body.id,
    );
    assert.equal(bolDoc.classification, "bill_of_lading");

    const session = async (role: Role) => {
      const m = await addMember(server, t.tenantId, role);
      return await signIn(server, t.host, m.email, m.password);
    };
    const page = async (s: Session, id: string) =>
      await (await server.fetch(t.host, `/documents/${id}`, {
        headers: { cookie: s.jar.header(t.host) },
      })).text();
    const broker = await session("broker");
    const accounting = await session("accounting");
    const viewer = await session("viewer");
    const list = async (s: Session) =>
      await (await server.fetch(t.host, "/documents", {
        headers: { cookie: s.jar.header(t.host) },
      }))
        .text();
    assert.match(await list(accounting), /data-island="DocumentUpload"/, "accounting may upload");
    assert.doesNotMatch(await list(viewer), /data-island="DocumentUpload"/, "a viewer may not");
    assert.deepEqual(buttons(await page(viewer, invoice.id), "Reject"), []);

    const brokerInvoice = await page(broker, invoice.id);
    const accept = buttons(brokerInvoice, "Accept and create invoice");
    assert.equal(accept.length, 1, "the button is there, disabled");
    assert.match(accept[0]!, /\bdisabled\b/);
    assert.match(brokerInvoice, /Your role cannot create invoices[^<]*money:write/);
    assert.deepEqual(buttons(brokerInvoice, "Attach"), [], "an invoice is not a load's paper");
    assert.equal(buttons(brokerInvoice, "Reject").length, 1);

    // Posting the form anyway is refused and writes nothing.
    const forced = await server.fetch(t.host, `/documents/${invoice.id}/accept`, {
      method: "POST",
      headers: {
        cookie: broker.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        _csrf: broker.csrf,
        _collection: "invoices",
        number: "INV-7301",
        invoice_date: "2026-03-02",
        "party.customer_id.name": "Metro Grocers",
      }).toString(),
    });
    assert.equal(forced.status, 403);
    await forced.body?.cancel();
    assert.equal((await api.ok("GET", "/api/v1/invoices")).data.length, 0, "no invoice");
    assert.equal((await api.ok("GET", "/api/v1/customers")).data.length, 0, "no customer");

    // Accounting may accept invoices, but is told it cannot create the new customer.
    const accountingInvoice = await page(accounting, invoice.id);
    const enabled = buttons(accountingInvoice, "Accept and create invoice");
    assert.equal(enabled.length, 1);
    assert.doesNotMatch(enabled[0]!, /\bdisabled\b/);
    assert.match(accountingInvoice, /Your role cannot create customers/);

    // Attach to a load: on a bill of lading, for a broker; not for accounting (no loads).
    assert.equal(buttons(await page(broker, bolDoc.id), "Attach to a load").length, 1);
    assert.deepEqual(buttons(await page(accounting, bolDoc.id), "Attach"), []);
    const attach = await server.fetch(t.host, `/documents/${bolDoc.id}/attach`, {
      method: "POST",
      headers: {
        cookie: accounting.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: accounting.csrf, load: "anything" }).toString(),
    });
    assert.equal(attach.status, 403);
    await attach.body?.cancel();
    assert.equal((await api.ok("GET", `/api/v1/documents/${bolDoc.id}`)).record, null);
  } finally {
    await worker.stop();
    await server.close();
  }
});

Deno.test("a document whose PO number exists: the review page warns and links; accepting answers 409, never 500, and creates nothing", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cookie = t.jar.header(t.host);
    const po = corpus([1]).find((f) => f.name.startsWith("purchase-order-boxes"))!;
    const number = String(po.expected.fields.number);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Existing Packer" }, 201);
    const existing = await api.ok("POST", "/api/v1/purchase-orders", {
      number,
      supplier_id: supplier.id,
      order_date: "2026-11-01",
    }, 201);
    const uploaded = await uploadFile(server, api, "po.pdf", await po.pdf() as Uint8Array);
    assert.equal(uploaded.status, 202);
    const doc = await waitForDocument(api, uploaded.body.id);
    assert.equal(doc.status, "review");

    const html = await (await server.fetch(t.host, `/documents/${doc.id}`, { headers: { cookie } }))
      .text();
    assert.match(html, /id="duplicate-number"/);
    assert.match(html, new RegExp(`href="/purchase-orders/${existing.id}"`));
    assert.match(html, /already exists/);

    const poCount = async () => (await api.ok("GET", "/api/v1/purchase-orders")).data.length;
    const suppliersBefore = (await api.ok("GET", "/api/v1/suppliers")).data.length;
    const viaApi = await api.call("POST", `/api/v1/documents/${doc.id}/accept`, {
      collection: "purchase-orders",
      values: { number: number.toLowerCase(), order_date: "2026-11-02" },
      parties: { supplier_id: { create: { name: "Brand New Packer" } } },
    });
    assert.equal(viaApi.status, 409);
    assert.equal(viaApi.body.error.code, "conflict");
    assert.ok(viaApi.body.error.details.number, "names the field");
    assert.equal(viaApi.body.error.details.existing.id, existing.id);
    assert.equal(await poCount(), 1);
    assert.equal((await api.ok("GET", "/api/v1/suppliers")).data.length, suppliersBefore);

    // Through the page: the form shows the conflict on the number field.
    const fields = new URLSearchParams({
      _csrf: t.csrf,
      _collection: "purchase-orders",
      number,
      order_date: "2026-11-02",
      "party.supplier_id.id": supplier.id,
    });
    const posted = await server.fetch(t.host, `/documents/${doc.id}/accept`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    });
    assert.equal(posted.status, 422);
    assert.match(await posted.text(), /already exists/);
    assert.equal(await poCount(), 1);

    // Link instead: the document joins the existing order.
    const linked = await server.fetch(t.host, `/documents/${doc.id}/link`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        _csrf: t.csrf,
        collection: "purchase-orders",
        record_id: existing.id,
      }).toString(),
    });
    assert.equal(linked.status, 303);
    assert.equal(linked.headers.get("location"), `/purchase-orders/${existing.id}?saved=1`);
    const after = await api.ok("GET", `/api/v1/documents/${doc.id}`);
    assert.equal(after.record?.id, existing.id);
    assert.equal(await poCount(), 1);
  } finally {
    await worker.stop();
    await server.close();
  }
});
