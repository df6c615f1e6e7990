/**
 * @module data_rights/secrets
 * What a workspace archive never carries: signing secrets and credentials. An export is handed
 * to people and kept on their disks for years; whoever holds one must not be able to sign a
 * customer-portal link, a webhook or an alert, nor use the workspace's payment keys.
 *
 * Every table of the tenant database was checked (API tokens, passwords, second factors and
 * single sign-on live in the control database, never in an export):
 *
 * - `portal_keys` (the portal link signing secrets): left out. A restore starts with none, and
 *   the first link signed makes a fresh key, so every link sent before the restore stops working.
 * - `idempotency_keys` (cached API answers, which may hold a secret shown once, e.g. a new
 *   webhook endpoint's): left out; they last a day and a restored workspace needs none.
 * - `webhook_endpoints.secret` (Standard Webhooks signing secrets): blanked; a restore gives each
 *   endpoint a fresh secret (Settings → Webhooks shows it; receivers must be told the new one).
 * - `business_alert_rules.secret` (an alert webhook's signing secret): blanked; a restore gives a
 *   rule that had one a fresh random one, so its calls stay signed until the owner sets a new one.
 * - `portal_settings` Stripe secret key and Stripe webhook secret (sealed, and their last four
 *   characters): blanked; they are entered again after a restore.
 * - `plugin_installations.settings`: the values of settings a plugin's manifest marks `secret`
 *   are left out (plugins/api/manifest.ts); the owner enters them again.
 *
 * Kept, because a restore needs them and they sign nothing: webhook endpoint and alert target
 * URLs (a Slack incoming-webhook URL is a capability: rotate it if an export leaks), the security
 * log's hash chain anchor (a checksum, not a key), and every business record.
 *
 * A restore applies the same rule to older archives that still hold any of these (`resetSecrets`).
 */
import type { Executor } from "../db/transaction.ts";

/** Tables whose rows never leave the workspace (the table is exported empty). */
export const LEFT_OUT_TABLES: ReadonlySet<string> = new Set(["portal_keys", "idempotency_keys"]);

/** Columns written as null (or "" where the column may not be null) in an export. */
const BLANKED: Readonly<Record<string, Readonly<Record<string, string | null>>>> = {
  webhook_endpoints: { secret: "" },
  // "" (not null): the restore knows the rule was signed and gives it a fresh secret.
  business_alert_rules: { secret: "" },
  portal_settings: {
    stripe_secret_sealed: null,
    stripe_secret_last4: null,
    webhook_secret_sealed: null,
    webhook_secret_last4: null,
  },
};

/** Names of plugin settings that hold secrets, from a stored manifest (JSON text). */
export function secretSettingKeys(manifest: unknown): string[] {
  try {
    const parsed = JSON.parse(String(manifest)) as { settings?: unknown };
    if (!Array.isArray(parsed.settings)) return [];
    return parsed.settings
      .filter((s): s is { key: string; secret: true } =>
        !!s && typeof s === "object" && (s as { secret?: unknown }).secret === true &&
        typeof (s as { key?: unknown }).key === "string"
      )
      .map((s) => s.key);
  } catch {
    return [];
  }
}

/** A plugin installation's settings JSON without the values of its secret settings. */
function withoutSecretSettings(manifest: unknown, settings: unknown): string {
  const keys = secretSettingKeys(manifest);
  let values: Record<string, unknown>;
  try {
    values = JSON.parse(String(settings)) as Record<string, unknown>;
  } catch {
    return "{}";
  }
  if (!values || typeof values !== "object" || Array.isArray(values)) return "{}";
  for (const key of keys) delete values[key];
  return JSON.stringify(values);
}

/**
 * The row as an export writes it: secret columns blanked (columns as read, before encoding).
 * Rows of `LEFT_OUT_TABLES` are not asked about: they are never read.
 */
export function redactRow(table: string, row: Record<string, unknown>): Record<string, unknown> {
  const blanked = BLANKED[table];
  if (blanked) {
    for (const [column, value] of Object.entries(blanked)) {
      if (column in row && row[column] !== null) row[column] = value;
    }
  }
  if (table === "plugin_installations" && "settings" in row) {
    row.settings = withoutSecretSettings(row.manifest, row.settings);
  }
  return row;
}

function randomBase64(bytes: number): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(bytes))));
}

async function tableExists(tx: Executor, name: string): Promise<boolean> {
  const rs = await tx.execute({
    sql: "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
    args: [name],
  });
  return rs.rows.length > 0;
}

/**
 * After a restore's rows are in (same transaction): no secret comes from the archive. Portal keys
 * and cached answers go (a fresh portal key is made on first use), every webhook endpoint and
 * signed alert rule gets a fresh secret, the Stripe keys are cleared, and secret plugin settings
 * are dropped.
 */
export async function resetSecrets(tx: Executor): Promise<void> {
  for (const table of LEFT_OUT_TABLES) {
    if (await tableExists(tx, table)) await tx.execute(`DELETE FROM ${table}`);
  }
  if (await tableExists(tx, "webhook_endpoints")) {
    const ids = (await tx.execute("SELECT id FROM webhook_endpoints")).rows.map((r) =>
      String(r.id)
    );
    for (const id of ids) {
      await tx.execute({
        sql: "UPDATE webhook_endpoints SET secret = ? WHERE id = ?",
        args: [`whsec_${randomBase64(32)}`, id],
      });
    }
  }
  if (await tableExists(tx, "business_alert_rules")) {
    const ids = (await tx.execute(
      "SELECT id FROM business_alert_rules WHERE secret IS NOT NULL",
    )).rows.map((r) => String(r.id));
    for (const id of ids) {
      await tx.execute({
        sql: "UPDATE business_alert_rules SET secret = ? WHERE id = ?",
        args: [randomBase64(32), id],
      });
    }
  }
  if (await tableExists(tx, "portal_settings")) {
    await tx.execute(
      `UPDATE portal_settings SET stripe_secret_sealed = NULL, stripe_secret_last4 = NULL,
         webhook_secret_sealed = NULL, webhook_secret_last4 = NULL`,
    );
  }
  if (await tableExists(tx, "plugin_installations")) {
    const rs = await tx.execute("SELECT name, manifest, settings FROM plugin_installations");
    for (const r of rs.rows) {
      const settings = withoutSecretSettings(r.manifest, r.settings);
      if (settings !== String(r.settings)) {
        await tx.execute({
          sql: "UPDATE plugin_installations SET settings = ? WHERE name = ?",
          args: [settings, String(r.name)],
        });
      }
    }
  }
}
