/**
 * @module domain/preferences
 * Per-user preferences kept in the tenant database (which list columns a user chose).
 */
import type { Executor } from "../db/transaction.ts";

export async function getPreference(db: Executor, userId: string, key: string) {
  const rs = await db.execute({
    sql: "SELECT value FROM user_preferences WHERE user_id = ? AND key = ?",
    args: [userId, key],
  });
  const value = rs.rows[0]?.value;
  return value === undefined ? null : String(value);
}

export async function setPreference(db: Executor, userId: string, key: string, value: string) {
  await db.execute({
    sql: `INSERT INTO user_preferences (user_id, key, value) VALUES (?, ?, ?)
          ON CONFLICT(user_id, key) DO UPDATE SET value = excluded.value`,
    args: [userId, key, value],
  });
}
