/**
 * @module tenants/domains
 * A workspace's own domains (`portal.acmefoods.com`), managed by its owners and admins.
 *
 * A domain is claimed first and served only after its owner proves control of the DNS name: a TXT
 * record `_projectmeats.<domain>` holding the claim's token. Without that step anyone could claim
 * someone else's domain and hold it. Pointing the name at the app (a CNAME to the workspace's
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

function toDomain(row: Record<string, unknown>): TenantDomain {
  const domain = String(row.domain);
  return {
    domain,
    verified: row.verified_at !== null,
    created_at: String(row.created_at),
    verified_at: row.verified_at === null ? null : String(row.verified_at),
    txt_name: `${CHALLENGE_PREFIX}.${domain}`,
    txt_value: `${TOKEN_PREFIX}${row.verify_token ?? ""}`,
  };
}

/** A tenant's domains, verified first. */
export async function listDomains(control: Client, tenantId: string): Promise<TenantDomain[]> {
  const rs = await control.execute({
    sql: `SELECT domain, created_at, verified_at, verify_token FROM tenant_domains
          WHERE tenant_id = ? ORDER BY verified_at IS NULL, domain`,
    args: [tenantId],
  });
  return rs.rows.map(toDomain);
}

async function findDomain(control: Client, tenantId: string, domain: string) {
  const rs = await control.execute({
    sql: `SELECT domain, tenant_id, created_at, verified_at, verify_token FROM tenant_domains
          WHERE domain = ?`,
    args: [domain],
  });
  const row = rs.rows[0];
  return row && String(row.tenant_id) === tenantId ? toDomain(row) : row ? "taken" : null;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => (c === "+" ? "-" : "_"))
    .replace(/_+$/, "");
}

/** Claims a domain for a tenant (unverified, not served yet); the same claim again is a no-op. */
export async function claimDomain(
  control: Client,
  tenantId: string,
  domain: string,
): Promise<TenantDomain> {
  const existing = await findDomain(control, tenantId, domain);
  if (existing === "taken") {
    throw new ConflictError(`${domain} is already used by another workspace.`);
  }
  if (existing) return existing;
  const rs = await control.execute({
    sql: `INSERT INTO tenant_domains (domain, tenant_id, created_at, verify_token)
          VALUES (?, ?, ?, ?) ON CONFLICT (domain) DO NOTHING`,
    args: [domain, tenantId, new Date().toISOString(), randomToken()],
  });
  if (rs.rowsAffected === 0) {
    throw new ConflictError(`${domain} is already used by another workspace.`);
  }
  return (await findDomain(control, tenantId, domain)) as TenantDomain;
}

/** Checks the TXT record and, when it holds the token, starts serving the domain. */
export async function verifyDomain(
  deps: { control: Client; registry: TenantRegistry; resolveTxt: TxtResolver },
  tenantId: string,
  domain: string,
): Promise<TenantDomain> {
  const found = await findDomain(deps.control, tenantId, domain);
  if (!found || found === "taken") throw new NotFoundError(`${domain} is not one of your domains.`);
  if (found.verified) return found;
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
  await deps.control.execute({
    sql: "UPDATE tenant_domains SET verified_at = ? WHERE domain = ? AND tenant_id = ?",
    args: [new Date().toISOString(), domain, tenantId],
  });
  deps.registry.invalidate();
  return (await findDomain(deps.control, tenantId, domain)) as TenantDomain;
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
