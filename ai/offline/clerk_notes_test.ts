/**
 * What a clerk reads off the notes and the cramped header of unfamiliar paperwork: a date in a
 * short note with no year ("Trailer loads 2/26 @ 2245"), the year of such a date, a note that says
 * which date it is beside a bare date label, labels OCR printed with digits, two pairs a narrow gap
 * apart, dates that the printed terms say are not an invoice's date and due date, and a Spanish or
 * French bill-to that names the workspace. Each example is written for this test, in words of its
 * own.
 */
import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { extractFields } from "./extract.ts";
import { classify } from "./classify.ts";
import { sentenceDates } from "./sentences.ts";
import { readStops } from "./stops.ts";

Deno.test("a short note with a month and day and no year gives the appointment it names", () => {
  const text = [
    "LOAD TENDER                                 Load: L-55120",
    "Issued 02/24/2027",
    "Trailer loads 2/26 @ 2245, Fremont NE",
    "Unload 3/01 at 1130 - Joplin MO",
  ].join("\n");
  const got = extractFields("rate_confirmation", text);
  assert.equal(got.fields.pickup_appointment?.value, "2027-02-26T22:45");
  assert.equal(got.fields.delivery_appointment?.value, "2027-03-01T11:30");
  assert.ok((got.fields.pickup_appointment?.confidence ?? 1) < 0.8, "highlighted for review");
  // A fraction or a part of a longer number is no date.
  const none = extractFields(
    "rate_confirmation",
    "Issued 02/24/2027\nTrailer loads 1/2 pallet of returns",
  );
  assert.equal(none.fields.pickup_appointment, undefined);
});

Deno.test("a date printed without its year takes the year nearest the document's own date", () => {
  // Arrived the day before New Year, receipt printed after it: that December, not the next.
  const lines = toLines("Receipt printed 01/03/2027\nDelivered to door 4 on Dec. 31st at 05:40.");
  const got = sentenceDates("proof_of_delivery", lines, {});
  assert.equal(got.delivery_appointment?.value, "2026-12-31T05:40");
  // Payment asked for in February on a late-December bill: the February after it.
  const bill = toLines("Billed 12/28/2026\nPlease settle on or before Feb 3rd.");
  assert.equal(sentenceDates("supplier_invoice", bill, {}).due_date?.value, "2027-02-03");
});

Deno.test("a note naming the event outweighs a date read under a bare date label", () => {
  const text = [
    "WAREHOUSE RECEIVING SLIP",
    "Date: 01/03/2027                       B/L #: 884120",
    "Truck arrived 01/02 at 2310 - 26 pallets, clean.",
  ].join("\n");
  const got = extractFields("proof_of_delivery", text);
  assert.equal(got.fields.delivery_appointment?.value, "2027-01-02T23:10");
  // With no note, the labelled date stays.
  const plain = extractFields("proof_of_delivery", text.split("\n").slice(0, 2).join("\n"));
  assert.equal(plain.fields.delivery_appointment?.value, "2027-01-03T00:00");
});

Deno.test("labels OCR printed with digits for letters still find their values", () => {
  const text = [
    "STRAIGHT BILL OF LADING",
    "Sea1 N0: 4471902                 Carrier: Long Plains Freight",
    "Pr0 Number: 7730551",
  ].join("\n");
  const got = extractFields("bill_of_lading", text, { ocr: true });
  assert.equal(got.fields.seal_number?.value, "4471902");
  // The value keeps its digits: only the label was read as letters.
  const invoice = extractFields("carrier_invoice", text.replace("STRAIGHT BILL OF LADING", ""));
  assert.equal(invoice.fields.number?.value, "7730551");
});

Deno.test("two pairs a narrow gap apart in one cell are both read", () => {
  const text = [
    "PURCHASE ORDER                       P.O. #: 7781",
    "F.O.B. Point: Fremont, NE  Terms: 10 days",
  ].join("\n");
  const got = extractFields("purchase_order", text);
  assert.equal(got.fields.payment_terms?.value, "Net 10");
  assert.equal(got.fields.number?.value, "7781");
});

Deno.test("two dates the printed terms put too close together are not a bill's date and due date", () => {
  const bill = (dates: string) =>
    extractFields(
      "supplier_invoice",
      [
        "PRAIRIE GOLD PORK LLC                              INVOICE",
        "Invoice #: 5531",
        "Bill To: Acme Brokerage LLC",
        "Terms: Net 30",
        "Written            Trucked",
        dates,
      ].join("\n"),
    ).fields;
  // Three days apart on Net 30 terms: one is the date the goods left, not the due date.
  const near = bill("03/04/2027         03/01/2027");
  assert.equal(near.due_date, undefined);
  assert.equal(near.bill_date, undefined);
  // Thirty days apart: the date and its due date, as the terms say.
  const due = bill("03/01/2027         03/31/2027");
  assert.deepEqual([due.bill_date?.value, due.due_date?.value], ["2027-03-01", "2027-03-31"]);
});

Deno.test("a Spanish or French invoice billed to the workspace is a bill to pay, with its date and terms", () => {
  const text = [
    "EMPACADORA SIERRA ALTA S.A. DE C.V.",
    "FACTURA                          Número de factura: B-4471",
    "Fecha: 14.01.2027",
    "Facturé à: Acme Brokerage LLC",
    "Condiciones: 15 días",
  ].join("\n");
  assert.equal(classify(text, { us: "Acme Brokerage LLC" }).type, "supplier_invoice");
  const got = extractFields("supplier_invoice", text, { us: "Acme Brokerage LLC" });
  assert.equal(got.fields.bill_date?.value, "2027-01-14");
  assert.equal(got.fields.payment_terms?.value, "Net 15");
});

Deno.test("a title in two languages standing alone has its number beside it", () => {
  const bol = extractFields(
    "bill_of_lading",
    "CONOCIMIENTO DE EMBARQUE / STRAIGHT BILL OF LADING          No. 51-90217\nEmbarcador: Rancho Alto",
  );
  assert.equal(bol.fields.bol_number?.value, "51-90217");
  const invoice = extractFields("invoice", "FACTURA / INVOICE                        No. 2231-B");
  assert.equal(invoice.fields.number?.value, "2231-B");
});

Deno.test("a load sheet's stop codes give the first pickup and the last drop", () => {
  const text = [
    "LOAD SHEET                          Load: 55102",
    "Seq   Code   Appt Date     Window        Site",
    "1     PK     03/02/27      0500-0700     Fremont NE",
    "2     DLV    03/04/27      1300          Joplin MO",
    "3     DLV    03/05/27      0800          Tulsa OK",
  ].join("\n");
  const got = extractFields("rate_confirmation", text);
  assert.equal(got.fields.pickup_appointment?.value, "2027-03-02T05:00");
  assert.equal(got.fields.delivery_appointment?.value, "2027-03-05T08:00");
  // The code and its date in one cell, a space apart.
  const tight = readStops(toLines("PK#1 03/02/2027 0500 Fremont NE\nDLV 03/05/2027 0800 Tulsa OK"));
  assert.deepEqual(tight, { pickup: "2027-03-02T05:00", delivery: "2027-03-05T08:00" });
  // A company whose name begins like a code is no stop.
  const named = readStops(
    toLines("Del Rio Packing      03/04/27 1300\nDLV Express Inc      03/05/27 0800"),
  );
  assert.deepEqual(named, {});
});

Deno.test("a load sheet's drop line and a time OCR printed with letters for zeros", () => {
  const text = [
    "LOAD SHEET                            Load: 66120",
    "Pick Up:  O3/O2/2027  O5:3O   Fremont NE",
    "Delivery: 03/04/2027 13:OO  Joplin MO",
  ].join("\n");
  const got = extractFields("rate_confirmation", text, { ocr: true });
  assert.equal(got.fields.pickup_appointment?.value, "2027-03-02T05:30");
  assert.equal(got.fields.delivery_appointment?.value, "2027-03-04T13:00");
});

Deno.test("temperatures given in the instructions fill the set point and the readings", () => {
  const bol = extractFields(
    "bill_of_lading",
    [
      "STRAIGHT BILL OF LADING                    B/L: 61102",
      "Handling notes: Driver must hold the unit at -5°F, no cycling. Loading product temp 0.8 F.",
    ].join("\n"),
  ).fields;
  assert.deepEqual([bol.setpoint_temp_f?.value, bol.pickup_temp_f?.value], [-5, 0.8]);
  assert.ok((bol.setpoint_temp_f?.confidence ?? 1) < 0.8, "highlighted for review");
  const pod = extractFields(
    "proof_of_delivery",
    "DELIVERY RECEIPT   B/L: 61102\nRemarks: temperature on arrival was 33 deg F, accepted.",
  ).fields;
  assert.equal(pod.delivery_temp_f?.value, 33);
  // A label with its value is no instruction, and a number with no unit is no temperature.
  const none = extractFields(
    "bill_of_lading",
    "BILL OF LADING   B/L: 61102\nRemarks: hold at dock 4 until released",
  ).fields;
  assert.equal(none.setpoint_temp_f, undefined);
});

Deno.test("a labelled date printed without its year takes the document's year", () => {
  const text = [
    "LOAD SHEET                        Load: 66120",
    "Printed 02/24/2027",
    "Load date: 2/27 0530",
    "Deliver by: Mar 4th 1300",
  ].join("\n");
  const got = extractFields("rate_confirmation", text).fields;
  assert.equal(got.pickup_appointment?.value, "2027-02-27T05:30");
  assert.equal(got.delivery_appointment?.value, "2027-03-04T13:00");
  assert.ok((got.pickup_appointment?.confidence ?? 1) < 0.8, "highlighted for review");
  // No full date on the page: no year to give, nothing is taken.
  const bare = extractFields("rate_confirmation", text.replace("Printed 02/24/2027", "")).fields;
  assert.equal(bare.pickup_appointment, undefined);
});
