/**
 * @module auth/sso
 * A workspace's single sign-on connection (OpenID Connect): the identity provider's issuer, the
 * client id and secret the workspace registered there, the e-mail domains allowed in, the role a
 * newcomer gets, and whether everyone but owners must sign in through it. Enterprise only (the
 * `sso` entitlement); the sign-in itself is auth/sso_sign_in.ts.
 *
 * The client secret is write-only: saved, used for the token request, never shown back (the
 * settings form leaves it blank to keep it). Issuers are https, or plain http on this machine's
 * loopback only (tests and development), so an identity provider's answers cannot be read or
 * changed on the way. The provider's discovery document and keys are cached per issuer
 * (auth/sso_discovery.ts).
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { mayUse } from "../billing/entitlements.ts";
import { InvalidError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { INVITABLE_ROLES, type Role } from "./roles.ts";
import { oidcCacheOf } from "./sso_discovery.ts";
import { checkUrlForm } from "../integrations/webhooks/destination.ts";

/** A saved connection, without its secret (what pages may show). */
export interface SsoConnection {
  issuer: string;
  clientId: string;
  allowedDomains: string[];
  defaultRole: typeof INVITABLE_ROLES[number];
  requireSso: boolean;
  updatedAt: string;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * Whether an issuer address may be used: https at a public address; with `allowPrivate`
 * (`SSO_ALLOW_PRIVATE_NETWORKS`: tests, a developer's machine) also private hosts and plain http
 * on loopback. Where its name resolves is checked at each request (auth/sso_fetch.ts).
 */
export function issuerAllowed(issuer: string, allowPrivate = false): boolean {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return false;
  }
  if (url.username || url.password || url.search || url.hash) return false;
  if (allowPrivate) {
    return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK.test(url.hostname));
  }
  try {
    checkUrlForm(issuer, false);
    return true;
  } catch {
    return false;
  }
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** The settings form: every field parsed here; a blank secret keeps the saved one. */
export const SsoFormSchema = z.object({
  // The form's shape here; whether this installation may reach it, in saveSsoConnection.
  issuer: z.string().trim().max(500).refine(
    (issuer) => issuerAllowed(issuer, true),
    "Enter the identity provider's issuer address, starting with https://.",
  ),
  client_id: z.string().trim().min(1, "Enter the client id.").max(300),
  client_secret: z.string().trim().max(1000).default(""),
  allowed_domains: z.string().max(2000).transform((
    v,
  ) => [...new Set(v.toLowerCase().split(/[\s,;]+/).filter(Boolean))]).pipe(
    z.array(z.string().regex(DOMAIN, "Each domain looks like example.com.")).min(
      1,
      "List at least one e-mail domain, such as example.com.",
    ).max(50),
  ),
  default_role: z.enum(INVITABLE_ROLES, "Choose admin, broker, accounting or viewer."),
  require_sso: z.enum(["on", "1", "true"]).optional().transform((v) => v !== undefined),
});
export type SsoForm = z.infer<typeof SsoFormSchema>;

function toConnection(row: Record<string, unknown>): SsoConnection {
  return {
    issuer: String(row.issuer),
    clientId: String(row.client_id),
    allowedDomains: JSON.parse(String(row.allowed_domains)) as string[],
    defaultRole: String(row.default_role) as SsoConnection["defaultRole"],
    requireSso: Number(row.require_sso) === 1,
    updatedAt: String(row.updated_at),
  };
}

/** The workspace's connection (without the secret), or null when it has none. */
export async function findSsoConnection(
  control: Client,
  tenantId: string,
): Promise<SsoConnection | null> {
  const rs = await control.execute({
    sql: `SELECT issuer, client_id, allowed_domains, default_role, require_sso, updated_at
          FROM sso_connections WHERE tenant_id = ?`,
    args: [tenantId],
  });
  return rs.rows[0] ? toConnection(rs.rows[0]) : null;
}

/** The connection with its secret, for the sign-in's token request only. */
export async function ssoCredentials(
  control: Client,
  tenantId: string,
): Promise<(SsoConnection & { clientSecret: string }) | null> {
  const rs = await control.execute({
    sql: "SELECT * FROM sso_connections WHERE tenant_id = ?",
    args: [tenantId],
  });
  const row = rs.rows[0];
  return row ? { ...toConnection(row), clientSecret: String(row.client_secret) } : null;
}

/**
 * Saves the connection after checking that the issuer answers its discovery document (so a typo
 * is caught here, not at the next sign-in). A blank secret keeps the saved one.
 */
export async function saveSsoConnection(
  services: Services,
  tenantId: string,
  form: SsoForm,
): Promise<SsoConnection> {
  const saved = await ssoCredentials(services.control, tenantId);
  const secret = form.client_secret || saved?.clientSecret || "";
  if (!secret) {
    const missing = "Enter the client secret.";
    throw new InvalidError(missing, { client_secret: [missing] }, 422);
  }
  if (!issuerAllowed(form.issuer, services.config.SSO_ALLOW_PRIVATE_NETWORKS)) {
    const outside = "Enter the identity provider's issuer address: https:// at an address on " +
      "the public internet, not a private or loopback one.";
    throw new InvalidError(outside, { issuer: [outside] }, 422);
  }
  try {
    // Fetched afresh (a corrected issuer must not wait for the cache) and cached for sign-ins.
    await oidcCacheOf(services).configuration(form.issuer, form.client_id, secret, true);
  } catch (err) {
    const problem = `The identity provider at ${form.issuer} did not answer its OpenID ` +
      `configuration (${(err as Error).message}). Check the issuer address.`;
    throw new InvalidError(problem, { issuer: [problem] }, 422);
  }
  const now = services.clock.now().toISOString();
  await services.control.execute({
    sql: `INSERT INTO sso_connections (tenant_id, issuer, client_id, client_secret, allowed_domains,
            default_role, require_sso, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (tenant_id) DO UPDATE SET issuer = excluded.issuer,
            client_id = excluded.client_id, client_secret = excluded.client_secret,
            allowed_domains = excluded.allowed_domains, default_role = excluded.default_role,
            require_sso = excluded.require_sso, updated_at = excluded.updated_at`,
    args: [
      tenantId,
      form.issuer,
      form.client_id,
      secret,
      JSON.stringify(form.allowed_domains),
      form.default_role,
      form.require_sso ? 1 : 0,
      now,
      now,
    ],
  });
  return (await findSsoConnection(services.control, tenantId))!;
}

/** Removes the workspace's connection (password sign-in works for everyone again). */
export async function removeSsoConnection(control: Client, tenantId: string): Promise<boolean> {
  const rs = await control.execute({
    sql: "DELETE FROM sso_connections WHERE tenant_id = ?",
    args: [tenantId],
  });
  return rs.rowsAffected > 0;
}

/**
 * Whether a member with `role` must sign in through the identity provider instead of with a
 * password or a passkey: the workspace requires it, still has single sign-on in its plan (a
 * workspace that lost it must not lock its members out), and the member is not an owner.
 */
export async function ssoRequiredFor(
  services: Services,
  tenantId: string,
  role: Role,
): Promise<boolean> {
  if (role === "owner") return false;
  const connection = await findSsoConnection(services.control, tenantId);
  if (!connection?.requireSso) return false;
  return (await mayUse(services, tenantId, "sso")).allowed;
}

export const SSO_REQUIRED_MESSAGE = "This workspace signs in through its identity provider. " +
  "Choose “Sign in with SSO”.";

/** Whether the login page offers "Sign in with SSO": a connection, and the plan includes it. */
export async function ssoOffered(services: Services, tenantId: string): Promise<boolean> {
  if (!(await findSsoConnection(services.control, tenantId))) return false;
  return (await mayUse(services, tenantId, "sso")).allowed;
}
