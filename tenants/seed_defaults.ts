/**
 * @module tenants/seed_defaults
 * The settings every new tenant database starts with. Business option lists are seeded by the
 * domain modules' own migrations.
 */
import type { Client } from "../db/client.ts";

export const DEFAULT_SETTINGS = {
  currency: "USD",
  locale: "en-US",
  time_zone: "America/Chicago",
  weight_unit: "LB",
} as const;

/** Writes the company name and default settings into a new tenant database. */
export async function seedTenantDefaults(db: Client, opts: { companyName: string }): Promise<void> {
  const now = new Date().toISOString();
  const entries: Array<[string, string]> = [
    ["company_name", opts.companyName],
    ...Object.entries(DEFAULT_SETTINGS),
  ];
  await db.batch(
    entries.map(([key, value]) => ({
      sql: "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES (?, ?, ?)",
      args: [key, value, now],
    })),
    "write",
  );
}
