/**
 * @module assistant/answers
 * The read-only, tenant-scoped questions the assistant can answer, each returning words and the
 * records it used (cited with links). They take the tenant's database from the request's tenant
 * context; every value from the message is bound as a parameter.
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
import { searchAll } from "../domain/records/search.ts";
import { agingByVendor, owedToVendor, vendorAgingTotals } from "../domain/payables/aging.ts";
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

const money = (cents: number) => fmt.money(cents);

function cite(collection: string, id: unknown, title: unknown): Citation {
  return { collection, id: String(id), title: String(title), url: `/${collection}/${id}` };
}

/** Up to `n` items as a readable list, saying how many more there are. */
function listed(items: string[], n = 10): string {
  const shown = items.slice(0, n).map((i) => `- ${i}`).join("\n");
  return items.length > n ? `${shown}\n- …and ${items.length - n} more` : shown;
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

export async function answer(db: Executor, intent: Intent, today: string): Promise<Answer> {
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
      const scope = intent.minDays ? `more than ${intent.minDays} days past due` : "past due";
      if (!rs.rows.length) return { text: `No invoices are ${scope}.`, citations: [] };
      const total = rs.rows.reduce((s, r) => s + Number(r.outstanding_cents), 0);
      return {
        text: `${rs.rows.length} invoice${rs.rows.length === 1 ? " is" : "s are"} ${scope}, ${
          money(total)
        } outstanding:\n${
          listed(rs.rows.map((r) =>
            `${r.number} (${r.customer}): ${
              money(Number(r.outstanding_cents))
            }, ${r.days} days past due`
          ))
        }`,
        citations: rs.rows.map((r) => cite("invoices", r.id, r.number)),
      };
    }
    case "aging": {
      const rows = await agingByCustomer(db, today);
      // One sentence per currency: amounts of two currencies are never added.
      const totals = agingTotalsByCurrency(rows).filter((t) => t.total_cents);
      if (!totals.length) {
        return { text: "Nothing is outstanding: every sent invoice is paid.", citations: [] };
      }
      const inCur = (cents: number, currency: string) =>
        fmt.money(cents, { ...fmt.DEFAULT_FORMAT, currency });
      return {
        text: `${
          totals.map((t) =>
            `Receivables outstanding: ${inCur(t.total_cents, t.currency)}. ${
              AGING_BUCKETS.map((b) => `${b}: ${inCur(t.buckets[b], t.currency)}`).join("; ")
            }.`
          ).join("\n")
        }\nLargest balances:\n${
          listed(rows.map((r) => `${r.customer}: ${inCur(r.total_cents, r.currency)}`), 5)
        }`,
        citations: rows.slice(0, 5).map((r) => cite("customers", r.customer_id, r.customer)),
      };
    }
    case "margin": {
      const loads = converted(
        await marginReport(db, { from: intent.from, to: intent.to, by: "load" }),
      );
      if (!loads.length) {
        return {
          text: `No loads were picked up in ${intent.label} (${intent.from} to ${intent.to}).`,
          citations: [],
        };
      }
      const margin = loads.reduce((s, l) => s + l.margin_cents, 0);
      const sale = loads.reduce((s, l) => s + l.sale_converted_cents, 0);
      const best = [...loads].sort((a, b) => b.margin_cents - a.margin_cents);
      return {
        text: `Margin on ${loads.length} load${
          loads.length === 1 ? "" : "s"
        } in ${intent.label} (${intent.from} to ${intent.to}): ${money(margin)} on ${
          money(sale)
        } of sales (${sale ? ((margin / sale) * 100).toFixed(1) : "0.0"}%).\nBest loads:\n${
          listed(best.map((l) => `${l.label}: ${money(l.margin_cents)}`), 5)
        }`,
        citations: best.slice(0, 5).map((l) => cite("loads", l.key, l.label)),
      };
    }
    case "top_parties": {
      const rows = converted(
        await marginReport(db, { from: intent.from, to: intent.to, by: intent.by }),
      );
      const who = intent.by === "customer" ? "customers" : "suppliers";
      if (!rows.length) {
        return {
          text: `No loads were picked up in ${intent.label} (${intent.from} to ${intent.to}).`,
          citations: [],
        };
      }
      // "Biggest supplier" means what we bought from them; "biggest customer", what we sold.
      const value = (r: (typeof rows)[number]) =>
        intent.measure === "margin"
          ? r.margin_cents
          : intent.by === "supplier"
          ? r.cost_cents
          : r.sale_converted_cents;
      const top = [...rows].sort((a, b) => value(b) - value(a)).slice(0, 5);
      const measure = intent.measure === "sales"
        ? intent.by === "customer" ? "sales" : "purchases"
        : "margin";
      return {
        text: `Top ${who} by ${measure} in ${intent.label} (${intent.from} to ${intent.to}):\n${
          listed(top.map((r) =>
            `${r.label}: ${money(r.margin_cents)} margin on ${
              money(r.sale_converted_cents)
            } of sales, ${r.loads} load${r.loads === 1 ? "" : "s"}${
              intent.by === "supplier" ? ` (bought for ${money(r.cost_cents)})` : ""
            }`
          ))
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
      if (!row) return { text: `No plant with EST ${intent.est} is on file.`, citations: [] };
      const proteins = JSON.parse(String(row.proteins ?? "[]")) as string[];
      const products = await db.execute({
        sql:
          `SELECT id, code, description FROM products WHERE supplier_id = ? AND archived_at IS NULL
              AND (? IS NULL OR protein = ? COLLATE NOCASE) ORDER BY code LIMIT 20`,
        args: [String(row.supplier_id), intent.protein, intent.protein],
      });
      const offers = intent.protein
        ? proteins.some((p) => p.toLowerCase() === intent.protein)
          ? ` They list ${intent.protein} among their proteins.`
          : ` ${intent.protein[0]!.toUpperCase()}${
            intent.protein.slice(1)
          } is not among their listed proteins (${proteins.join(", ") || "none listed"}).`
        : proteins.length
        ? ` Proteins: ${proteins.join(", ")}.`
        : "";
      return {
        text: `EST ${row.est_number} is ${row.plant}, a plant of ${row.supplier}.${offers}${
          products.rows.length
            ? `\nProducts from them:\n${
              listed(products.rows.map((p) => `${p.code} ${p.description}`), 5)
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
      if (!carrier) return { text: `No carrier matches “${intent.carrier}”.`, citations: [] };
      const loads = await db.execute({
        sql: `SELECT id, number, status, pickup_appointment FROM loads
              WHERE carrier_id = ? AND status IN ('booked', 'dispatched', 'picked_up')
                AND archived_at IS NULL ORDER BY pickup_appointment LIMIT 100`,
        args: [String(carrier.id)],
      });
      if (!loads.rows.length) {
        return {
          text: `${carrier.name} has no open loads.`,
          citations: [cite("carriers", carrier.id, carrier.name)],
        };
      }
      return {
        text: `${carrier.name} has ${loads.rows.length} open load${
          loads.rows.length === 1 ? "" : "s"
        }:\n${
          listed(loads.rows.map((l) =>
            `${l.number}: ${String(l.status).replace("_", " ")}${
              l.pickup_appointment
                ? `, pickup ${String(l.pickup_appointment).replace("T", " ")}`
                : ""
            }`
          ))
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
      if (!c) return { text: `No customer matches “${intent.customer}”.`, citations: [] };
      const limit = c.credit_limit_cents === null
        ? "no credit limit"
        : `a credit limit of ${money(Number(c.credit_limit_cents))}`;
      return {
        text: `${c.name} owes ${money(Number(c.open))} on sent invoices, with ${limit}${
          Number(c.credit_hold) ? "; they are on credit hold" : ""
        }.`,
        citations: [cite("customers", c.id, c.name)],
      };
    }
    case "vendor_payables": {
      if (!intent.vendor) {
        const rows = await agingByVendor(db, today);
        if (!rows.length) return { text: "We owe nothing: no open bills.", citations: [] };
        const totals = vendorAgingTotals(rows);
        const total = AGING_BUCKETS.reduce((sum, b) => sum + totals[b], 0);
        const late = total - totals.current;
        return {
          text: `We owe ${money(total)} on open bills${
            late ? `, ${money(late)} of it past due` : ""
          }:\n${listed(rows.map((r) => `${r.vendor}: ${money(r.total_cents)}`))}`,
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
        return { text: `We owe nothing to “${intent.vendor}”: no open bills.`, citations: [] };
      }
      const lines = vendors.map(({ vendor, bills }) => {
        const total = bills.reduce((sum, b) => sum + b.outstanding_cents, 0);
        const late = bills.filter((b) => b.overdue).reduce((s, b) => s + b.outstanding_cents, 0);
        return `We owe ${vendor} ${money(total)} on ${bills.length} open bill${
          bills.length === 1 ? "" : "s"
        }${late ? ` (${money(late)} past due)` : ""}:\n${
          listed(bills.map((b) =>
            `${b.number}: ${money(b.outstanding_cents)} due ${b.due_date}${
              b.overdue ? " (past due)" : ""
            }`
          ))
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
      if (!rs.rows.length) return { text: "There are no open purchase orders.", citations: [] };
      return {
        text: `${rs.rows.length}${rs.rows.length === 100 ? "+" : ""} open purchase orders:\n${
          listed(rs.rows.map((r) => `${r.number} (${r.status}): ${money(Number(r.total_cents))}`))
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
      if (!rs.rows.length) {
        return { text: "No carrier's insurance expires within 30 days.", citations: [] };
      }
      return {
        text: `Insurance expires within 30 days for:\n${
          listed(rs.rows.map((r) => `${r.name}: ${r.insurance_expires}`))
        }`,
        citations: rs.rows.map((r) => cite("carriers", r.id, r.name)),
      };
    }
    case "search": {
      const hits = await searchAll(db, intent.text, 8);
      if (!hits.length) {
        return {
          text:
            "I did not find anything for that. I can answer questions such as “which invoices are over 60 days past due?”, “margin on loads last week”, “who supplies chicken from EST 1234?”, “open loads for <carrier>”, “what does <customer> owe?”, “what do we owe <vendor>?” or “top customers this month”.",
          citations: [],
        };
      }
      return {
        text: `Records that match:\n${listed(hits.map((h) => `${h.title} (${h.subtitle})`))}`,
        citations: hits.map((h) => cite(h.collection, h.id, h.title)),
      };
    }
  }
}
