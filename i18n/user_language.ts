/**
 * @module i18n/user_language
 * The language a user chose in Settings → Profile, kept on the user (control database), so it
 * follows them into every workspace and onto the sign-in pages once they are signed in.
 */
import type { Client } from "../db/client.ts";
import { isLanguage, type Language } from "./format.ts";

/** The user's saved language, or null when they follow their browser. */
export async function savedLanguage(control: Client, userId: string): Promise<Language | null> {
  const rs = await control.execute({
    sql: "SELECT language FROM users WHERE id = ?",
    args: [userId],
  });
  const value = rs.rows[0]?.language;
  return isLanguage(value) ? value : null;
}

/** Saves the user's language; null goes back to following the browser. */
export async function saveLanguage(
  control: Client,
  userId: string,
  language: Language | null,
  now: Date,
): Promise<void> {
  await control.execute({
    sql: "UPDATE users SET language = ?, updated_at = ? WHERE id = ?",
    args: [language, now.toISOString(), userId],
  });
}
