/**
 * @module domain/workspace_currency
 * Choosing the workspace's own currency (Settings → Company): the one its costs, freight, bills,
 * margins and reports are kept in (`workspaceCurrency` in domain/exchange.ts reads it). Stored
 * amounts carry no currency of their own (only sales orders and invoices do), so changing it
 * would silently re-read every stored cost and freight in another currency: it may be chosen
 * while the workspace holds no money records (archived ones are set aside and do not count), and
 * while no exchange rate is stored, since every rate is written in units of the old currency.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import type { Executor } from "../db/transaction.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { recordAudit } from "./records/audit.ts";
import { markChanged } from "./records/changes.ts";
import { type Clock, systemClock } from "./clock.ts";
import { CURRENCIES, type Currency } from "./currency.ts";
import { workspaceCurrency } from "./exchange.ts";
import { ConflictError } from "./errors.ts";

/** The Settings → Company currency form (and any client that sets it). */
export const CurrencyFormSchema = z.strictObject({
  currency: z.enum(CURRENCIES.map((c) => c.value) as [Currency, ...Currency[]], {
    error: "Choose USD, CAD or MXN.",
  }),
});

/** The tables whose amounts are in the workspace's currency with none stored beside them. */
const MONEY_TABLES = ["purchase_orders", "loads", "invoices", "bills", "payments", "claims"];

/** Whether the workspace holds a money record that is not archived. */
export async function hasMoneyRecords(db: Executor): Promise<boolean> {
  const rs = await db.execute(
    `SELECT ${
      MONEY_TABLES.map((t) => `EXISTS (SELECT 1 FROM ${t} WHERE archived_at IS NULL)`).join(" OR ")
    } AS found`,
  );
  return Number(rs.rows[0]?.found) === 1;
}

/** Whether the workspace has an exchange rate stored. */
async function hasRates(db: Executor): Promise<boolean> {
  const rs = await db.execute("SELECT EXISTS (SELECT 1 FROM exchange_rates) AS found");
  return Number(rs.rows[0]?.found) === 1;
}

/**
 * Sets the workspace's own currency, audited in the tenant's history; refuses (409) once money
 * records or exchange rates exist, and changes nothing then. Checked and written in one write
 * transaction, so a purchase order saved meanwhile cannot slip between the check and the change.
 * Returns the currency it was before.
 */
export async function saveWorkspaceCurrency(
  target: { db: Client; userId: string | null; clock?: Clock },
  currency: Currency,
): Promise<string> {
  const now = (target.clock ?? systemClock).now().toISOString();
  return await inWriteTransaction(target.db, async (tx) => {
    const before = await workspaceCurrency(tx);
    if (before === currency) return before;
    if (await hasMoneyRecords(tx)) {
      throw new ConflictError(
        "The workspace's currency cannot change once it has purchase orders, loads, invoices, bills, payments or claims: their amounts would be read in the new currency.",
      );
    }
    if (await hasRates(tx)) {
      throw new ConflictError(
        "Exchange rates are written in the workspace's currency: delete them in Settings → Exchange rates before changing it.",
      );
    }
    await tx.execute({
      sql: `INSERT INTO settings (key, value, updated_at) VALUES ('currency', ?, ?)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      args: [currency, now],
    });
    await recordAudit(tx, {
      at: now,
      userId: target.userId,
      action: "update",
      entity: "settings",
      entityId: "company",
      changes: { currency: [before, currency] },
    });
    await markChanged(tx); // cached pages (the dashboard) format money in it
    return before;
  });
}
