/**
 * The offline reader on bills the broker pays: a carrier's freight bill and a packer's invoice
 * become bill drafts (vendor, number, dates, amount, load or PO reference), while the broker's own
 * invoice stays a customer-invoice draft.
 */
import assert from "node:assert/strict";
import { corpus } from "../fixtures/corpus.ts";
import { scoreDraft } from "../fixtures/score.ts";
import { pdfPages } from "../../domain/documents/pdf.ts";
import { finalizeDraft } from "../../domain/documents/draft.ts";
import { openDatabase } from "../../db/client.ts";
import { migrate } from "../../db/migrate.ts";
import { seedOptionLists } from "../../tenants/seed_defaults.ts";
import { offlineProvider } from "./mod.ts";
import { classify } from "./classify.ts";

Deno.test("classify(): an invoice with a carrier's or a packer's marks is a bill to pay", () => {
  const ours = "Acme Brokerage LLC   INVOICE\nInvoice #: INV-50123\nBill To: Metro Grocers\n" +
    "Customer PO: 4471\nAmount due upon terms.";
  assert.equal(classify(ours).type, "invoice");
  const carrier = "Polar Haul Trucking   INVOICE\nInvoice #: 99812\nMC # 123456\n" +
    "Load #: L-30044\nLine haul $2,400.00";
  assert.equal(classify(carrier).type, "carrier_invoice");
  const packer =
    "Prairie Packing Co.   INVOICE\nEST 245C\nInvoice #: 80412\nYour PO #: PO-10022\n" +
    "Sold By: Prairie Packing Co.";
  assert.equal(classify(packer).type, "supplier_invoice");
  assert.equal(classify("FREIGHT BILL\nPro #: 5512\nTotal due $1,900.00").type, "carrier_invoice");
});

Deno.test("freight bills and packers' invoices are read into bill drafts; our invoices stay invoices", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-bills-read-" });
  const db = await openDatabase({ url: `file:${dir}/tenant.db` });
  try {
    await migrate(db, "tenant");
    await seedOptionLists(db);
    const fixtures = corpus([1]).filter((f) =>
      /^(freight-bill|supplier-invoice|invoice)-/.test(f.name)
    );
    assert.equal(fixtures.length, 9);
    for (const fixture of fixtures) {
      const pages = await pdfPages(await fixture.pdf());
      const text = pages.map((p) => p.lines.join("\n")).join("\n\f\n");
      const { raw } = await offlineProvider.extract({ text, pages: 1, name: fixture.name });
      assert.equal(raw.classification, fixture.expected.classification, fixture.name);
      const draft = await finalizeDraft(db, raw);
      const score = scoreDraft(draft, fixture.expected);
      assert.deepEqual(score.misses, [], fixture.name);
      if (fixture.expected.classification === "invoice") {
        assert.equal(draft.collection, "invoices");
        continue;
      }
      assert.equal(draft.collection, "bills", fixture.name);
      assert.equal(draft.fields.number?.value, fixture.expected.fields.number);
      assert.equal(draft.fields.bill_date?.value, fixture.expected.fields.bill_date);
      assert.equal(draft.fields.due_date?.value, fixture.expected.fields.due_date);
      if (fixture.expected.classification === "carrier_invoice") {
        assert.equal(draft.fields.kind?.value, "carrier");
        assert.equal(draft.fields.charges_cents?.value, fixture.expected.fields.charges_cents);
        assert.equal(
          draft.parties.carrier_id?.mc_number,
          fixture.expected.parties.carrier_id!.mc_number,
        );
        assert.equal(draft.refs.load_id?.number, fixture.expected.refs.load_id);
        assert.equal(draft.parties.customer_id, undefined, "never billed to the broker itself");
      } else {
        assert.equal(draft.fields.kind?.value, "supplier");
        assert.equal(draft.parties.supplier_id?.name, fixture.expected.parties.supplier_id!.name);
        assert.equal(draft.refs.purchase_order_id?.number, fixture.expected.refs.purchase_order_id);
        assert.equal(draft.lines.length, fixture.expected.lines.length);
      }
    }
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
});
