/**
 * @module tenants/seed_defaults
 * The settings and option lists (proteins, package types, terms, ...) every new tenant database
 * starts with; an admin edits the lists afterwards.
 */
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { OPTION_LISTS } from "../domain/option_lists.ts";

/** (The time zone is kept in the control database: tenants.time_zone, see registry.ts.) */
export const DEFAULT_SETTINGS = {
  currency: "USD",
  locale: "en-US",
  weight_unit: "LB",
} as const;

/** Writes the company name, default settings and option lists into a new tenant database. */
export async function seedTenantDefaults(db: Client, opts: { companyName: string }): Promise<void> {
  const now = new Date().toISOString();
  const entries: Array<[string, string]> = [
    ["company_name", opts.companyName],
    ...Object.entries(DEFAULT_SETTINGS),
  ];
  // One transaction for both: each write transaction of a new database costs ~1 ms (signup).
  await db.batch(
    [
      ...entries.map(([key, value]) => ({
        sql: "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)",
        args: [key, value, now],
      })),
      ...optionListStatements(),
    ],
    "write",
  );
}

/** Adds the seed values of every option list; values already there are left alone. */
export async function seedOptionLists(db: Client): Promise<void> {
  await db.batch(optionListStatements(), "write");
}

function optionListStatements() {
  return OPTION_LISTS.flatMap((list) =>
    list.seed.map((value, position) => ({
      sql: `INSERT OR IGNORE INTO option_values (id, list, value, position) VALUES (?, ?, ?, ?)`,
      args: [newId(), list.key, value, position],
    }))
  );
}
