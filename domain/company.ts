/**
 * @module domain/company
 * The broker's own company details: the letterhead printed on invoices, purchase orders and rate
 * confirmations, and the remittance instructions customers pay by. Kept in the tenant database's
 * `settings` table (one key each); the company name is also the workspace's name in the control
 * database, so saving a new one renames the tenant there (what the top bar shows).
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import type { Executor } from "../db/transaction.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { diff, recordAudit } from "./records/audit.ts";
import { type Clock, isTimeZone, systemClock } from "./clock.ts";
import { ADDRESS_IN_NAME_MESSAGE, namesAnAddress } from "./names.ts";

const optional = (max: number, label: string) =>
  z.string().trim().max(max, `${label}: use at most ${max} characters.`).default("");

/** The Settings → Company form, as the page posts it and the settings table stores it. */
export const CompanyDetailsSchema = z.strictObject({
  // The workspace's name, which invitations carry to outside addresses (domain/names.ts).
  company_name: z.string().trim().min(2, "Enter your company name.").max(
    120,
    "Use at most 120 characters.",
  ).refine((s) => !namesAnAddress(s), ADDRESS_IN_NAME_MESSAGE),
  company_address: optional(300, "Street address"),
  company_city: optional(100, "City"),
  company_state: optional(60, "State / province"),
  company_postal_code: optional(20, "Postal code"),
  company_country: optional(60, "Country"),
  company_phone: optional(40, "Phone"),
  company_email: z.union([
    z.literal(""),
    z.string().trim().toLowerCase().max(254, "Use at most 254 characters.").email(
      "Enter a valid e-mail address, like billing@example.com.",
    ),
  ]).default(""),
  remittance_instructions: optional(1000, "Remittance instructions"),
  invoice_footer: optional(500, "Invoice footer note"),
});

export type CompanyDetails = z.infer<typeof CompanyDetailsSchema>;

/** The settings keys of the company details, in form order. */
export const COMPANY_KEYS = Object.keys(CompanyDetailsSchema.shape) as Array<keyof CompanyDetails>;

/** Renames the workspace in the control database (tenants/registry.ts implements it). */
export interface TenantRenamer {
  rename(tenantId: string, name: string): Promise<void>;
}

/** Keeps the workspace's time zone in the control database (tenants/registry.ts implements it). */
export interface TimeZoneKeeper {
  setTimeZone(tenantId: string, timeZone: string): Promise<void>;
}

/** The Settings → Company time zone form. */
export const TimeZoneFormSchema = z.strictObject({
  time_zone: z.string().trim().refine(
    isTimeZone,
    "Choose a time zone from the list, such as America/Chicago.",
  ),
});

/**
 * Sets the workspace's time zone: from then on "today" (due dates turning overdue, aging, the
 * dashboard) is the day in that zone. Audited in the tenant's history like the letterhead.
 */
export async function saveTimeZone(
  target: {
    db: Client;
    tenantId: string;
    timeZone: string;
    userId: string | null;
    /** The app's clock (Services.clock), which dates the history entry. */
    clock?: Clock;
  },
  keeper: TimeZoneKeeper,
  timeZone: string,
): Promise<void> {
  if (timeZone === target.timeZone) return;
  await keeper.setTimeZone(target.tenantId, timeZone);
  await inWriteTransaction(target.db, (tx) =>
    recordAudit(tx, {
      at: (target.clock ?? systemClock).now().toISOString(),
      userId: target.userId,
      action: "update",
      entity: "settings",
      entityId: "company",
      changes: { time_zone: [target.timeZone, timeZone] },
    }));
}

/**
 * The company details of a tenant; keys never saved read as blank, and a missing company name
 * falls back to the workspace's name.
 */
export async function getCompanyDetails(
  db: Executor,
  fallbackName: string,
): Promise<CompanyDetails> {
  const rs = await db.execute({
    sql: `SELECT key, value FROM settings WHERE key IN (${COMPANY_KEYS.map(() => "?").join(",")})`,
    args: COMPANY_KEYS,
  });
  const stored = new Map(rs.rows.map((r) => [String(r.key), String(r.value)]));
  const details = Object.fromEntries(COMPANY_KEYS.map((k) => [k, stored.get(k) ?? ""]));
  return { ...details, company_name: stored.get("company_name") || fallbackName } as CompanyDetails;
}

/**
 * Saves validated company details in one transaction with an audit entry, then renames the
 * workspace when the company name changed (after the tenant write, so a failed save renames
 * nothing; a failed rename is retried by the next save, which compares with the tenant's name).
 */
export async function saveCompanyDetails(
  target: {
    db: Client;
    tenantId: string;
    tenantName: string;
    userId: string | null;
    /** The app's clock (Services.clock), which dates the settings and the history entry. */
    clock?: Clock;
  },
  renamer: TenantRenamer,
  details: CompanyDetails,
): Promise<void> {
  const now = (target.clock ?? systemClock).now().toISOString();
  await inWriteTransaction(target.db, async (tx) => {
    const before = await getCompanyDetails(tx, target.tenantName);
    for (const key of COMPANY_KEYS) {
      await tx.execute({
        sql: `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
              ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        args: [key, details[key], now],
      });
    }
    const changes = diff(before, details);
    if (Object.keys(changes).length) {
      await recordAudit(tx, {
        at: now,
        userId: target.userId,
        action: "update",
        entity: "settings",
        entityId: "company",
        changes,
      });
    }
  });
  if (details.company_name !== target.tenantName) {
    await renamer.rename(target.tenantId, details.company_name);
  }
}
