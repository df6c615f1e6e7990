/**
 * @module portal/settings
 * Settings → Payments: how long portal links last, and the tenant's own Stripe account (its
 * secret key and the signing secret of its webhook endpoint). The two secrets are sealed with a
 * key derived from the tenant's data key (AES-256-GCM, bound to the tenant and the field) and
 * stored as `v<data key version>.<nonce>.<ciphertext>`, so they are unreadable without the
 * tenant's key even in a copy of its database; a data key rotation leaves them readable (the
 * version names the key). Pages only ever see the last four characters.
 */
import { z } from "zod";
import type { Executor } from "../db/transaction.ts";
import type { TenantKeys } from "../crypto/tenant_keys.ts";
import { aesKey, deriveKey, fromBase64, toBase64 } from "../crypto/keys.ts";
import { DEFAULT_LINK_DAYS } from "./links.ts";

/** What the settings page shows: never a secret, only whether it is set and its last four. */
export interface PaymentSettings {
  linkDays: number;
  stripeSecretLast4: string | null;
  webhookSecretLast4: string | null;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** The tenant's Stripe account, unsealed for a call to Stripe or a webhook check. */
export interface TenantStripe {
  secretKey: string;
  webhookSecret: string;
}

/** The Settings → Payments form. Empty secret fields keep what is stored. */
export const PaymentSettingsSchema = z.strictObject({
  link_days: z.coerce.number().int("Give whole days.").min(1, "At least 1 day.").max(
    365,
    "At most 365 days.",
  ),
  stripe_secret_key: z.union([
    z.literal(""),
    z.string().trim().regex(
      /^(sk|rk)_(test|live)_[0-9A-Za-z]{8,200}$/,
      "A Stripe secret key starts with sk_live_ or sk_test_ (or a restricted rk_ key).",
    ),
  ]).default(""),
  stripe_webhook_secret: z.union([
    z.literal(""),
    z.string().trim().regex(
      /^whsec_[0-9A-Za-z]{8,200}$/,
      "A webhook signing secret starts with whsec_.",
    ),
  ]).default(""),
});

const FIELDS = { secret: "stripe-secret-key", webhook: "stripe-webhook-secret" } as const;

async function sealingKey(keys: TenantKeys, tenantId: string, version: number) {
  return await aesKey(await deriveKey(await keys.version(tenantId, version), "portal-stripe"));
}

async function seal(
  keys: TenantKeys,
  tenantId: string,
  field: string,
  secret: string,
): Promise<string> {
  const current = await keys.current(tenantId);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(`${tenantId} ${field}`) },
    await sealingKey(keys, tenantId, current.version),
    new TextEncoder().encode(secret),
  );
  return `v${current.version}.${toBase64(iv)}.${toBase64(new Uint8Array(sealed))}`;
}

async function unseal(
  keys: TenantKeys,
  tenantId: string,
  field: string,
  text: string,
): Promise<string> {
  const [version, iv, body] = text.split(".");
  const plain = await crypto.subtle.decrypt(
    {
      name: "AES-GCM",
      iv: fromBase64(iv ?? "") as BufferSource,
      additionalData: new TextEncoder().encode(`${tenantId} ${field}`),
    },
    await sealingKey(keys, tenantId, Number(version?.slice(1))),
    fromBase64(body ?? "") as BufferSource,
  );
  return new TextDecoder().decode(plain);
}

/** The tenant's payment settings as a page may show them. */
export async function paymentSettings(db: Executor): Promise<PaymentSettings> {
  const rs = await db.execute(
    `SELECT link_days, stripe_secret_last4, webhook_secret_last4, updated_at, updated_by
     FROM portal_settings WHERE id = 1`,
  );
  const row = rs.rows[0];
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    linkDays: row ? Number(row.link_days) : DEFAULT_LINK_DAYS,
    stripeSecretLast4: str(row?.stripe_secret_last4),
    webhookSecretLast4: str(row?.webhook_secret_last4),
    updatedAt: str(row?.updated_at),
    updatedBy: str(row?.updated_by),
  };
}

/** Saves the form: link days always, each secret only when a new one is given. */
export async function savePaymentSettings(
  db: Executor,
  keys: TenantKeys,
  tenantId: string,
  input: z.infer<typeof PaymentSettingsSchema>,
  by: { name: string; at: string },
): Promise<PaymentSettings> {
  const secret = input.stripe_secret_key
    ? { sealed: await seal(keys, tenantId, FIELDS.secret, input.stripe_secret_key) }
    : null;
  const webhook = input.stripe_webhook_secret
    ? { sealed: await seal(keys, tenantId, FIELDS.webhook, input.stripe_webhook_secret) }
    : null;
  await db.execute({
    sql: `INSERT INTO portal_settings (id, link_days, updated_at, updated_by) VALUES (1, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET link_days = excluded.link_days,
            updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    args: [input.link_days, by.at, by.name],
  });
  if (secret) {
    await db.execute({
      sql:
        "UPDATE portal_settings SET stripe_secret_sealed = ?, stripe_secret_last4 = ? WHERE id = 1",
      args: [secret.sealed, input.stripe_secret_key.slice(-4)],
    });
  }
  if (webhook) {
    await db.execute({
      sql:
        "UPDATE portal_settings SET webhook_secret_sealed = ?, webhook_secret_last4 = ? WHERE id = 1",
      args: [webhook.sealed, input.stripe_webhook_secret.slice(-4)],
    });
  }
  return await paymentSettings(db);
}

/** Forgets the tenant's Stripe account: the portal goes back to "how to pay" without a button. */
export async function removeStripeAccount(db: Executor, by: { name: string; at: string }) {
  await db.execute({
    sql: `UPDATE portal_settings SET stripe_secret_sealed = NULL, stripe_secret_last4 = NULL,
            webhook_secret_sealed = NULL, webhook_secret_last4 = NULL, updated_at = ?,
            updated_by = ? WHERE id = 1`,
    args: [by.at, by.name],
  });
}

/** The tenant's Stripe account when both secrets are stored; null means card payments are off. */
export async function tenantStripe(
  db: Executor,
  keys: TenantKeys,
  tenantId: string,
): Promise<TenantStripe | null> {
  const rs = await db.execute(
    "SELECT stripe_secret_sealed, webhook_secret_sealed FROM portal_settings WHERE id = 1",
  );
  const row = rs.rows[0];
  if (!row?.stripe_secret_sealed || !row.webhook_secret_sealed) return null;
  try {
    return {
      secretKey: await unseal(keys, tenantId, FIELDS.secret, String(row.stripe_secret_sealed)),
      webhookSecret: await unseal(
        keys,
        tenantId,
        FIELDS.webhook,
        String(row.webhook_secret_sealed),
      ),
    };
  } catch {
    // Sealed for another workspace (restored from an export) or under a key since destroyed:
    // card payments stay off until an owner enters the keys again.
    return null;
  }
}
