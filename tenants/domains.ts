/**
 * @module tenants/domains
 * A workspace's own domains (`portal.acmefoods.com`), managed by its owners and admins.
 *
 * A domain is claimed first and served only after its owner proves control of the DNS name: a TXT
 * record `_projectmeats.<domain>` holding the claim's token. Without that step anyone could claim
 * someone else's domain and hold it. For the same reason a claim alone holds nothing: several
 * workspaces may claim a name, the first to prove the DNS gets it (the other claims are dropped),
 * and an unverified claim expires after 7 days. Pointing the name at the app (a CNAME to the workspace's
 * subdomain) is the owner's part; the app shows both records to create.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { ConflictError, InvalidError, NotFoundError } from "../domain/errors.ts";
import type { TenantRegistry } from "./registry.ts";

/** Reads TXT records (Deno.resolveDns in production; tests pass their own). */
export type TxtResolver = (name: string) => Promise<string[]>;

export const systemTxtResolver: TxtResolver = async (name) => {
  try {
    return (await Deno.resolveDns(name, "TXT")).map((parts) => parts.join(""));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return [];
    throw err;
  }
};

export const CHALLENGE_PREFIX = "_projectmeats";
const TOKEN_PREFIX = "projectmeats-verify=";

export interface TenantDomain {
  domain: string;
  verified: boolean;
  created_at: string;
  verified_at: string | null;
  /** When an unverified claim lapses (null once verified). */
  expires_at: string | null;
  /** The TXT record that proves control. */
  txt_name: string;
  txt_value: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/** A domain name as typed ("https://Portal.AcmeFoods.com/" -> "portal.acmefoods.com"). */
export function domainSchema(appDomain: string) {
  const apex = appDomain.toLowerCase();
  return z.string().trim().toLowerCase()
    .transform((v) => v.replace(/^https?:\/\//, "").replace(/\/.*$/, "").replace(/\.$/, ""))
    .pipe(
      z.string()
        .max(253, "A domain name has at most 253 characters.")
        .refine((v) => v.includes(".") && v.split(".").every((l) => LABEL.test(l)), {
          message: "Enter a domain name such as portal.acmefoods.com.",
        })
        .refine((v) => !/^[0-9.]+$/.test(v), { message: "Use a domain name, not an IP address." })
        .refine((v) => v !== apex && !v.endsWith(`.${apex}`), {
          message: `Addresses under ${apex} are the app's own.`,
        }),
    );
}

/** Days an unverified claim lives; after that it is gone and the name free to claim again. */
export const CLAIM_TTL_DAYS = 7;
const CLAIM_TTL_MS = CLAIM_TTL_DAYS * 86_400_000;

/** Claims created at or before this instant have expired (unless verified). */
function expiryCutoff(now: Date): string {
  return new Date(now.getTime() - CLAIM_TTL_MS).toISOString();
}

function toDomain(row: Record<string, unknown>): TenantDomain {
  const domain = String(row.domain);
  const verified = row.verified_at !== null;
  const created = String(row.created_at);
  return {
    domain,
    verified,
    created_at: created,
    verified_at: verified ? String(row.verified_at) : null,
    expires_at: verified ? null : new Date(Date.parse(created) + CLAIM_TTL_MS).toISOString(),
    txt_name: `${CHALLENGE_PREFIX}.${domain}`,
    txt_value: `${TOKEN_PREFIX}${row.verify_token ?? ""}`,
  };
}

/** A tenant's domains (verified ones and unexpired claims), verified first. */
export async function listDomains(
  control: Client,
  tenantId: string,
  now = new Date(),
): Promise<TenantDomain[]> {
  const rs = await control.execute({
    sql: `SELECT domain, created_at, verified_at, verify_token FROM tenant_domains
          WHERE tenant_id = ? AND (verified_at IS NOT NULL OR created_at > ?)
          ORDER BY verified_at IS NULL, domain`,
    args: [tenantId, expiryCutoff(now)],
  });
  return rs.rows.map(toDomain);
}

/** This tenant's live claim of a domain (verified, or unverified and not expired). */
async function ownClaim(
  control: Client,
  tenantId: string,
  domain: string,
  now: Date,
): Promise<TenantDomain | null> {
  const rs = await control.execute({
    sql: `SELECT domain, created_at, verified_at, verify_token FROM tenant_domains
          WHERE domain = ? AND tenant_id = ? AND (verified_at IS NOT NULL OR created_at > ?)`,
    args: [domain, tenantId, expiryCutoff(now)],
  });
  return rs.rows[0] ? toDomain(rs.rows[0]) : null;
}

/** True when another workspace holds the domain verified. */
async function verifiedElsewhere(control: Client, tenantId: string, domain: string) {
  const rs = await control.execute({
    sql: `SELECT 1 FROM tenant_domains
          WHERE domain = ? AND tenant_id <> ? AND verified_at IS NOT NULL`,
    args: [domain, tenantId],
  });
  return rs.rows.length > 0;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => (c === "+" ? "-" : "_"))
    .replace(/_+$/, "");
}

const taken = (domain: string) =>
  new ConflictError(`${domain} is already used by another workspace.`);

/**
 * Claims a domain for a tenant (unverified, not served yet); the same claim again is a no-op.
 * Other workspaces' unverified claims do not block it: whoever proves the DNS first holds it.
 */
export async function claimDomain(
  control: Client,
  tenantId: string,
  domain: string,
  now = new Date(),
): Promise<TenantDomain> {
  if (await verifiedElsewhere(control, tenantId, domain)) throw taken(domain);
  const existing = await ownClaim(control, tenantId, domain, now);
  if (existing) return existing;
  await control.batch([
    // Expired claims of this name, this tenant's own included, make room for a fresh one.
    {
      sql: `DELETE FROM tenant_domains
            WHERE domain = ? AND verified_at IS NULL AND created_at <= ?`,
      args: [domain, expiryCutoff(now)],
    },
    {
      sql: `INSERT INTO tenant_domains (domain, tenant_id, created_at, verify_token)
            VALUES (?, ?, ?, ?) ON CONFLICT (domain, tenant_id) DO NOTHING`,
      args: [domain, tenantId, now.toISOString(), randomToken()],
    },
  ], "write");
  const claimed = await ownClaim(control, tenantId, domain, now);
  if (!claimed) throw taken(domain);
  return claimed;
}

/**
 * Checks the TXT record and, when it holds this claim's token, starts serving the domain for
 * this tenant and drops every other workspace's unverified claim of it.
 */
export async function verifyDomain(
  deps: { control: Client; registry: TenantRegistry; resolveTxt: TxtResolver },
  tenantId: string,
  domain: string,
  now = new Date(),
): Promise<TenantDomain> {
  const found = await ownClaim(deps.control, tenantId, domain, now);
  if (!found) {
    throw new NotFoundError(
      `${domain} is not one of your domains (an unverified claim expires after ${CLAIM_TTL_DAYS} days; add it again).`,
    );
  }
  if (found.verified) return found;
  if (await verifiedElsewhere(deps.control, tenantId, domain)) throw taken(domain);
  let records: string[];
  try {
    records = await deps.resolveTxt(found.txt_name);
  } catch {
    throw new InvalidError(
      `The DNS lookup of ${found.txt_name} failed. Try again in a few minutes.`,
      { domain: ["DNS lookup failed."] },
      422,
    );
  }
  if (!records.some((r) => r.trim() === found.txt_value)) {
    throw new InvalidError(
      `No TXT record ${found.txt_name} with the value ${found.txt_value} was found yet. ` +
        "DNS changes can take a while to spread; try again once it is published.",
      { domain: ["TXT record not found."] },
      422,
    );
  }
  try {
    await deps.control.batch([
      {
        sql: `UPDATE tenant_domains SET verified_at = ? WHERE domain = ? AND tenant_id = ?
              AND NOT EXISTS (SELECT 1 FROM tenant_domains
                              WHERE domain = ? AND verified_at IS NOT NULL)`,
        args: [now.toISOString(), domain, tenantId, domain],
      },
      {
        sql: `DELETE FROM tenant_domains
              WHERE domain = ? AND tenant_id <> ? AND verified_at IS NULL
              AND EXISTS (SELECT 1 FROM tenant_domains
                          WHERE domain = ? AND tenant_id = ? AND verified_at IS NOT NULL)`,
        args: [domain, tenantId, domain, tenantId],
      },
    ], "write");
  } catch (err) {
    // The unique index on verified domains: another workspace verified it a moment earlier.
    if (String(err).includes("UNIQUE")) throw taken(domain);
    throw err;
  }
  deps.registry.invalidate();
  const result = await ownClaim(deps.control, tenantId, domain, now);
  if (!result?.verified) throw taken(domain);
  return result;
}

/** Stops serving and forgets a tenant's domain. */
export async function removeDomain(
  deps: { control: Client; registry: TenantRegistry },
  tenantId: string,
  domain: string,
): Promise<void> {
  const rs = await deps.control.execute({
    sql: "DELETE FROM tenant_domains WHERE domain = ? AND tenant_id = ?",
    args: [domain, tenantId],
  });
  if (rs.rowsAffected === 0) throw new NotFoundError(`${domain} is not one of your domains.`);
  deps.registry.invalidate();
}
