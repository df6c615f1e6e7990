/**
 * Dates given in running text, and bills of lading that came back signed for receipt: what a
 * clerk reads off paperwork whose form has no field for it. Each example is written for this
 * test, in words of its own.
 */
import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { extractFields } from "./extract.ts";
import { classify } from "./classify.ts";
import { datesSaid } from "./sentences.ts";
import { receiptSigns } from "./receipt.ts";

Deno.test("a due date written in a sentence fills an invoice's empty due date", () => {
  const text = [
    "DUNMORE PROVISIONS LLC                              INVOICE",
    "Invoice No: 30418                Invoice Date: 12/18/2026",
    "Bill To: Lakeside Grocers",
    "",
    "Description                 Cases     Weight     Price     Amount",
    "Pork loin boneless          40        1,600      2.10      3,360.00",
    "Total                                                      3,360.00",
    "",
    "Kindly remit the full balance no later than Jan. 15th. Thank you for your business.",
  ].join("\n");
  const got = extractFields("invoice", text);
  assert.equal(got.fields.due_date?.value, "2027-01-15");
  assert.ok((got.fields.due_date?.confidence ?? 1) < 0.8);
  const spelled = extractFields(
    "supplier_invoice",
    "Bill No: 5520   Bill Date: 01/04/2027\nWe ask that payment reach us on or before 3 February 2027.",
  );
  assert.equal(spelled.fields.due_date?.value, "2027-02-03");
});

Deno.test("an appointment in a sentence, with its weekday and time", () => {
  const text = [
    "LOAD TENDER                         Load: L-88120",
    "Booked: 02/24/2027",
    "Driver to arrive at shipper for loading Wednesday, March 3rd at 5:30 AM.",
    "Consignee expects delivery on Fri, March 5th, 1400.",
  ].join("\n");
  const got = extractFields("rate_confirmation", text);
  assert.equal(got.fields.pickup_appointment?.value, "2027-03-03T05:30");
  assert.equal(got.fields.delivery_appointment?.value, "2027-03-05T14:00");
});

Deno.test("a sentence date is not taken against its weekday, without a word fixing the day, or over a label", () => {
  // March 4th 2027 is a Thursday, not a Wednesday: nothing is guessed; a Thursday is taken.
  const tender = (day: string) =>
    extractFields(
      "rate_confirmation",
      `Booked: 02/24/2027\nWe will load your truck on ${day}, March 4th.`,
    )
      .fields.pickup_appointment?.value;
  assert.equal(tender("Wednesday"), undefined);
  assert.equal(tender("Thursday"), "2027-03-04T00:00");
  // "within 30 days of" names the invoice's date, not the due date.
  const within = datesSaid("Payment is due within 30 days of 01/05/2027.");
  assert.deepEqual(within, []);
  // A labelled due date wins over the sentence.
  const labelled = extractFields(
    "invoice",
    "Invoice #: 7712   Date: 01/02/2027\nDue Date: 01/30/2027\nPlease pay by February 2nd, 2027.",
  );
  assert.equal(labelled.fields.due_date?.value, "2027-01-30");
});

const BOL = (receipt: string[]) =>
  [
    "STRAIGHT BILL OF LADING                              B/L Number: 601147",
    "Shipper: Prairie Gold Pork LLC                      Consignee: Harbor Fresh Markets",
    "Carrier: Long Plains Freight   MC 812240             Seal #: S-447190",
    "Ship Date: 03/02/2027                               Trailer: 5310",
    "Pieces   Description                  Weight",
    "1,180    Pork loins fresh, boxed      41,300 lb",
    "Shipper signature: T. Grady                         Driver signature: R. Nunez",
    ...receipt,
  ].join("\n");

Deno.test("a BOL signed, dated and noted by the receiver is a proof of delivery; blank, a BOL", () => {
  const signed = BOL([
    "Receiver's signature: M. Alvarez                   Date/time of receipt: 03/05/2027 14:10",
    "Shortages / damages: none                          Cartons counted: 1,180",
    "Seal unbroken on arrival.",
  ]);
  assert.ok(receiptSigns(toLines(signed)) >= 2);
  assert.equal(classify(signed).type, "proof_of_delivery");
  // The same form with its receipt lines blank stays a bill of lading.
  const blank = BOL([
    "Receiver's signature: ______________________       Date/time of receipt: ____________",
    "Shortages / damages: ______________                Seal intact?  Y / N",
    "Consignee Signature                 Date",
  ]);
  assert.equal(receiptSigns(toLines(blank)), 0);
  assert.equal(classify(blank).type, "bill_of_lading");
});
