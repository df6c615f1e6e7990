/**
 * @module mail/language
 * The language a message is written in for whoever receives it: a member's saved choice
 * (Settings → Profile, i18n/user_language.ts), else the workspace's default (the language of its
 * locale in Settings → Company), else English. A customer or carrier is written to in its own
 * `language` field, else the workspace's default (`partyLanguage`). Mail has no request to read an
 * Accept-Language from: it is read later, elsewhere, often by someone else.
 */
import type { Executor } from "../db/transaction.ts";
import type { Services } from "../services.ts";
import { isLanguage, type Language, languageOf } from "../i18n/mod.ts";
import { savedLanguage } from "../i18n/user_language.ts";

/** The workspace's default language: its locale's language, English otherwise. */
export async function workspaceLanguage(db: Executor): Promise<Language> {
  const rs = await db.execute("SELECT value FROM settings WHERE key = 'locale'");
  return languageOf(rs.rows[0]?.value) ?? "en";
}

/** The workspace's default language by its id (borrows its database); English with no workspace. */
export async function tenantLanguage(
  services: Services,
  tenantId: string | null | undefined,
): Promise<Language> {
  if (!tenantId) return "en";
  const tenant = await services.registry.findById(tenantId);
  if (!tenant) return "en";
  const lease = services.pool.tryAcquire(tenantId) ??
    await services.pool.acquire(tenantId, tenant.dbUrl);
  try {
    return await workspaceLanguage(lease.db);
  } finally {
    lease.release();
  }
}

/**
 * The language of mail to a user: their saved language, else the workspace's default (`db` when
 * at hand, else looked up by `tenantId`), else English.
 */
export async function memberLanguage(
  services: Services,
  userId: string | null | undefined,
  workspace: { db?: Executor | null; tenantId?: string | null } = {},
): Promise<Language> {
  const saved = userId ? await savedLanguage(services.control, userId) : null;
  if (saved) return saved;
  if (workspace.db) return await workspaceLanguage(workspace.db);
  return await tenantLanguage(services, workspace.tenantId);
}

/** The language of mail to a customer or carrier: its own choice, else the workspace's default. */
export async function partyLanguage(
  db: Executor,
  party: { language?: unknown },
): Promise<Language> {
  return isLanguage(party.language) ? party.language : await workspaceLanguage(db);
}

/**
 * The language of mail to an address a workspace typed (a business alert rule's): the saved
 * language of the workspace's member with that e-mail, else the workspace's default.
 */
export async function addressLanguage(
  services: Services,
  tenantId: string,
  db: Executor,
  address: string,
): Promise<Language> {
  const rs = await services.control.execute({
    sql: `SELECT u.id FROM users u JOIN memberships m ON m.user_id = u.id
          WHERE m.tenant_id = ? AND lower(u.email) = lower(?) LIMIT 1`,
    args: [tenantId, address.trim()],
  });
  const userId = rs.rows[0]?.id;
  return await memberLanguage(services, userId ? String(userId) : null, { db });
}
