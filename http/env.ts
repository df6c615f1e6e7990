/**
 * @module http/env
 * The typed variables every request carries through Hono. Route handlers read the tenant only
 * from here: there is no other way to reach a tenant database.
 *
 * Read them with `c.get("name")`, not `c.var.name`: Hono's `c.var` copies every variable into a
 * new object on each access (measured at 10% of an authenticated API request).
 */
import type { Context } from "hono";
import type { Client } from "../db/client.ts";
import type { Role } from "../auth/roles.ts";
import type { Services } from "../services.ts";
import { AppError } from "../domain/errors.ts";
import type { TenantBilling } from "../billing/entitlements.ts";
import type { VersionedConfiguration } from "../customization/document/store.ts";
import type { WaitingApprovals } from "../customization/approvals_menu.ts";
import type { Language } from "../i18n/format.ts";

/** The tenant a request is for, with its database borrowed from the pool for this request. */
export interface TenantContext {
  id: string;
  slug: string;
  name: string;
  db: Client;
  /** IANA time zone of the tenant's business day. */
  timeZone: string;
  /** The tenant's business day (YYYY-MM-DD) when the request arrived, by the clock in Services. */
  today: string;
  /** While the owner's deletion is pending: when the purge may run (data_rights/deletion.ts). */
  purgeAfter?: string | null;
}

/** Who is calling: a signed-in user (session cookie) or an API token. */
export interface Principal {
  userId: string;
  email: string;
  name: string;
  emailVerified: boolean;
  /** The account has a second factor (auth/second_factor.ts). */
  secondFactor: boolean;
  /** Role in the current tenant; null on the bare domain. */
  role: Role | null;
  via: "session" | "token";
  /** Raw session token, to log out or keep this session on password change. */
  sessionToken?: string;
  /** A scoped API token's scopes (auth/scopes.ts); null or absent: no scopes narrow the role. */
  scopes?: readonly string[] | null;
  /** A session's other workspaces, for the user menu's switcher (auth/workspace_switch.ts). */
  otherWorkspaces?: ReadonlyArray<{ tenantId: string; name: string }>;
}

export type AppEnv = {
  Bindings: { remoteAddr?: { hostname?: string } } | undefined;
  Variables: {
    services: Services;
    requestId: string;
    /** The caller's IP, once `clientIp` has read it. */
    clientIp: string | undefined;
    nonce: string;
    site: "apex" | "tenant";
    tenant: TenantContext | undefined;
    /**
     * The workspace the Host names, set as soon as it is known: a request refused or failed
     * before its database was lent (suspended, rate-limited, database down) still counts for it.
     */
    tenantSlug: string | undefined;
    auth: Principal | undefined;
    /** The token forms must echo in `_csrf` (session-bound, or the pre-session cookie). */
    csrfToken: string;
    /** The tenant's plan, access mode and entitlements (set by billing/middleware.ts). */
    billing: TenantBilling | undefined;
    /** The tenant's configuration on its pages (customization/middleware.ts). */
    configuration: VersionedConfiguration | undefined;
    /** Pending approvals by role, on pages of a workspace with approval rules (navigation). */
    approvalsWaiting: WaitingApprovals[] | undefined;
    /** The language pages are written in (i18n/middleware.ts). */
    language: Language | undefined;
  };
};

export type AppContext = Context<AppEnv>;

/** The resolved tenant; throws on the bare domain (a route mounted in the wrong place). */
export function tenantOf(c: AppContext): TenantContext {
  const tenant = c.get("tenant");
  if (!tenant) throw new AppError("not_found", 404, "This page exists only in a workspace.");
  return tenant;
}

/** The signed-in principal; throws 401 when there is none. */
export function principalOf(c: AppContext): Principal {
  const auth = c.get("auth");
  if (!auth) throw new AppError("unauthorized", 401, "Sign in to continue.");
  return auth;
}

/**
 * The caller's IP: the socket peer, or Fly's client header when TRUST_PROXY is set. Read once per
 * request and kept on it (the runtime asks the socket each time `remoteAddr` is read).
 */
export function clientIp(c: AppContext): string {
  let ip = c.get("clientIp");
  if (ip === undefined) c.set("clientIp", ip = readClientIp(c));
  return ip;
}

function readClientIp(c: AppContext): string {
  if (c.get("services").config.TRUST_PROXY) {
    // Fly's proxy sets this header and replaces any the client sent. X-Forwarded-For is not read:
    // its first entry is whatever the client wrote, so a caller that came around the proxy would
    // pick a new address (a fresh rate limit, sign-in throttle, token allow-list) per request.
    const forwarded = c.req.header("fly-client-ip");
    if (forwarded) return forwarded.split(",")[0]!.trim();
  }
  return c.env?.remoteAddr?.hostname ?? "unknown";
}

/** True when the client wants JSON (API paths, or an Accept header preferring JSON). */
export function wantsJson(c: AppContext): boolean {
  const path = c.req.path;
  if (path.startsWith("/api/") || path.startsWith("/webhooks/")) return true;
  const accept = c.req.header("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}
