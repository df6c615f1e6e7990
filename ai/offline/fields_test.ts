import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { findPairs } from "./pairs.ts";
import { readFields } from "./fields.ts";
import { applyLearned } from "./learned.ts";

const read = (type: Parameters<typeof readFields>[0], text: string, ocr = false) =>
  readFields(type, findPairs(toLines(text)), { ocr });

Deno.test("readFields() reads labels beside, right of and under their values", () => {
  const fields = read(
    "purchase_order",
    [
      "PURCHASE ORDER",
      "Cust. P.O. No.: 88412        Date Ordered   03/02/2026",
      "SHIP BY        TERMS OF PAYMENT",
      "03/09/2026     Net 21",
    ].join("\n"),
  );
  assert.equal(fields.number?.value, "88412");
  assert.equal(fields.order_date?.value, "2026-03-02");
  assert.equal(fields.pickup_date?.value, "2026-03-09");
  assert.equal(fields.payment_terms?.value, "Net 21");
  assert.deepEqual(Object.keys(fields).sort(), [
    "number",
    "order_date",
    "payment_terms",
    "pickup_date",
  ]);
  assert.ok(fields.number!.confidence >= 0.9);
});

Deno.test("readFields() survives an OCR slip in a label but says so and lowers the confidence", () => {
  const fields = read("invoice", "lnvoice Numbr: 55120\nInvoice Dale: 04/01/2026", true);
  assert.equal(fields.number?.value, "55120");
  assert.equal(fields.invoice_date?.value, "2026-04-01");
  assert.ok(fields.invoice_date!.confidence < 0.8);
  assert.match(fields.invoice_date!.why ?? "", /loosely/);
});

Deno.test("readFields() refuses a value of the wrong type and flags a page that disagrees", () => {
  const fields = read(
    "bill_of_lading",
    "B/L #: see attached\nSeal: 44120\nTrailer Seal: 55210",
  );
  assert.equal(fields.bol_number, undefined);
  assert.ok(fields.seal_number!.confidence <= 0.7);
  assert.match(fields.seal_number!.why ?? "", /two values/);
});

Deno.test("applyLearned() reads a field by a label a user taught for this sender", () => {
  const lines = toLines("SALES CONFIRMATION\nPack Ref      PR-7781\nYour PO: 4471");
  assert.equal(
    read("sales_confirmation", lines.map((l) => l.text).join("\n")).supplier_confirmation,
    undefined,
  );
  const learned = applyLearned("sales_confirmation", lines, [
    { label: "Pack Ref", field: "supplier_confirmation", classification: "sales_confirmation" },
    { label: "Pack Ref", field: "number", classification: "purchase_order" },
  ]);
  assert.equal(learned.supplier_confirmation?.value, "PR-7781");
  assert.deepEqual(Object.keys(learned), ["supplier_confirmation"]);
});
