import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { addMember, type Session, signIn } from "../tests/helpers/members.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import { PDFDocument } from "pdf-lib";

const DOWNLOADS = [
  ["invoices", "invoice", "INV-50001.pdf"],
  ["sales-orders", "sales-confirmation", "SO-20001.pdf"],
  ["purchase-orders", "purchase-order", "PO-10001.pdf"],
  ["loads", "rate-confirmation", "L-30001.pdf"],
] as const;

function get(server: TestServer, host: string, path: string, headers: Record<string, string>) {
  return server.fetch(host, path, { headers });
}

function cookie(s: Session) {
  return { cookie: s.jar.header(s.host) };
}

async function expectPdf(res: Response, filename: string, label: string) {
  assert.equal(res.status, 200, label);
  assert.equal(res.headers.get("content-type"), "application/pdf", label);
  assert.equal(res.headers.get("content-disposition"), `attachment; filename="${filename}"`);
  assert.equal(res.headers.get("cache-control"), "no-store", label);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal(new TextDecoder().decode(bytes.slice(0, 5)), "%PDF-", label);
  return bytes;
}

Deno.test("members of every role download the PDFs; other tenants' ids are not found", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const mine = await seedOneOfEach(await apiClient(server, a), "Mine");
    const theirs = await seedOneOfEach(await apiClient(server, b), "Theirs");
    const viewerUser = await addMember(server, a.tenantId, "viewer");
    const viewer = await signIn(server, a.host, viewerUser.email, viewerUser.password);
    const owner = await signIn(server, a.host, a.email, a.password);

    for (const [collection, slug, filename] of DOWNLOADS) {
      const path = (id: string) => `/${collection}/${id}/${slug}.pdf`;
      for (const s of [owner, viewer]) {
        await expectPdf(
          await get(server, a.host, path(mine[collection].id), cookie(s)),
          filename,
          `${collection} as ${s === owner ? "owner" : "viewer"}`,
        );
      }
      const other = await get(server, a.host, path(theirs[collection].id), cookie(owner));
      await other.body?.cancel();
      assert.equal(other.status, 404, `${collection}: another tenant's id`);
      const bogus = await get(server, a.host, path("not-an-id"), cookie(owner));
      await bogus.body?.cancel();
      assert.equal(bogus.status, 404);

      const out = await get(server, a.host, path(mine[collection].id), {});
      await out.body?.cancel();
      assert.equal(out.status, 303, `${collection}: signed out`);
      assert.match(out.headers.get("location") ?? "", /^\/login\?next=/);
    }
    // The PDF is the workspace's own record, not the other tenant's same-numbered one.
    const text = (await pdfPages(
      await expectPdf(
        await get(server, a.host, `/invoices/${mine.invoices.id}/invoice.pdf`, cookie(viewer)),
        "INV-50001.pdf",
        "invoice text",
      ),
    )).flatMap((p) => p.lines).join("\n");
    assert.match(text, /Mine Grocers/);
    assert.doesNotMatch(text, /Theirs/);
  } finally {
    await server.close();
  }
});

Deno.test("the API serves the PDFs with a bearer token; 401 without, 404 across tenants", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const api = await apiClient(server, a);
    const mine = await seedOneOfEach(api, "Mine");
    const theirs = await seedOneOfEach(await apiClient(server, b), "Theirs");
    const bearer = { authorization: `Bearer ${api.token}` };
    for (const [collection, , filename] of DOWNLOADS) {
      const path = (id: string) => `/api/v1/${collection}/${id}/pdf`;
      await expectPdf(
        await get(server, a.host, path(mine[collection].id), bearer),
        filename,
        collection,
      );

      const other = await get(server, a.host, path(theirs[collection].id), bearer);
      assert.equal(other.status, 404, `${collection}: another tenant's id`);
      assert.equal((await other.json()).error.code, "not_found");

      const anonymous = await get(server, a.host, path(mine[collection].id), {});
      assert.equal(anonymous.status, 401, `${collection}: no token`);
      assert.equal((await anonymous.json()).error.code, "unauthorized");
    }
  } finally {
    await server.close();
  }
});

Deno.test("the file name is the record's number made safe for the header", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Łódź Meats 🥩" }, 201);
    const invoice = await api.ok("POST", "/api/v1/invoices", {
      number: 'INV/7 "x"; Łódź',
      customer_id: customer.id,
      invoice_date: "2026-10-05",
      lines: [{ description: "Kiełbasa 🌭", weight: 100, price: 4 }],
    }, 201);
    const res = await get(server, t.host, `/api/v1/invoices/${invoice.id}/pdf`, {
      authorization: `Bearer ${api.token}`,
    });
    const text = (await pdfPages(await expectPdf(res, "INV-7-x-Lodz.pdf", "odd number")))
      .flatMap((p) => p.lines).join("\n");
    assert.match(text, /Lódz Meats/);
    assert.match(text, /Kielbasa/);
  } finally {
    await server.close();
  }
});

Deno.test("the detail pages of invoices, SOs, POs and loads link to their PDF, for every role", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const records = await seedOneOfEach(await apiClient(server, t), "Link");
    const viewerUser = await addMember(server, t.tenantId, "viewer");
    for (
      const s of [
        await signIn(server, t.host, t.email, t.password),
        await signIn(server, t.host, viewerUser.email, viewerUser.password),
      ]
    ) {
      for (const [collection, slug] of DOWNLOADS) {
        const id = records[collection].id;
        const res = await get(server, t.host, `/${collection}/${id}`, cookie(s));
        const html = await res.text();
        assert.equal(res.status, 200);
        assert.match(
          html,
          new RegExp(
            `<a class="button secondary" href="/${collection}/${id}/${slug}.pdf" download>Download PDF</a>`,
          ),
        );
      }
      const customer = await get(server, t.host, `/customers/${records.customers.id}`, cookie(s));
      assert.doesNotMatch(await customer.text(), /Download PDF/);
    }
  } finally {
    await server.close();
  }
});

Deno.test("a workspace's branding reaches its PDFs, and another workspace's stay built-in", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const apiA = await apiClient(server, a);
    const apiB = await apiClient(server, b);
    const mine = await seedOneOfEach(apiA, "Mine");
    const theirs = await seedOneOfEach(apiB, "Theirs");
    const branding = { branding: { product_name: "Prairie Trade Desk" } };
    assert.equal(
      (await apiA.call("PUT", "/api/v1/config", branding, { "if-match": '"0"' })).status,
      200,
    );
    const producer = async (host: string, token: string, id: string) => {
      const res = await get(server, host, `/api/v1/invoices/${id}/pdf`, {
        authorization: `Bearer ${token}`,
      });
      const bytes = await expectPdf(res, "INV-50001.pdf", host);
      return (await PDFDocument.load(bytes, { updateMetadata: false })).getProducer();
    };
    assert.equal(await producer(a.host, apiA.token, mine.invoices.id), "Prairie Trade Desk");
    assert.notEqual(await producer(b.host, apiB.token, theirs.invoices.id), "Prairie Trade Desk");
  } finally {
    await server.close();
  }
});
