/**
 * @module domain/payables/tolerance
 * How far a bill may differ from what was agreed before it is flagged: a percentage of the
 * expected amount or weight, and for money also a fixed amount, the smaller of the two winning
 * (1% of a $2,000 freight rate is $20; on a $60,000 packer's invoice the $50 cap applies). Kept
 * per tenant in the `settings` table, set in Settings → Company.
 */
import { z } from "zod";
import type { Client } from "../../db/client.ts";
import type { Executor } from "../../db/transaction.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import { diff, recordAudit } from "../records/audit.ts";
import { type Clock, systemClock } from "../clock.ts";

export interface MatchTolerance {
  /** Percent of the expected amount or weight. */
  percent: number;
  /** Cap on a money difference, in cents. */
  cents: number;
}

export const DEFAULT_TOLERANCE: MatchTolerance = { percent: 1, cents: 5_000 };

const KEYS = { percent: "ap_match_tolerance_percent", cents: "ap_match_tolerance_cents" } as const;

/** The Settings → Company form for the tolerance: percent and dollars as typed. */
export const ToleranceFormSchema = z.strictObject({
  percent: z.coerce.number({ error: "Enter a percentage, such as 1." })
    .min(0, "Use 0 or more.").max(50, "Use at most 50%."),
  dollars: z.coerce.number({ error: "Enter an amount in dollars, such as 50." })
    .min(0, "Use 0 or more.").max(1_000_000, "Use at most 1,000,000."),
});

/** The tenant's match tolerance, or the default (1% or $50) where none was saved. */
export async function getMatchTolerance(db: Executor): Promise<MatchTolerance> {
  const rs = await db.execute({
    sql: "SELECT key, value FROM settings WHERE key IN (?, ?)",
    args: [KEYS.percent, KEYS.cents],
  });
  const stored = new Map(rs.rows.map((r) => [String(r.key), Number(r.value)]));
  const percent = stored.get(KEYS.percent);
  const cents = stored.get(KEYS.cents);
  return {
    percent: Number.isFinite(percent) ? percent! : DEFAULT_TOLERANCE.percent,
    cents: Number.isFinite(cents) ? cents! : DEFAULT_TOLERANCE.cents,
  };
}

/** Saves the tolerance with an entry in the tenant's history, dated by the app's `clock`. */
export async function saveMatchTolerance(
  db: Client,
  userId: string | null,
  tolerance: MatchTolerance,
  clock: Clock = systemClock,
): Promise<void> {
  const now = clock.now().toISOString();
  await inWriteTransaction(db, async (tx) => {
    const before = await getMatchTolerance(tx);
    for (const key of ["percent", "cents"] as const) {
      await tx.execute({
        sql: `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
              ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        args: [KEYS[key], String(tolerance[key]), now],
      });
    }
    const changes = diff(
      { match_tolerance_percent: before.percent, match_tolerance_cents: before.cents },
      { match_tolerance_percent: tolerance.percent, match_tolerance_cents: tolerance.cents },
    );
    if (Object.keys(changes).length) {
      await recordAudit(tx, {
        at: now,
        userId,
        action: "update",
        entity: "settings",
        entityId: "company",
        changes,
      });
    }
  });
}

/** True when `difference` from `expected` is more than the tolerance allows. */
export function overTolerance(
  expected: number,
  difference: number,
  unit: "cents" | "lb",
  tolerance: MatchTolerance,
): boolean {
  const byPercent = Math.abs(expected) * tolerance.percent / 100;
  const allowed = unit === "cents" ? Math.min(byPercent, tolerance.cents) : byPercent;
  return Math.abs(difference) > allowed + 1e-9;
}
