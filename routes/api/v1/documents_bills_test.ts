/**
 * A carrier's freight bill uploaded over the API becomes a bill draft matched to the carrier and
 * the load, and accepting it creates the bill, compared with the load's agreed freight.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../../../tests/helpers/documents.ts";
import { corpus } from "../../../ai/fixtures/corpus.ts";

Deno.test("a carrier's freight bill is read into a bill draft for its carrier and load, and accepted as a bill", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const fixture = corpus([1]).find((f) => f.name.startsWith("freight-bill-beside"))!;
    const expected = fixture.expected;
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: expected.parties.carrier_id!.name,
      mc_number: `MC${expected.parties.carrier_id!.mc_number}`,
    }, 201);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Bill Packers" }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-03-01",
      lines: [{ description: "Trim", weight: 1_000, price: 2 }],
    }, 201);
    const agreed = Number(expected.fields.charges_cents) - 150_00; // the carrier billed $150 more
    const load = await api.ok("POST", "/api/v1/loads", {
      number: expected.refs.load_id,
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      freight_cents: agreed,
    }, 201);

    const up = await uploadFile(server, api, "freight-bill.pdf", await fixture.pdf());
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review", doc.status_message);
    assert.equal(doc.classification, "carrier_invoice");
    assert.equal(doc.draft.collection, "bills");
    assert.equal(doc.draft.parties.carrier_id.match.id, carrier.id);
    assert.equal(doc.draft.refs.load_id.match.id, load.id);

    const accepted = await api.ok("POST", `/api/v1/documents/${doc.id}/accept`, {
      values: Object.fromEntries(
        Object.entries(doc.draft.fields).map(([k, v]) => [k, (v as { value: unknown }).value]),
      ),
    }, 201);
    assert.equal(accepted.record.collection, "bills");
    const bill = await api.ok("GET", `/api/v1/bills/${accepted.record.id}`);
    assert.equal(bill.kind, "carrier");
    assert.equal(bill.carrier_id, carrier.id);
    assert.equal(bill.load_id, load.id);
    assert.equal(bill.number, expected.fields.number);
    assert.equal(bill.total_cents, expected.fields.charges_cents);
    assert.equal(bill.due_date, expected.fields.due_date);
    assert.equal(bill.match.status, "differences");
    assert.equal(bill.match.checks[0].difference, 150_00);
    assert.equal((await api.ok("GET", "/api/v1/invoices")).data.length, 0, "no customer invoice");
  } finally {
    await worker.stop();
    await server.close();
  }
});
