/**
 * @module assistant/answers
 * The read-only, tenant-scoped questions the assistant can answer, each returning words and the
 * records it used (cited with links). They take the tenant's database from the request's tenant
 * context; every value from the message is bound as a parameter. The words are the asker's
 * language (`assistant.*` messages), amounts and dates in the request's formats; names, numbers
 * and option values from the records stay as written.
 */
import type { Executor } from "../db/transaction.ts";
import * as fmt from "../domain/format.ts";
import {
  AGING_BUCKETS,
  agingByCustomer,
  agingTotalsByCurrency,
  marginReport,
  type MarginRow,
} from "../domain/reports.ts";
import {
  searchAll,
  type SearchHit,
  shownSubtitle,
  withShownTitles,
} from "../domain/records/search.ts";
import { recordTitle } from "../domain/records/repository.ts";
import { recordType } from "../domain/catalog.ts";
import { agingByVendor, owedToVendor, vendorAgingTotals } from "../domain/payables/aging.ts";
import { type Language, shownLabel, type Translate, translator } from "../i18n/mod.ts";
import type { Intent } from "./intents.ts";

export interface Citation {
  collection: string;
  id: string;
  title: string;
  url: string;
}

export interface Answer {
  text: string;
  citations: Citation[];
}

/** The asker's language and the request's formats (the workspace's, in that language's locale). */
export interface AnswerWords {
  language: Language;
  format: fmt.FormatSettings;
  /** The workspace's time zone: a load booked at 20:00 on the 31st belongs to that month. */
  timeZone?: string;
}

export const ENGLISH_WORDS: AnswerWords = { language: "en", format: fmt.DEFAULT_FORMAT };

function cite(collection: string, id: unknown, title: unknown): Citation {
  return { collection, id: String(id), title: String(title), url: `/${collection}/${id}` };
}

/** Up to `n` items as a readable list, saying how many more there are. */
function listed(t: Translate, items: string[], n = 10): string {
  const shown = items.slice(0, n).map((i) => `- ${i}`).join("\n");
  return items.length > n
    ? `${shown}\n- ${t("assistant.more", { count: items.length - n })}`
    : shown;
}

const PERIOD_KEYS: Record<string, string> = {
  "last week": "assistant.period.last_week",
  "this week": "assistant.period.this_week",
  "last month": "assistant.period.last_month",
  "this month": "assistant.period.this_month",
  "last quarter": "assistant.period.last_quarter",
  "this quarter": "assistant.period.this_quarter",
  "this year": "assistant.period.this_year",
};

const BUCKET_KEYS: Record<string, string> = {
  current: "assistant.bucket.current",
  "1-30": "assistant.bucket.days_1_30",
  "31-60": "assistant.bucket.days_31_60",
  "61-90": "assistant.bucket.days_61_90",
  "over 90": "assistant.bucket.over_90",
};

/**
 * A period in the asker's words with its dates: intents.ts labels it in English ("last week",
 * "October 2026", "since November 1", "the last 30 days"); the model's tools give only dates.
 */
function periodText(
  t: Translate,
  format: fmt.FormatSettings,
  p: { from: string; to: string; label: string },
): string {
  const from = fmt.date(p.from, format);
  const to = fmt.date(p.to, format);
  const span = (period: string) => t("assistant.period.span", { period, from, to });
  const key = PERIOD_KEYS[p.label];
  if (key) return span(t(key));
  const days = /^the last (\d+) days$/.exec(p.label);
  if (days) return span(t("assistant.period.last_days", { days: Number(days[1]) }));
  const utc = (day: string) => new Date(`${day}T00:00:00Z`);
  if (/^since /.test(p.label)) {
    const date = new Intl.DateTimeFormat(format.locale, {
      month: "long",
      day: "numeric",
      timeZone: "UTC",
    }).format(utc(p.from));
    return span(t("assistant.period.since", { date }));
  }
  if (/^[A-Z][a-z]+ \d{4}$/.test(p.label)) {
    const month = new Intl.DateTimeFormat(format.locale, {
      month: "long",
      year: "numeric",
      timeZone: "UTC",
    }).format(utc(p.from));
    return span(t("assistant.period.month", { month }));
  }
  return t("assistant.period.dates", { from, to });
}

/**
 * The margin rows whose sale converted into the workspace's currency (domain/exchange.ts): one
 * with no rate is left out rather than added in the wrong currency.
 */
function converted(
  rows: MarginRow[],
): Array<MarginRow & { margin_cents: number; sale_converted_cents: number }> {
  return rows.flatMap((r) =>
    r.margin_cents === null || r.sale_converted_cents === null
      ? []
      : [{ ...r, margin_cents: r.margin_cents, sale_converted_cents: r.sale_converted_cents }]
  );
}

/** Answers one intent from the tenant's data, in the asker's words (English unless told). */
export async function answer(
  db: Executor,
  intent: Intent,
  today: string,
  words: AnswerWords = ENGLISH_WORDS,
): Promise<Answer> {
  const t = translator(words.language);
  const format = words.format;
  const money = (cents: number) => fmt.money(cents, format);
  const day = (value: unknown) => fmt.date(value, format) || String(value ?? "");
  switch (intent.kind) {
    case "overdue_invoices": {
      const rs = await db.execute({
        sql: `SELECT i.id, i.number, i.due_date, i.outstanding_cents, c.name AS customer,
                CAST(julianday(?) - julianday(i.due_date) AS INTEGER) AS days
              FROM invoices i JOIN customers c ON c.id = i.customer_id
              WHERE i.state = 'sent' AND i.outstanding_cents > 0 AND i.archived_at IS NULL
                AND julianday(?) - julianday(i.due_date) > ?
              ORDER BY days DESC LIMIT 200`,
        args: [today, today, intent.minDays],
      });
      const days = intent.minDays;
      if (!rs.rows.length) {
        return {
          text: days ? t("assistant.overdue.none_days", { days }) : t("assistant.overdue.none"),
          citations: [],
        };
      }
      const total = money(rs.rows.reduce((s, r) => s + Number(r.outstanding_cents), 0));
      const count = rs.rows.length;
      return {
        text: `${
          days
            ? t("assistant.overdue.head_days", { count, days, total })
            : t("assistant.overdue.head", { count, total })
        }\n${
          listed(
            t,
            rs.rows.map((r) =>
              t("assistant.overdue.row", {
                number: String(r.number),
                customer: String(r.customer),
                amount: money(Number(r.outstanding_cents)),
                days: Number(r.days),
              })
            ),
          )
        }`,
        citations: rs.rows.map((r) => cite("invoices", r.id, r.number)),
      };
    }
    case "aging": {
      const rows = await agingByCustomer(db, today);
      // One sentence per currency: amounts of two currencies are never added.
      const totals = agingTotalsByCurrency(rows).filter((x) => x.total_cents);
      if (!totals.length) return { text: t("assistant.aging.none"), citations: [] };
      const inCur = (cents: number, currency: string) => fmt.money(cents, { ...format, currency });
      return {
        text: `${
          totals.map((x) =>
            t("assistant.aging.total", {
              total: inCur(x.total_cents, x.currency),
              buckets: AGING_BUCKETS.map((b) =>
                `${t(BUCKET_KEYS[b] ?? b)}: ${inCur(x.buckets[b], x.currency)}`
              ).join("; "),
            })
          ).join("\n")
        }\n${t("assistant.aging.largest")}\n${
          listed(t, rows.map((r) => `${r.customer}: ${inCur(r.total_cents, r.currency)}`), 5)
        }`,
        citations: rows.slice(0, 5).map((r) => cite("customers", r.customer_id, r.customer)),
      };
    }
    case "margin": {
      const loads = converted(
        await marginReport(db, {
          from: intent.from,
          to: intent.to,
          by: "load",
          timeZone: words.timeZone ?? "UTC",
        }),
      );
      const period = periodText(t, format, intent);
      if (!loads.length) return { text: t("assistant.margin.none", { period }), citations: [] };
      const margin = loads.reduce((s, l) => s + l.margin_cents, 0);
      const sale = loads.reduce((s, l) => s + l.sale_converted_cents, 0);
      const best = [...loads].sort((a, b) => b.margin_cents - a.margin_cents);
      const percent = new Intl.NumberFormat(format.locale, {
        style: "percent",
        minimumFractionDigits: 1,
        maximumFractionDigits: 1,
      }).format(sale ? margin / sale : 0);
      return {
        text: `${
          t("assistant.margin.head", {
            count: loads.length,
            period,
            margin: money(margin),
            sale: money(sale),
            percent,
          })
        }\n${t("assistant.margin.best")}\n${
          listed(t, best.map((l) => `${l.label}: ${money(l.margin_cents)}`), 5)
        }`,
        citations: best.slice(0, 5).map((l) => cite("loads", l.key, l.label)),
      };
    }
    case "top_parties": {
      const rows = converted(
        await marginReport(db, {
          from: intent.from,
          to: intent.to,
          by: intent.by,
          timeZone: words.timeZone ?? "UTC",
        }),
      );
      const period = periodText(t, format, intent);
      if (!rows.length) return { text: t("assistant.margin.none", { period }), citations: [] };
      // "Biggest supplier" means what we bought from them; "biggest customer", what we sold.
      const value = (r: (typeof rows)[number]) =>
        intent.measure === "margin"
          ? r.margin_cents
          : intent.by === "supplier"
          ? r.cost_cents
          : r.sale_converted_cents;
      const top = [...rows].sort((a, b) => value(b) - value(a)).slice(0, 5);
      return {
        text: `${t(`assistant.top.${intent.by}_${intent.measure}`, { period })}\n${
          listed(
            t,
            top.map((r) =>
              t(intent.by === "supplier" ? "assistant.top.row_supplier" : "assistant.top.row", {
                name: r.label,
                margin: money(r.margin_cents),
                sale: money(r.sale_converted_cents),
                loads: r.loads,
                cost: money(r.cost_cents),
              })
            ),
          )
        }`,
        citations: top.filter((r) => r.href).map((r) => ({
          collection: `${intent.by}s`,
          id: r.key,
          title: r.label,
          url: r.href!,
        })),
      };
    }
    case "supplier_by_est": {
      const rs = await db.execute({
        sql: `SELECT p.id AS plant_id, p.name AS plant, p.est_number, s.id AS supplier_id,
                s.name AS supplier, s.proteins
              FROM plants p JOIN suppliers s ON s.id = p.supplier_id
              WHERE p.est_number = ? COLLATE NOCASE`,
        args: [intent.est],
      });
      const row = rs.rows[0];
      if (!row) return { text: t("assistant.est.none", { est: intent.est }), citations: [] };
      const proteins = JSON.parse(String(row.proteins ?? "[]")) as string[];
      const products = await db.execute({
        sql:
          `SELECT id, code, description FROM products WHERE supplier_id = ? AND archived_at IS NULL
              AND (? IS NULL OR protein = ? COLLATE NOCASE) ORDER BY code LIMIT 20`,
        args: [String(row.supplier_id), intent.protein, intent.protein],
      });
      // The protein asked about, in the asker's words ("chicken", "pollo"); the supplier's list
      // is its own data, shown as written.
      const protein = intent.protein;
      const name = protein ? protein[0]!.toUpperCase() + protein.slice(1) : "";
      const offers = protein
        ? proteins.some((p) => p.toLowerCase() === protein)
          ? ` ${t("assistant.est.offers", { protein, name: protein })}`
          : ` ${
            t("assistant.est.not_offered", {
              protein,
              name,
              proteins: proteins.join(", ") || t("assistant.est.none_listed"),
            })
          }`
        : proteins.length
        ? ` ${t("assistant.est.proteins", { proteins: proteins.join(", ") })}`
        : "";
      return {
        text: `${
          t("assistant.est.head", {
            est: String(row.est_number),
            plant: String(row.plant),
            supplier: String(row.supplier),
          })
        }${offers}${
          products.rows.length
            ? `\n${t("assistant.est.products")}\n${
              listed(
                t,
                products.rows.map((p) => `${p.code} ${p.description}`),
                5,
              )
            }`
            : ""
        }`,
        citations: [
          cite("suppliers", row.supplier_id, row.supplier),
          cite("plants", row.plant_id, row.plant),
          ...products.rows.slice(0, 5).map((p) => cite("products", p.id, p.code)),
        ],
      };
    }
    case "carrier_open_loads": {
      const carriers = await db.execute({
        sql: `SELECT id, name FROM carriers WHERE name LIKE ? ESCAPE '\\' COLLATE NOCASE
              AND archived_at IS NULL ORDER BY length(name) LIMIT 1`,
        args: [`%${intent.carrier.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
      });
      const carrier = carriers.rows[0];
      if (!carrier) {
        return { text: t("assistant.carrier.none", { name: intent.carrier }), citations: [] };
      }
      const loads = await db.execute({
        sql: `SELECT id, number, status, pickup_appointment FROM loads
              WHERE carrier_id = ? AND status IN ('booked', 'dispatched', 'picked_up')
                AND archived_at IS NULL ORDER BY pickup_appointment LIMIT 100`,
        args: [String(carrier.id)],
      });
      const name = String(carrier.name);
      if (!loads.rows.length) {
        return {
          text: t("assistant.carrier.no_loads", { carrier: name }),
          citations: [cite("carriers", carrier.id, carrier.name)],
        };
      }
      return {
        text: `${t("assistant.carrier.head", { carrier: name, count: loads.rows.length })}\n${
          listed(
            t,
            loads.rows.map((l) => {
              const status = t(`assistant.status.${l.status}`);
              const number = String(l.number);
              return l.pickup_appointment
                ? t("assistant.carrier.row_pickup", {
                  number,
                  status,
                  when: fmt.dateTime(l.pickup_appointment, format) ||
                    String(l.pickup_appointment),
                })
                : t("assistant.carrier.row", { number, status });
            }),
          )
        }`,
        citations: [
          cite("carriers", carrier.id, carrier.name),
          ...loads.rows.map((l) => cite("loads", l.id, l.number)),
        ],
      };
    }
    case "customer_balance": {
      const rs = await db.execute({
        sql: `SELECT c.id, c.name, c.credit_limit_cents, c.credit_hold,
                COALESCE((SELECT SUM(outstanding_cents) FROM invoices i WHERE i.customer_id = c.id
                  AND i.state = 'sent'), 0) AS open
              FROM customers c WHERE c.name LIKE ? ESCAPE '\\' COLLATE NOCASE AND c.archived_at IS NULL
              ORDER BY length(c.name) LIMIT 1`,
        args: [`%${intent.customer.replace(/[\\%_]/g, (c) => `\\${c}`)}%`],
      });
      const c = rs.rows[0];
      if (!c) {
        return { text: t("assistant.customer.none", { name: intent.customer }), citations: [] };
      }
      return {
        text: t("assistant.customer.balance", {
          customer: String(c.name),
          amount: money(Number(c.open)),
          limited: c.credit_limit_cents === null ? "no" : "yes",
          limit: c.credit_limit_cents === null ? "" : money(Number(c.credit_limit_cents)),
          hold: Number(c.credit_hold) ? "yes" : "no",
        }),
        citations: [cite("customers", c.id, c.name)],
      };
    }
    case "vendor_payables": {
      if (!intent.vendor) {
        const rows = await agingByVendor(db, today);
        if (!rows.length) return { text: t("assistant.payables.none"), citations: [] };
        const totals = vendorAgingTotals(rows);
        const total = AGING_BUCKETS.reduce((sum, b) => sum + totals[b], 0);
        const late = total - totals.current;
        return {
          text: `${
            late
              ? t("assistant.payables.head_late", { total: money(total), late: money(late) })
              : t("assistant.payables.head", { total: money(total) })
          }\n${listed(t, rows.map((r) => `${r.vendor}: ${money(r.total_cents)}`))}`,
          citations: rows.filter((r) => r.href).slice(0, 10).map((r) => ({
            collection: r.href!.split("/")[1]!,
            id: r.href!.split("/")[2]!,
            title: r.vendor,
            url: r.href!,
          })),
        };
      }
      const vendors = await owedToVendor(db, intent.vendor, today);
      if (!vendors.length) {
        return {
          text: t("assistant.payables.vendor_none", { vendor: intent.vendor }),
          citations: [],
        };
      }
      const lines = vendors.map(({ vendor, bills }) => {
        const total = bills.reduce((sum, b) => sum + b.outstanding_cents, 0);
        const late = bills.filter((b) => b.overdue).reduce((s, b) => s + b.outstanding_cents, 0);
        const args = { vendor, total: money(total), count: bills.length, late: money(late) };
        return `${
          late
            ? t("assistant.payables.vendor_head_late", args)
            : t("assistant.payables.vendor_head", args)
        }\n${
          listed(
            t,
            bills.map((b) =>
              t(b.overdue ? "assistant.payables.bill_late" : "assistant.payables.bill", {
                number: b.number,
                amount: money(b.outstanding_cents),
                date: day(b.due_date),
              })
            ),
          )
        }`;
      });
      return {
        text: lines.join("\n\n"),
        citations: vendors.flatMap(({ bills }) => bills.slice(0, 10))
          .map((b) => cite("bills", b.id, b.number)),
      };
    }
    case "open_purchase_orders": {
      const rs = await db.execute(
        `SELECT id, number, status, total_cents FROM purchase_orders
         WHERE status IN ('draft', 'pending', 'approved') AND archived_at IS NULL
         ORDER BY order_date DESC LIMIT 100`,
      );
      if (!rs.rows.length) return { text: t("assistant.pos.none"), citations: [] };
      const count = rs.rows.length;
      return {
        text: `${
          count === 100
            ? t("assistant.pos.head_more", { count })
            : t("assistant.pos.head", { count })
        }\n${
          listed(
            t,
            rs.rows.map((r) =>
              `${r.number} (${t(`assistant.status.${r.status}`)}): ${money(Number(r.total_cents))}`
            ),
          )
        }`,
        citations: rs.rows.slice(0, 10).map((r) => cite("purchase-orders", r.id, r.number)),
      };
    }
    case "expiring_insurance": {
      const rs = await db.execute({
        sql: `SELECT id, name, insurance_expires FROM carriers WHERE archived_at IS NULL
              AND insurance_expires IS NOT NULL AND insurance_expires <= date(?, '+30 days')
              ORDER BY insurance_expires`,
        args: [today],
      });
      if (!rs.rows.length) return { text: t("assistant.insurance.none"), citations: [] };
      return {
        text: `${t("assistant.insurance.head")}\n${
          listed(t, rs.rows.map((r) => `${r.name}: ${day(r.insurance_expires)}`))
        }`,
        citations: rs.rows.map((r) => cite("carriers", r.id, r.name)),
      };
    }
    case "search": {
      // A payment's title (amount and date) in the asker's language and formats.
      const hits = await withShownTitles(
        db,
        await searchAll(db, intent.text, 8),
        (def, row) => recordTitle(def, row, format),
      );
      if (!hits.length) return { text: t("assistant.search.none"), citations: [] };
      return {
        text: `${t("assistant.search.head")}\n${
          listed(t, hits.map((h) => `${h.title} (${hitSubtitle(t, h)})`))
        }`,
        citations: hits.map((h) => cite(h.collection, h.id, h.title)),
      };
    }
  }
}

/** A search hit's subtitle with its record type in the asker's language ("Orden de compra · …"). */
function hitSubtitle(t: Translate, hit: SearchHit): string {
  const def = recordType(hit.collection);
  return def
    ? shownSubtitle(hit.subtitle, [def.singular], shownLabel(t, def.singular))
    : hit.subtitle;
}
