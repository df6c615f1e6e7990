/**
 * @module customization/approvals_menu
 * The navigation's Approvals entry: shown only while a rule of the workspace requires approval
 * (`rules.record_rules[].actions[].type: require_approval`), with the number of pending requests
 * the reader may decide (their role's, all of them for an owner, never their own). Page requests
 * read the waiting requests in one grouped query, kept in the read cache until the tenant's next
 * change, and only in workspaces with such a rule.
 */
import type { Executor } from "../db/transaction.ts";
import type { ReadCache } from "../domain/read_cache.ts";
import type { Role } from "../auth/roles.ts";
import { mayDecide } from "../domain/approvals/store.ts";
import type { Configuration } from "./document/schema.ts";

/** Pending requests grouped by the role they wait for and who asked. */
export interface WaitingApprovals {
  role: string;
  requestedBy: string | null;
  count: number;
}

/** Whether an enabled rule of the configuration requires approval. */
export function approvalRulesOn(config: Configuration | undefined | null): boolean {
  return Boolean(
    config?.rules.record_rules.some((rule) =>
      rule.enabled && rule.actions.some((a) => a.type === "require_approval")
    ),
  );
}

/**
 * The pending requests as the navigation counts them, from the read cache: requesting and
 * deciding an approval bump the tenant's change counter (domain/rules/engine.ts,
 * domain/approvals/store.ts), so a page asks the database only after a change, not on every view
 * (the query was the largest part of the configuration's cost on a page, 11-14 µs).
 */
export async function cachedWaitingApprovals(
  cache: ReadCache,
  db: Executor,
  tenantId: string,
): Promise<WaitingApprovals[]> {
  const text = await cache.read(
    db,
    tenantId,
    "approvals:waiting",
    async () => JSON.stringify(await waitingApprovals(db)),
  );
  return JSON.parse(text) as WaitingApprovals[];
}

/** The pending requests, grouped (one row per role and requester). */
export async function waitingApprovals(db: Executor): Promise<WaitingApprovals[]> {
  const rs = await db.execute(
    `SELECT role, requested_by, COUNT(*) AS n FROM approvals WHERE status = 'pending'
     GROUP BY role, requested_by`,
  );
  return rs.rows.map((r) => ({
    role: String(r.role),
    requestedBy: r.requested_by === null ? null : String(r.requested_by),
    count: Number(r.n),
  }));
}

/** How many of the waiting requests `userId` in `role` may decide. */
export function decidableCount(
  waiting: readonly WaitingApprovals[],
  role: Role | null | undefined,
  userId: string | null | undefined,
): number {
  let n = 0;
  for (const w of waiting) {
    if (mayDecide(role ?? null, w.role) && w.requestedBy !== userId) n += w.count;
  }
  return n;
}
