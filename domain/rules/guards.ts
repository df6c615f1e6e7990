/**
 * @module domain/rules/guards
 * Checks that keep the records consistent with the money already moved and with each other:
 * a document's total never drops below what was paid on it, a due date never falls before the
 * document's date, a status only moves in ways a broker can mean, a claim's settled amount stays
 * within what was approved, and only the roles that may override a credit hold may change it.
 * Called from the record types' `prepare` (domain/rules/mod.ts), inside the write transaction.
 */
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import type { RecordContext } from "../records/context.ts";
import { ConflictError, ForbiddenError, InvalidError } from "../errors.ts";
import { money } from "../format.ts";
import { rulesConfigOf } from "./engine.ts";
import { dueDateFor, type DueDateShape } from "./due_dates.ts";
import { checkMoneyCap } from "./totals.ts";

function refuse(field: string, message: string): never {
  throw new InvalidError(message, { [field]: [message] }, 422);
}

/**
 * A document's new total: its lines' total when the write has lines, else its stored lines
 * subtotal (`subtotalKey`), plus `extraKey` (an invoice's tax, a bill's other charges). Refuses a
 * total over the money maximum (422 on `extraKey`, or `lines`).
 */
export function newTotal(
  values: RecordValues,
  linesTotal: number | null,
  existing: RecordValues | null,
  subtotalKey: string,
  extraKey: string | null,
): number {
  const subtotal = linesTotal ?? Number(existing?.[subtotalKey] ?? 0);
  const extra = extraKey ? Number(values[extraKey] ?? 0) : 0;
  const total = subtotal + extra;
  checkMoneyCap(total, extraKey && extra ? extraKey : "lines", "The total");
  return total;
}

/**
 * Refuses (409) lowering a document's total below what was paid (and credited) on it: the
 * payments would be more than the document. A credit or a refund is the way to give money back.
 */
export function checkTotalCoversPaid(
  noun: string,
  total: number,
  existing: RecordValues | null,
  field: string,
  remedy: string,
): void {
  if (!existing) return;
  const paid = Number(existing.paid_cents ?? 0);
  const credited = Number(existing.credited_cents ?? 0);
  const covered = paid + credited;
  const before = Number(existing[field === "freight_cents" ? "freight_cents" : "total_cents"] ?? 0);
  if (total >= covered || total >= before) return;
  const what = credited ? `${money(paid)} paid and ${money(credited)} credited` : `${money(paid)}`;
  const message = `The ${noun}'s total may not drop below what was paid on it: ${money(total)} ` +
    `against ${what}. ${remedy}`;
  throw new ConflictError(message, { [field]: [message] });
}

/**
 * Refuses (422 on `due_date`) a due date before the document's date. A due date the terms give
 * ("Wire 1 day prior" counts back from the ship date) is the terms', and stays allowed.
 */
export async function checkDueDate(
  tx: Executor,
  values: RecordValues,
  due: string,
  shape: DueDateShape,
): Promise<void> {
  const date = values[shape.date];
  if (typeof date !== "string" || !date || due >= date) return;
  if (due === await dueDateFor(tx, { ...values, due_date: null }, shape)) return;
  refuse(
    "due_date",
    `The due date (${due}) cannot be before the ${shape.date.replace("_", " ")} (${date}).`,
  );
}

const LOAD_STEPS = ["booked", "dispatched", "picked_up", "delivered", "pod_received"];

/**
 * A load moves forward any number of steps (a status left unrecorded is skipped), and back one
 * step at a time, to correct a mistake; a jump back over two or more steps is refused (409).
 */
export function checkLoadStatus(values: RecordValues, existing: RecordValues | null): void {
  if (!existing || values.status === existing.status) return;
  const from = LOAD_STEPS.indexOf(String(existing.status));
  const to = LOAD_STEPS.indexOf(String(values.status));
  if (from < 0 || to < 0 || to >= from - 1) return;
  const message = `A load moves back one step at a time, to correct a mistake: from ${
    label(existing.status)
  } it can go back to ${label(LOAD_STEPS[from - 1])}, not to ${label(values.status)}.`;
  throw new ConflictError(message, { status: [message] });
}

function label(status: unknown): string {
  const text = String(status).replace(/_/g, " ").replace("pod", "POD");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * An invoice that was sent goes back to draft only while nothing was paid or credited on it (a
 * draft takes no payments); a void one cannot be paid either (the void rule is in mod.ts).
 */
export function checkInvoiceState(values: RecordValues, existing: RecordValues | null): void {
  if (!existing || values.state !== "draft" || existing.state === "draft") return;
  if (Number(existing.paid_cents ?? 0) > 0 || Number(existing.credited_cents ?? 0) > 0) {
    const message = "An invoice with payments or credits cannot go back to draft; " +
      "correct it with a credit, or take the payments off first.";
    throw new ConflictError(message, { state: [message] });
  }
}

/**
 * A claim's settled amount is at most what was approved (or, with nothing approved, what was
 * claimed); an approved claim says how much (422).
 */
export function checkClaimAmounts(values: RecordValues): void {
  const claimed = Number(values.claimed_cents ?? 0);
  const approved = values.approved_cents as number | null | undefined;
  const settled = values.settled_cents as number | null | undefined;
  if (values.status === "approved" && (approved === null || approved === undefined)) {
    refuse("approved_cents", "Enter the approved amount to approve a claim.");
  }
  if (settled === null || settled === undefined) return;
  if (approved !== null && approved !== undefined) {
    if (settled > approved) {
      refuse(
        "settled_cents",
        `The settled amount cannot exceed the approved amount (${money(approved)}).`,
      );
    }
  } else if (settled > claimed) {
    refuse(
      "settled_cents",
      `The settled amount cannot exceed the claimed amount (${money(claimed)}).`,
    );
  }
}

/**
 * A customer's credit hold and credit limit are changed (or set on a new customer) only by the
 * roles that may override a credit hold (`rules.credit_hold.override_roles`, owner and admin by
 * default; an owner always may), else a broker could lift the hold, place the order and put the
 * hold back (403). A system write (no user and no role: a plugin the owner installed with
 * `write:customers`, a job) is not a member's and is not asked.
 */
export async function checkCreditTerms(
  tx: Executor,
  ctx: RecordContext,
  values: RecordValues,
  existing: RecordValues | null,
): Promise<void> {
  const hold = Boolean(values.credit_hold);
  const limit = values.credit_limit_cents ?? null;
  const changed = existing
    ? hold !== Boolean(existing.credit_hold) || limit !== (existing.credit_limit_cents ?? null)
    : hold || limit !== null;
  if (!changed || (ctx.userId === null && ctx.role === null)) return;
  const roles = (await rulesConfigOf(tx)).credit_hold.override_roles;
  if (ctx.role === "owner" || (ctx.role && roles.includes(ctx.role))) return;
  const who = ["owner", ...roles.filter((r) => r !== "owner")];
  const list = who.length === 1 ? who[0]! : `${who.slice(0, -1).join(", ")} or ${who.at(-1)}`;
  const whoMay = `${/^[aeiou]/.test(list) ? "an" : "a"} ${list}`;
  throw new ForbiddenError(
    `Only ${whoMay} can change a customer's credit hold or credit limit.`,
    { fields: ["credit_hold", "credit_limit_cents"] },
  );
}
