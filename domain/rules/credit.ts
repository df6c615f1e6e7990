/**
 * @module domain/rules/credit
 * Credit hold: a sales order is refused for a customer on hold, over its credit limit (open
 * receivables plus open orders not yet invoiced plus this order), or with invoices more than
 * 60 days past due, unless an owner or admin overrides it, which the history records. It is the
 * tenant's default rule: `rules.credit_hold` of the configuration switches it off, changes the
 * days past due and who may override (the defaults are the behaviour described here).
 */
import type { Executor } from "../../db/transaction.ts";
import { BUSINESS_DAY } from "../../db/business_day.ts";
import { ForbiddenError, InvalidError } from "../errors.ts";
import { money } from "../format.ts";
import type { RecordContext } from "../records/context.ts";
import type { WriteState } from "./write_state.ts";
import { rulesConfigOf } from "./engine.ts";

/** "An owner or admin" for the roles that may override, as the message reads. */
function overriders(roles: readonly string[]): string {
  if (!roles.length) return "Nobody";
  const list = roles.length === 1
    ? roles[0]!
    : `${roles.slice(0, -1).join(", ")} or ${roles.at(-1)}`;
  return `${/^[aeiou]/.test(list) ? "An" : "A"} ${list}`;
}

export interface CreditStanding {
  onHold: boolean;
  limitCents: number | null;
  exposureCents: number;
  oldestDaysPastDue: number;
  name: string;
}

/** The customer's standing, not counting sales order `excludeOrderId`. */
export async function creditStanding(
  db: Executor,
  customerId: string,
  excludeOrderId: string | null,
): Promise<CreditStanding> {
  const rs = await db.execute({
    sql: `SELECT c.name, c.credit_hold, c.credit_limit_cents,
      COALESCE((SELECT SUM(outstanding_cents) FROM invoices i
        WHERE i.customer_id = c.id AND i.state <> 'void'), 0) AS receivable,
      COALESCE((SELECT SUM(total_cents) FROM sales_orders so
        WHERE so.customer_id = c.id AND so.status IN ('draft', 'confirmed', 'in_transit')
          AND so.archived_at IS NULL AND so.id <> ?
          AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.sales_order_id = so.id AND i.state <> 'void')), 0) AS open_orders,
      COALESCE((SELECT MAX(CAST(julianday(${BUSINESS_DAY}) - julianday(due_date) AS INTEGER))
        FROM invoices i
        WHERE i.customer_id = c.id AND i.state = 'sent' AND i.outstanding_cents > 0
          AND i.due_date < ${BUSINESS_DAY}), 0) AS oldest
      FROM customers c WHERE c.id = ?`,
    args: [excludeOrderId ?? "", customerId],
  });
  const row = rs.rows[0];
  return {
    name: String(row?.name ?? ""),
    onHold: Boolean(Number(row?.credit_hold ?? 0)),
    limitCents: row?.credit_limit_cents === null || row?.credit_limit_cents === undefined
      ? null
      : Number(row.credit_limit_cents),
    exposureCents: Number(row?.receivable ?? 0) + Number(row?.open_orders ?? 0),
    oldestDaysPastDue: Number(row?.oldest ?? 0),
  };
}

/** Why this order would break the customer's credit terms, or null. */
export function creditProblem(
  standing: CreditStanding,
  orderCents: number,
  maxDaysPastDue = 60,
): string | null {
  if (standing.onHold) return `${standing.name} is on credit hold.`;
  if (standing.oldestDaysPastDue > maxDaysPastDue) {
    return `${standing.name} has invoices ${standing.oldestDaysPastDue} days past due (over ${maxDaysPastDue}).`;
  }
  if (standing.limitCents !== null && standing.exposureCents + orderCents > standing.limitCents) {
    return `This order would bring ${standing.name} to ${
      money(standing.exposureCents + orderCents)
    } against a credit limit of ${money(standing.limitCents)}.`;
  }
  return null;
}

export async function checkCredit(
  tx: Executor,
  ctx: RecordContext,
  { values, lines, existing }: WriteState,
): Promise<void> {
  // The credit hold is a default rule the tenant can switch off or tune (rules.credit_hold).
  const settings = (await rulesConfigOf(tx)).credit_hold;
  if (!settings.enabled) return;
  const mayOverride = Boolean(ctx.role && settings.override_roles.includes(ctx.role));
  const overriding = Boolean(values.credit_override) && !existing?.credit_override;
  if (overriding && !mayOverride) {
    throw new ForbiddenError(
      `Only ${overriders(settings.override_roles).toLowerCase()} can override a credit hold.`,
    );
  }
  if (values.credit_override && !String(values.credit_override_reason ?? "").trim()) {
    throw new InvalidError("Say why the credit hold is overridden.", {
      credit_override_reason: ["Required with an override."],
    }, 422);
  }
  if (values.status === "cancelled") return;
  const total = lines
    ? lines.reduce((sum, l) => sum + Number(l.amount_cents ?? 0), 0)
    : Number(existing?.total_cents ?? 0);
  // An override is the overrider's word for this customer and at most this total. Someone who
  // may not override keeps it only while the order stays within it: an order they grow, move to
  // another customer or reopen is checked below as if it had none (a broker turned an admin's $10
  // override into a $36 million order for a customer on hold).
  if (values.credit_override && (mayOverride || !existing)) return;
  // An existing order is checked again only when it grows or moves to another customer.
  if (
    existing && existing.customer_id === values.customer_id &&
    total <= Number(existing.total_cents ?? 0) && existing.status !== "cancelled"
  ) return;
  const standing = await creditStanding(
    tx,
    String(values.customer_id),
    existing ? String(existing.id) : null,
  );
  const problem = creditProblem(standing, total, settings.max_days_past_due);
  if (problem) {
    throw new InvalidError(
      `${problem} ${overriders(settings.override_roles)} can override the credit hold.`,
      {
        customer_id: [problem],
      },
      422,
    );
  }
}
