/**
 * @module tenants/demo_data
 * Sample business data for the demo workspace. Each domain module adds its part here as it lands.
 */
import type { Client } from "../db/client.ts";

/** Fills a fresh demo tenant database with sample data. */
export async function seedDemoData(db: Client, _opts: { ownerId: string }): Promise<void> {
  await db.execute({
    sql: "INSERT OR REPLACE INTO settings (key, value, updated_at) VALUES ('demo', 'true', ?)",
    args: [new Date().toISOString()],
  });
}
