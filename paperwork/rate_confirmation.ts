/**
 * @module paperwork/rate_confirmation
 * The rate confirmation the broker sends the carrier: the load's terms. Letterhead, load number,
 * the carrier (MC and DOT numbers), pickup and delivery appointments and places (with receiving
 * hours), the reefer set point, the BOL, seal and PO numbers, the rate, payment terms, notes and a
 * line for the carrier to sign.
 */
import type { Executor } from "../db/transaction.ts";
import type { CompanyDetails } from "../domain/company.ts";
import type { RecordValues } from "../domain/records/rows.ts";
import { workspaceCurrency } from "../domain/exchange.ts";
import { related, subject } from "./records.ts";
import { addressLines, appointment, day, fahrenheit, money } from "./format.ts";
import { MARGIN, Sheet, type Words } from "./layout.ts";

/** Everything a rate confirmation prints, as plain values (read by `loadRateConfirmationPaper`). */
export interface RateConfirmationPaper {
  number: string;
  carrier: string[];
  setpoint: string | null;
  facts: Array<[string, string | null]>;
  pickup: string[];
  delivery: string[];
  freightCents: number;
  /** The workspace's own currency (Settings → Company), which freight is agreed in. */
  currency?: string;
  terms: string | null;
  notes: string;
  /** The locale its dates and amounts are written in (the carrier's language's). */
  locale?: string;
}

const text = (v: unknown) => (v === null || v === undefined || v === "" ? null : String(v));

/** A stop's lines: the place (a location, else the plant), the appointment, hours and contact. */
function stop(
  kind: "Pickup" | "Delivery",
  when: string | null,
  place: RecordValues | null,
  plant: RecordValues | null = null,
): string[] {
  const site = place ?? plant;
  if (!site && !when) return [];
  return [
    site ? String(site.name) : "To be advised",
    !place && plant ? `EST ${plant.est_number}` : "",
    ...(site ? addressLines(site) : []),
    when ? `${kind} appointment: ${when}` : "",
    place?.receiving_hours ? `Receiving hours: ${place.receiving_hours}` : "",
    place?.appointment_method ? `Book by: ${place.appointment_method}` : "",
    [place?.contact_name, place?.phone].filter(Boolean).join(", "),
  ];
}

/** Reads a load with its carrier, orders and stops; 404 for unknown ids. */
export async function loadRateConfirmationPaper(
  db: Executor,
  id: string,
  locale?: string,
): Promise<RateConfirmationPaper> {
  const load = await subject(db, "loads", id);
  const carrier = await related(db, "carriers", load.carrier_id);
  const po = await related(db, "purchase-orders", load.purchase_order_id);
  const so = await related(db, "sales-orders", load.sales_order_id);
  const plant = await related(db, "plants", po?.plant_id);
  const pickup = await related(db, "locations", load.pickup_location_id ?? po?.pickup_location_id);
  const delivery = await related(
    db,
    "locations",
    load.delivery_location_id ?? so?.delivery_location_id,
  );
  return {
    number: String(load.number),
    carrier: carrier
      ? [
        String(carrier.name),
        [
          carrier.mc_number ? `MC ${carrier.mc_number}` : "",
          carrier.dot_number ? `DOT ${carrier.dot_number}` : "",
        ].filter(Boolean).join("   "),
        [carrier.phone, carrier.dispatch_email].filter(Boolean).join("   "),
      ]
      : [],
    setpoint: fahrenheit(load.setpoint_temp_f),
    facts: [
      ["Load number", String(load.number)],
      ["Reefer set point", fahrenheit(load.setpoint_temp_f)],
      ["BOL number", text(load.bol_number)],
      ["Seal number", text(load.seal_number)],
      ["PO number", text(po?.number)],
      ["Pickup number", text(po?.carrier_release)],
      ["Customer PO", text(so?.customer_po)],
    ],
    pickup: stop(
      "Pickup",
      appointment(load.pickup_appointment, locale) ?? day(po?.pickup_date, locale),
      pickup,
      plant,
    ),
    delivery: stop(
      "Delivery",
      appointment(load.delivery_appointment, locale) ?? day(so?.delivery_date, locale),
      delivery,
    ),
    freightCents: Number(load.freight_cents ?? 0),
    currency: await workspaceCurrency(db),
    terms: text(carrier?.payment_terms),
    notes: String(load.notes ?? ""),
    locale,
  };
}

/**
 * A stop's line as the reader reads it: its fixed label ("Pickup appointment: …") in the sheet's
 * words (paperwork/language.ts), the value after it as written.
 */
function stopLine(sheet: Sheet, line: string): string {
  if (line === "To be advised") return sheet.label(line);
  const m = /^(Pickup appointment|Delivery appointment|Receiving hours|Book by): (.*)$/.exec(line);
  return m ? `${sheet.label(m[1]!)}: ${m[2]}` : line;
}

/** Draws a rate confirmation on the company's letterhead. */
export async function drawRateConfirmation(
  paper: RateConfirmationPaper,
  company: CompanyDetails,
  words?: Words,
): Promise<Uint8Array> {
  const sheet = await Sheet.create(
    `Rate confirmation ${paper.number}`,
    `Rate confirmation ${paper.number}, continued`,
    words,
  );
  sheet.letterhead(company, "RATE CONFIRMATION");
  const top = sheet.y;
  const carrier = sheet.block(
    "Carrier",
    paper.carrier.length ? paper.carrier : [sheet.label("Carrier to be assigned")],
    MARGIN,
    top,
  );
  const facts = sheet.facts(paper.facts, 340, top - 13);
  sheet.y = Math.min(carrier, facts) - 10;
  sheet.rule();
  const from = sheet.block(
    "Pickup",
    paper.pickup.length
      ? paper.pickup.map((l) => stopLine(sheet, l))
      : [sheet.label("To be advised")],
    MARGIN,
    sheet.y,
  );
  const to = sheet.block(
    "Delivery",
    paper.delivery.length
      ? paper.delivery.map((l) => stopLine(sheet, l))
      : [sheet.label("To be advised")],
    340,
    sheet.y,
    222,
  );
  sheet.y = Math.min(from, to) - 10;
  sheet.rule();
  sheet.totals([["Total rate", money(paper.freightCents, paper.currency, paper.locale), true], [
    "Payment terms",
    paper.terms ?? sheet.label("As agreed"),
  ]]);
  sheet.paragraph("Notes", paper.notes);
  // Fixed sentences apart from the values, so the reader's language (paperwork/language.ts) and
  // the workspace's words reach each one.
  sheet.paragraph(
    "Carrier acceptance",
    [
      sheet.label("By signing, the carrier accepts this load at the rate above."),
      paper.setpoint
        ? `${sheet.label("Reefer set point from pickup to delivery:")} ${paper.setpoint}.`
        : "",
      `${sheet.label("Sign and return to")} ${company.company_name}.`,
    ].filter(Boolean).join(" "),
  );
  sheet.ensure(40);
  sheet.y -= 16;
  sheet.text(`${sheet.label("Signature")}: ______________________________`, MARGIN, sheet.y);
  sheet.text(`${sheet.label("Date")}: ________________`, 340, sheet.y);
  sheet.y -= 16;
  return await sheet.save();
}
