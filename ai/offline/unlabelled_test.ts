import assert from "node:assert/strict";
import { toLines } from "./layout.ts";
import { findUnlabelled, headerBand, valueSpots } from "./unlabelled.ts";
import { headedName, nameByMc } from "./unlabelled_parties.ts";
import { extractFields } from "./extract.ts";
import { offlineProvider } from "./mod.ts";
import { parseDate } from "./values.ts";

const find = (
  type: Parameters<typeof findUnlabelled>[0],
  text: string,
  fields: Record<string, unknown> = {},
) => findUnlabelled(type, toLines(text), { fields, refs: {}, taken: new Set() });

Deno.test("parseDate() reads year/month/day with slashes and a date after its weekday", () => {
  assert.equal(parseDate("2026/03/14"), "2026-03-14");
  assert.equal(parseDate("Fri, Mar 6, 2026 10:15"), "2026-03-06");
  assert.equal(parseDate("Saturday 14 March 2026"), "2026-03-14");
  assert.equal(parseDate("Sunrise Foodservice"), null);
  // Two-digit years pivot at 70; dots are day-first; a first number over 12 is a day.
  assert.equal(parseDate("1/5/99"), "1999-01-05");
  assert.equal(parseDate("12/06/26"), "2026-12-06");
  assert.equal(parseDate("6.12.2026"), "2026-12-06");
  assert.equal(parseDate("06.25.2026"), "2026-06-25");
  assert.equal(parseDate("25/12/2026"), "2026-12-25");
  assert.equal(parseDate("02/30/2027"), null);
});

Deno.test("valueSpots() keeps values beside a label-like cell, known or not, and drops lone ones", () => {
  const lines = toLines(
    [
      "Gizmo Ref      PO-4512",
      "                                        PO-9999",
      "Quux: 03/14/2026",
      "(402) 555-0134   Phone",
    ].join("\n"),
  );
  const spots = valueSpots(lines, new Set(["0:15"]));
  assert.deepEqual(spots.map((s) => [s.text, s.taken]), [["PO-4512", true], ["03/14/2026", false]]);
});

Deno.test("findUnlabelled() gives two dates to order and ship date in date order, not page order", () => {
  const text = ["Zorp        2026/02/22", "Blix        2026/02/12"].join("\n");
  const { fields } = find("purchase_order", text);
  assert.equal(fields.order_date?.value, "2026-02-12");
  assert.equal(fields.pickup_date?.value, "2026-02-22");
  assert.ok(fields.order_date!.confidence < 0.8);
  assert.match(fields.order_date!.why ?? "", /found by position, no label/);
});

Deno.test("findUnlabelled() guesses no date when the page has more dates than empty fields", () => {
  const text = ["Zorp   2026/02/12", "Blix   2026/02/22", "Wham   2026/04/28"].join("\n");
  assert.deepEqual(find("purchase_order", text).fields, {});
});

Deno.test("findUnlabelled() keeps the order of a labelled date: a ship date before the order date is refused", () => {
  const text = "Blix   2026/02/01";
  assert.equal(
    find("purchase_order", text, { order_date: { value: "2026-02-10" } }).fields
      .pickup_date,
    undefined,
  );
  assert.equal(
    find("purchase_order", text, { order_date: { value: "2026-01-20" } }).fields.pickup_date
      ?.value,
    "2026-02-01",
  );
});

Deno.test("findUnlabelled() picks an invoice's date and due date where due = date + the terms' days", () => {
  const text = ["Zorp   03/01/2026", "Blix   Net 30", "Wham   03/31/2026", "Quux   04/28/2026"]
    .join("\n");
  const { fields } = find("invoice", text);
  assert.equal(fields.invoice_date?.value, "2026-03-01");
  assert.equal(fields.due_date?.value, "2026-03-31");
  assert.equal(fields.payment_terms?.value, "Net 30");
  assert.match(fields.due_date!.why ?? "", /due = date \+ terms/);
});

Deno.test("findUnlabelled() reads identifiers by their shape, and a plain number only by elimination", () => {
  const bol = ["Zorp   BL603336", "Blix   S782876", "Wham   PO-5067"].join("\n");
  const read = find("bill_of_lading", bol);
  assert.equal(read.fields.bol_number?.value, "BL603336");
  assert.equal(read.fields.seal_number?.value, "S782876");
  assert.equal(read.refs.purchase_order_id?.number, "PO-5067");
  assert.equal(
    find("bill_of_lading", "Zorp   676384\nBlix   S782876").fields.bol_number?.value,
    "676384",
  );
  // Two plain numbers for one field: which is the BOL is not plain, so nothing is taken.
  assert.equal(find("bill_of_lading", "Zorp   676384\nBlix   45705").fields.bol_number, undefined);
});

Deno.test("findUnlabelled() leaves out a print stamp: a later date printed to the minute", () => {
  const text = [
    "Zorp        2026/02/12",
    "Blix        2026/02/22",
    "Quux: 2026/04/28 09:14",
  ].join("\n");
  const { fields } = find("purchase_order", text);
  assert.equal(fields.order_date?.value, "2026-02-12");
  assert.equal(fields.pickup_date?.value, "2026-02-22");
  // Beside an appointment, a stamp is off the quarter-hour slots; a booked slot is not a stamp.
  const bol = find("bill_of_lading", "Zorp   3/10/26 1400 hrs\nQuux: 4/28/26 09:14");
  assert.equal(bol.fields.pickup_appointment?.value, "2026-03-10T14:00");
  const slots = find("bill_of_lading", "Zorp   3/10/26 1400 hrs\nQuux: 4/28/26 09:15");
  assert.equal(slots.fields.pickup_appointment, undefined);
});

Deno.test("findUnlabelled() takes of two plain numbers the one in line or column with a date", () => {
  const text = [
    "Zorp      6659                Blix      2026/02/12",
    "Wham      2026/02/22          Quux      45705",
  ].join("\n");
  const { fields } = find("purchase_order", text);
  assert.equal(fields.number?.value, "6659");
  assert.ok(fields.number!.confidence <= 0.5);
  assert.match(fields.number!.why ?? "", /number nearest a date of 2/);
  // Neither beside a date: no guess.
  const apart = find("purchase_order", "Zorp   6659\nQuux   45705\n\n\nBlix        2026/02/12");
  assert.equal(apart.fields.number, undefined);
});

Deno.test("findUnlabelled() takes the number nearest the dates, not an account number printed first", () => {
  // Four values over their labels: an account number, the order's number, two dates.
  const text = [
    "65463          4776           2/26/26        3/8/26",
    "Zorp Blix      Quux Wham      Frob           Plonk",
  ].join("\n");
  const { fields } = find("purchase_order", text);
  assert.equal(fields.number?.value, "4776");
  assert.ok(fields.number!.confidence <= 0.5);
  assert.equal(fields.order_date?.value, "2026-02-26");
  // In a column: the number one line from the date wins over the one printed above it.
  const stacked = find(
    "purchase_order",
    ["Zorp:", "65463", "Quux:", "4776", "Frob:", "2/26/26"].join("\n"),
  );
  assert.equal(stacked.fields.number?.value, "4776");
  // Equally near (one each side of the date): the first in reading order, as before.
  const even = find("purchase_order", "Zorp   4776   Frob   2/26/26   Quux   65463");
  assert.equal(even.fields.number?.value, "4776");
});

Deno.test("headerBand() keeps a lone row of four values with the header; a table's first row ends it", () => {
  const pairs = [
    "65463          4776           2/26/26        3/8/26",
    "Zorp Blix      Quux Wham      Frob           Plonk",
    "Net 30",
    "Blix Frob",
  ];
  const table = [
    "Description            Cases     Net Lbs     Price     Amount",
    "Beef brisket 120A      764       51,188      2.18      $ 111,589.84",
    "Pork loin boneless     330       16,830      2.66      $ 44,767.80",
  ];
  // The values row is followed by labels, not by another row of its shape: it is header pairs.
  const band = headerBand(toLines([...pairs, ...table].join("\n")));
  assert.deepEqual(band.map((l) => l.text.trim()), [...pairs, table[0]]);
  const { fields } = find("purchase_order", [...pairs, ...table].join("\n"));
  assert.equal(fields.payment_terms?.value, "Net 30");
  assert.equal(fields.pickup_date?.value, "2026-03-08");
  // A table row under a goods header ends the band even when it is the table's only row.
  const one = headerBand(toLines([...pairs.slice(2), ...table.slice(0, 2), "Total  $ 111,589.84"]
    .join("\n")));
  assert.equal(one.length, 3);
  // Two rows of the same shape with no header known: a table all the same.
  const bare = headerBand(toLines(["Zorp: 4776", ...table.slice(1)].join("\n")));
  assert.equal(bare.length, 1);
});

Deno.test("findUnlabelled() takes as the total the amount that adds up the charges above it", () => {
  const text = ["Line haul        $3,344.29", "Fuel surcharge   $150.00", "Zorp Sum   $3,494.29"]
    .join("\n");
  // "Line haul" is a known label: its amount is not free, but it still counts in the sum.
  const lines = toLines(text);
  const out = findUnlabelled("carrier_invoice", lines, {
    fields: {},
    refs: {},
    taken: new Set([`0:${lines[0]!.cells[1]!.start}`]),
  });
  assert.equal(out.fields.charges_cents?.value, 349429);
  assert.match(out.fields.charges_cents!.why ?? "", /sum of the charges/);
  assert.equal(
    find("carrier_invoice", "Zorp   $150.00\nBlix   $900.00").fields.charges_cents,
    undefined,
  );
});

Deno.test("findUnlabelled() gives the one temperature to the kind's temperature field", () => {
  assert.equal(find("bill_of_lading", "Thermo-whatsit   -5°F").fields.setpoint_temp_f?.value, -5);
  assert.equal(
    find("bill_of_lading", "Zorp   -5°F\nBlix   28°F").fields.setpoint_temp_f,
    undefined,
  );
});

Deno.test("headedName() and nameByMc() find a party under an unknown heading, never us or a known heading's party", () => {
  const lines = toLines(
    [
      "Acme Brokerage LLC",
      "Ship To: Metro Grocers",
      "Goods Source: Acme Brokerage LLC",
      "Packing House: Heartland Beef Inc.",
    ]
      .join("\n"),
  );
  assert.equal(headedName(lines, ["Acme Brokerage LLC"]), "Heartland Beef Inc.");
  const bol = toLines(
    ["Shipper: Lone Star Meats", "Haulier: Polar Haul Inc.      MC- 712044"].join("\n"),
  );
  assert.equal(nameByMc(bol), "Polar Haul Inc.");
  const above = toLines(["Shipper: Lone Star Meats", "MC 712044   USDOT 2890113"].join("\n"));
  assert.equal(nameByMc(above), null, "a known heading's party is not the carrier");
});

Deno.test("extractFields() never lets a position guess override a labelled value", () => {
  const text = ["PURCHASE ORDER", "PO #: 4512", "Zorp Ref      PO-7777", "Order Date: 03/02/2026"]
    .join("\n");
  const out = extractFields("purchase_order", text);
  assert.equal(out.fields.number?.value, "4512");
  assert.ok(out.fields.number!.confidence >= 0.9);
  assert.equal(out.fields.order_date?.value, "2026-03-02");
});

Deno.test("the offline reader fills a purchase order whose labels it does not know, under the highlight threshold, and says so", async () => {
  const text = [
    "Acme Brokerage LLC                       PURCHASE ORDER",
    "Packing House: Heartland Beef Inc.",
    "Requisitioner Ctrl       PO-5397",
    "Blix Day                 2026/02/03",
    "Wham Day                 2026/02/11",
    "Settlement Basis         Net 7",
  ].join("\n");
  const { raw } = await offlineProvider.extract({
    text,
    pages: 1,
    name: "po.pdf",
    us: "Acme Brokerage LLC",
  });
  assert.equal(raw.classification, "purchase_order");
  assert.deepEqual(
    Object.fromEntries(Object.entries(raw.fields).map(([k, v]) => [k, v.value])),
    {
      number: "PO-5397",
      order_date: "2026-02-03",
      pickup_date: "2026-02-11",
      payment_terms: "Net 7",
    },
  );
  assert.ok(Object.values(raw.fields).every((v) => v.confidence < 0.8));
  assert.equal(raw.parties.supplier_id?.name, "Heartland Beef Inc.");
  assert.ok(raw.parties.supplier_id!.confidence < 0.8);
  assert.ok(raw.warnings?.some((w) => /supplier found by position/.test(w)), String(raw.warnings));
});

Deno.test("findUnlabelled() fills only fields the kind of document has", () => {
  const { fields } = find("bill_of_lading", "Zorp   Net 30\nBlix   BL603336");
  assert.equal(fields.payment_terms, undefined);
  assert.equal(fields.bol_number?.value, "BL603336");
});
