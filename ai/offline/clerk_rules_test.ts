/**
 * The general rules a careful clerk applies to paperwork in unfamiliar layouts and languages
 * (letterheads in capitals, stop blocks, totals over their components, bilingual labels, day-first
 * dates...). Each example is written for this test, in words of its own.
 */
import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { findPairs } from "./pairs.ts";
import { netTerms, readFields } from "./fields.ts";
import { letterhead, readParty } from "./parties.ts";
import {
  cleanPartyName,
  findEst,
  parseDate,
  parseMoney,
  parseTemperature,
  parseTime,
} from "./values.ts";
import { readStops } from "./stops.ts";
import { dayFirstLanguage, extractFields, unpairLabels } from "./extract.ts";
import { classify } from "./classify.ts";

const fields = (type: Parameters<typeof readFields>[0], text: string) => {
  const lines = toLines(text);
  return readFields(type, findPairs(lines), {
    ocr: false,
    lines,
    dayFirst: dayFirstLanguage(text),
  });
};

Deno.test("letterhead: a name in capitals is taken, the address line under it is not", () => {
  const lines = toLines([
    "HIGH MESA MEATS, INC.                                     ORDER ACKNOWLEDGMENT",
    "220 Rancho Rd   *   Amarillo, TX 79101",
  ].join("\n"));
  assert.equal(letterhead(lines)?.name, "HIGH MESA MEATS, INC.");
  const noName = toLines("1450 Harbor Blvd, Tampa, FL 33602\n(813) 555-0177   sales@gulfmeat.test");
  assert.equal(letterhead(noName), null);
});

Deno.test("readParty: a heading beside another heading takes the name under it", () => {
  const lines = toLines([
    "VENDOR                                 ORIGIN FACILITY (SITE)",
    "Hill Country Pork Co.                  Hill Country Pork - Seguin",
  ].join("\n"));
  assert.equal(readParty(lines, ["vendor"])?.name, "Hill Country Pork Co.");
  const mixed = toLines([
    "Hauler                        Driver / Tractor               Trailer",
    "Red Mesa Logistics LLC        J. Ortiz / 4411                53 ft",
  ].join("\n"));
  assert.equal(readParty(mixed, ["hauler"])?.name, "Red Mesa Logistics LLC");
});

Deno.test("cleanPartyName: stops at a bracketed MC/DOT, at a comma before an address, at a mailbox", () => {
  assert.equal(
    cleanPartyName("Red River Hauling LLC (DOT# 2231, MC# 88990)"),
    "Red River Hauling LLC",
  );
  assert.equal(
    cleanPartyName("Bluebonnet Packing Co., Dept 42, Waco TX 76701"),
    "Bluebonnet Packing Co.",
  );
  assert.equal(cleanPartyName("Acme Foods, Inc."), "Acme Foods, Inc.");
  assert.equal(cleanPartyName("Maria Gomez <mgomez@rancho.test>"), null);
});

Deno.test("parseTime: military, French and am/pm times", () => {
  assert.equal(parseTime("1530 hrs"), "15:30");
  assert.equal(parseTime("7h45"), "07:45");
  assert.equal(parseTime("arrive 6 AM"), "06:00");
  assert.equal(parseTime(" 0715", { afterDate: true }), "07:15");
  assert.equal(parseTime(" 0715"), null);
});

Deno.test("a date's time printed in the next cell, and a date with no time marked so", () => {
  const got = fields("rate_confirmation", "Pickup Date:   03/02/2027    Time: 1300");
  assert.equal(got.pickup_appointment?.value, "2027-03-02T13:00");
  const none = fields("rate_confirmation", "Pickup Date:   03/02/2027");
  assert.equal(none.pickup_appointment?.value, "2027-03-02T00:00");
  assert.ok(none.pickup_appointment!.confidence < 0.8);
});

Deno.test("readStops: origin and destination blocks give the appointments", () => {
  const lines = toLines([
    "ORIGIN                                  DESTINATION",
    "Lone Star Cold Storage                  Gulf Foods DC",
    "Appt 03/02/2027  1300                   Appt 03/04/2027  0700",
  ].join("\n"));
  assert.deepEqual(readStops(lines), { pickup: "2027-03-02T13:00", delivery: "2027-03-04T07:00" });
  const rows = toLines([
    "#    Kind        Site                        Day             Slot",
    "1    Pick-up     Plant A, Fresno CA          Mar 5, 2027     05:30 - 07:00",
    "2    Drop        DC B, Reno NV               Mar 6, 2027     14:00",
  ].join("\n"));
  assert.deepEqual(readStops(rows), { pickup: "2027-03-05T05:30", delivery: "2027-03-06T14:00" });
});

Deno.test("a total beats its components; a unit in brackets after the label is no value", () => {
  const got = fields(
    "rate_confirmation",
    "Linehaul:        $1,800.00\nFuel:            $200.00\nTotal Rate (USD)     $2,000.00",
  );
  assert.equal(got.freight_cents?.value, 200000);
});

Deno.test("bilingual and paired labels", () => {
  const got = fields("supplier_invoice", "Numéro de facture / Invoice #:   Q-55120");
  assert.equal(got.number?.value, "Q-55120");
  const seal = fields("bill_of_lading", "Trailer/Seal: 7781 / SL99120");
  assert.equal(seal.seal_number?.value, "SL99120");
  assert.equal(unpairLabels("MC / DOT: 123456 / 7654321"), "MC: 123456   DOT: 7654321");
});

Deno.test("a known label followed by extra words finds its value under it", () => {
  const got = fields("proof_of_delivery", "RECEIVED TEMP ON DOCK\n31.2 F");
  assert.equal(got.delivery_temp_f?.value, 31.2);
  // A title is not a label with extra words: nothing under it is taken.
  assert.equal(
    findPairs(toLines("CUSTOMER INVOICE\nINV-1")).filter((c) => c.position !== "inline").length,
    0,
  );
});

Deno.test("Spanish or French paper reads dates day-first; month names in those languages", () => {
  const text = [
    "Fecha del pedido:   05/03/2027",
    "Proveedor: Rancho del Norte   Cantidad de cajas y peso de la carga",
  ].join("\n");
  assert.ok(dayFirstLanguage(text));
  assert.equal(fields("purchase_order", text).order_date?.value, "2027-03-05");
  assert.ok(!dayFirstLanguage("Order date: 05/03/2027 for the delivery of the order"));
  assert.equal(parseDate("4 févr. 2027"), "2027-02-04");
  assert.equal(parseDate("9 de agosto de 2027"), "2027-08-09");
});

Deno.test("terms with days read as Net N", () => {
  assert.equal(netTerms("NET 15 DAYS"), "Net 15");
  assert.equal(netTerms("45 días"), "Net 45");
  assert.equal(netTerms("Net 20 jours / days"), "Net 20");
  assert.equal(netTerms("2% 10 Net 30"), null);
});

Deno.test("the carrier's MC is the one printed by the carrier, not the broker's", () => {
  const text = [
    "Gulf Freight Brokers LLC                       LOAD TENDER",
    "MC 445566 (broker)",
    "Carrier: Prairie Wind Trucking Co.",
    "Carrier MC: 334455       DOT: 2211009",
  ].join("\n");
  const got = extractFields("rate_confirmation", text);
  assert.equal(got.parties.carrier_id?.mc_number, "334455");
  assert.equal(got.parties.carrier_id?.name, "Prairie Wind Trucking Co.");
});

Deno.test("smaller values: a length before a temperature, hyphenated EST, European money", () => {
  assert.equal(parseTemperature("48' reefer at -5°F"), -5);
  assert.equal(findEst("Est. M-4402"), "M4402");
  assert.equal(parseMoney("12 480,50"), 1248050);
  assert.equal(parseMoney("1,250"), 125000);
  assert.equal(parseMoney("$1,250.75"), 125075);
});

Deno.test("a pipe-drawn form reads like a spaced one", () => {
  const got = fields("purchase_order", "| PO No.   | QX-4410   | Pay Terms  | Net 10 |");
  assert.equal(got.number?.value, "QX-4410");
  assert.equal(got.payment_terms?.value, "Net 10");
});

Deno.test("a delivery confirmation titled so is a proof of delivery", () => {
  const text = [
    "DELIVERY CONFIRMATION",
    "BOL #: 88120",
    "Received by: K. Lane      Condition: good",
  ].join("\n");
  assert.equal(classify(text).type, "proof_of_delivery");
});
