/**
 * @module domain/approvals/store
 * The approval queue (tenant migration 0080): a rule with a `require_approval` action asks for
 * one when its condition holds; the record then waits (its status may not move on) until a
 * member of the named role, or an owner, approves it. Every request and decision is also written
 * to the record's history, so the history shows who asked and who decided.
 */
import type { Executor } from "../../db/transaction.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import type { Client } from "../../db/client.ts";
import { newId } from "../../db/ids.ts";
import type { Role } from "../../auth/roles.ts";
import { recordAudit } from "../records/audit.ts";
import { markChanged } from "../records/changes.ts";
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";

export type ApprovalStatus = "pending" | "approved" | "rejected";

/** One approval request as pages and the API show it. */
export interface Approval {
  id: string;
  collection: string;
  record_id: string;
  rule_name: string;
  role: string;
  message: string;
  status: ApprovalStatus;
  requested_by: string | null;
  requested_at: string;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: string | null;
  note: string;
}

function toApproval(r: Record<string, unknown>): Approval {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    collection: String(r.collection),
    record_id: String(r.record_id),
    rule_name: String(r.rule_name),
    role: String(r.role),
    message: String(r.message),
    status: String(r.status) as ApprovalStatus,
    requested_by: text(r.requested_by),
    requested_at: String(r.requested_at),
    decided_by: text(r.decided_by),
    decided_by_name: text(r.decided_by_name),
    decided_at: text(r.decided_at),
    note: String(r.note ?? ""),
  };
}

/** The newest request of each rule for a record (what the record waits on, or was cleared by). */
export async function approvalsOf(
  db: Executor,
  collection: string,
  recordId: string,
): Promise<Approval[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM approvals WHERE collection = ? AND record_id = ?
          ORDER BY requested_at DESC, id DESC`,
    args: [collection, recordId],
  });
  return rs.rows.map((r) => toApproval(r as unknown as Record<string, unknown>));
}

/** The rules a record still waits on: their newest request is pending or rejected. */
export function waitingOn(approvals: readonly Approval[]): Approval[] {
  const newest = new Map<string, Approval>();
  for (const a of approvals) if (!newest.has(a.rule_name)) newest.set(a.rule_name, a);
  return [...newest.values()].filter((a) => a.status !== "approved");
}

/**
 * Asks for an approval unless the rule's newest request for this record is pending or approved.
 * An approval holds while the record keeps the values the rule read when it was given: with
 * `renew` (the write changed them, domain/rules/engine.ts) it is asked again. A rejected one is
 * asked again: the record was changed after the rejection and still meets the condition.
 */
export async function requestApproval(
  tx: Executor,
  request: {
    collection: string;
    recordId: string;
    rule: string;
    role: string;
    message: string;
    userId: string | null;
    now: string;
    /** The record changed what the rule reads since its last request: an approval is stale. */
    renew?: boolean;
  },
): Promise<Approval | null> {
  const rs = await tx.execute({
    sql: `SELECT status FROM approvals WHERE collection = ? AND record_id = ? AND rule_name = ?
          ORDER BY requested_at DESC, id DESC LIMIT 1`,
    args: [request.collection, request.recordId, request.rule],
  });
  const last = rs.rows[0]?.status;
  if (last === "pending" || (last === "approved" && !request.renew)) return null;
  const id = newId();
  await tx.execute({
    sql: `INSERT INTO approvals (id, collection, record_id, rule_name, role, message, status,
            requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    args: [
      id,
      request.collection,
      request.recordId,
      request.rule,
      request.role,
      request.message,
      request.userId,
      request.now,
    ],
  });
  await recordAudit(tx, {
    at: request.now,
    userId: request.userId,
    action: "approval_requested",
    entity: request.collection,
    entityId: request.recordId,
    changes: { approval: [null, `${request.rule}: waiting for ${request.role}`] },
  });
  const row = await tx.execute({ sql: "SELECT * FROM approvals WHERE id = ?", args: [id] });
  return toApproval(row.rows[0] as unknown as Record<string, unknown>);
}

/** The queue: pending requests first (oldest first), or every request with `status`. */
export async function listApprovals(
  db: Executor,
  status: ApprovalStatus | "all" = "pending",
  limit = 100,
): Promise<Approval[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM approvals ${status === "all" ? "" : "WHERE status = ?"}
          ORDER BY ${status === "pending" ? "requested_at ASC" : "requested_at DESC"}, id
          LIMIT ?`,
    args: status === "all" ? [limit] : [status, limit],
  });
  return rs.rows.map((r) => toApproval(r as unknown as Record<string, unknown>));
}

/** Whether `role` may decide a request for `wanted` (owners decide every request). */
export function mayDecide(role: Role | null, wanted: string): boolean {
  return role === "owner" || role === wanted;
}

/**
 * Approves or rejects a pending request, as the member deciding; the record's history says who.
 * The one who asked may not approve their own request (a second approver means another person).
 */
export async function decideApproval(
  db: Client,
  id: string,
  decision: {
    approve: boolean;
    userId: string;
    userName: string;
    role: Role | null;
    note: string;
    now: string;
  },
): Promise<Approval> {
  return await inWriteTransaction(db, async (tx) => {
    const rs = await tx.execute({ sql: "SELECT * FROM approvals WHERE id = ?", args: [id] });
    if (!rs.rows[0]) throw new NotFoundError("No such approval request.");
    const approval = toApproval(rs.rows[0] as unknown as Record<string, unknown>);
    if (!mayDecide(decision.role, approval.role)) {
      throw new ForbiddenError(`Only an ${approval.role} or an owner can decide this request.`);
    }
    if (approval.status !== "pending") {
      throw new ConflictError(`This request was already ${approval.status}.`);
    }
    if (decision.approve && approval.requested_by === decision.userId) {
      throw new ForbiddenError("Someone other than the person who asked must approve this.");
    }
    const status: ApprovalStatus = decision.approve ? "approved" : "rejected";
    await tx.execute({
      sql: `UPDATE approvals SET status = ?, decided_by = ?, decided_by_name = ?, decided_at = ?,
              note = ? WHERE id = ? AND status = 'pending'`,
      args: [status, decision.userId, decision.userName, decision.now, decision.note, id],
    });
    await recordAudit(tx, {
      at: decision.now,
      userId: decision.userId,
      action: decision.approve ? "approved" : "rejected",
      entity: approval.collection,
      entityId: approval.record_id,
      changes: {
        approval: [
          `${approval.rule_name}: waiting for ${approval.role}`,
          `${approval.rule_name}: ${status} by ${decision.userName}${
            decision.note ? ` (${decision.note})` : ""
          }`,
        ],
      },
    });
    await markChanged(tx);
    return {
      ...approval,
      status,
      decided_by: decision.userId,
      decided_by_name: decision.userName,
      decided_at: decision.now,
      note: decision.note,
    };
  });
}

/** The rules card of a record page: what it waits on, and what rules did to it lately. */
export async function ruleNotesOf(
  db: Executor,
  collection: string,
  recordId: string,
): Promise<{ waiting: WaitingView[]; notes: NoteView[] }> {
  const waiting = waitingOn(await approvalsOf(db, collection, recordId)).map((a) => ({
    rule: a.rule_name,
    role: a.role,
    message: a.message,
    status: a.status as "pending" | "rejected",
    note: a.note,
    decidedBy: a.decided_by_name,
  }));
  const rs = await db.execute({
    sql: `SELECT rule_name, action, message, at FROM rule_activity
          WHERE collection = ? AND record_id = ? ORDER BY at DESC, id DESC LIMIT 10`,
    args: [collection, recordId],
  });
  const notes = rs.rows.map((r) => ({
    rule: String(r.rule_name),
    action: String(r.action),
    message: String(r.message),
    at: String(r.at),
  }));
  return { waiting, notes };
}

interface WaitingView {
  rule: string;
  role: string;
  message: string;
  status: "pending" | "rejected";
  note: string;
  decidedBy: string | null;
}

interface NoteView {
  rule: string;
  action: string;
  message: string;
  at: string;
}
