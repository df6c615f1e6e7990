/**
 * @module auth/middleware
 * Finds who is calling (session cookie or bearer API token), checks CSRF on cookie-authenticated
 * writes and forms (in the same layer, to keep the middleware chain short), and offers `requireAuth` / `requirePermission` guards for routes.
 */
import type { MiddlewareHandler, Next } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomToken } from "../db/ids.ts";
import { verifyCsrf } from "./csrf.ts";
import { ForbiddenError, NotFoundError, UnauthorizedError } from "../domain/errors.ts";
import { type AppContext, type AppEnv, clientIp, type Principal } from "../http/env.ts";
import { findApiToken } from "./api_tokens.ts";
import { tokenRefusal } from "./scopes.ts";
import { recordSecurityEvent } from "../security/events.ts";
import { can, type Permission } from "./roles.ts";
import { findSession, SESSION_COOKIE } from "./sessions.ts";
import { findMember, findUserById, type User } from "./users.ts";
import { secondFactorStatus } from "./second_factor.ts";
import { operatorAccess } from "./operators.ts";
import { otherWorkspaces } from "./workspace_switch.ts";
import type { CachedPrincipal } from "./principal_cache.ts";

async function fromUser(c: AppContext, user: User) {
  const factor = await secondFactorStatus(
    c.get("services").control,
    user.id,
    c.get("tenant")?.id ?? null,
  );
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerifiedAt !== null,
    secondFactor: factor.enrolled,
    mustEnrolSecondFactor: factor.required && !factor.enrolled,
  };
}

/** Where a member who must enrol a second factor may still go (the enrolment and signing out). */
export const ENROLMENT_PATHS = [
  "/settings/profile/second-factor",
  "/logout",
  "/api/v1/auth/logout",
  "/api/v1/me",
  "/api/v1/auth/csrf",
];

/**
 * The workspace requires a second factor and this member has none: pages send them to enrol,
 * API calls are refused, until they have one. Returns the response to send, if any.
 */
function enrolmentFirst(c: AppContext, mustEnrol: boolean): Response | undefined {
  if (!mustEnrol) return undefined;
  const path = c.req.path;
  if (ENROLMENT_PATHS.some((p) => path === p || path.startsWith(`${p}/`))) return undefined;
  if (path.startsWith("/api/")) {
    throw new ForbiddenError(
      "This workspace requires a second factor. Set up an authenticator app in Settings → " +
        "Profile, then try again.",
      { reason: "second_factor_enrollment_required" },
    );
  }
  return c.redirect("/settings/profile/second-factor", 303);
}

export const CSRF_COOKIE = "pm_csrf";

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The principal a request sees for a cached credential (the cached one with how it came: token
 * or session), made once per cache entry rather than copied on every request: the cache entry is
 * replaced whenever it is cleared or expires, and no code changes a request's principal.
 */
const requestPrincipals = new WeakMap<CachedPrincipal, Principal>();

function requestPrincipal(cached: CachedPrincipal, make: () => Principal): Principal {
  let principal = requestPrincipals.get(cached);
  if (!principal) requestPrincipals.set(cached, principal = make());
  return principal;
}

/** Loads the principal for this request, if any, and the CSRF token forms must carry. */
export function authenticate(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    c.set("auth", undefined);
    const authorization = c.req.header("authorization");
    if (!authorization) return withoutBearer(c, next);
    const tenant = c.get("tenant");
    const match = BEARER.exec(authorization);
    if (!match || !tenant) throw tokenUnknown();
    // A plain function while the token's principal is cached (nearly every call): no promise.
    const key = `t:${tenant.id}:${match[1]}`;
    const principal = c.get("services").authCache.get(key);
    return principal
      ? withBearer(c, next, principal)
      : bearerFromDatabase(c, next, tenant.id, match[1]!, key);
  };
}

function tokenUnknown(): UnauthorizedError {
  return new UnauthorizedError(
    "The API token is missing, revoked, or belongs to another workspace.",
  );
}

/** Looks the token up in the control database, caches its principal, then admits the call. */
async function bearerFromDatabase(
  c: AppContext,
  next: Next,
  tenantId: string,
  token: string,
  key: string,
): Promise<void> {
  const { control, authCache } = c.get("services");
  const mark = authCache.mark();
  const found = await findApiToken(control, token, tenantId);
  const member = found ? await findMember(control, tenantId, found.userId) : null;
  if (!member) throw tokenUnknown();
  const { scopes, allowedIps, name: tokenName } = found!;
  const principal: CachedPrincipal = {
    ...await fromUser(c, member.user),
    role: member.role,
    csrfToken: "",
    token: { scopes, allowedIps, name: tokenName },
  };
  authCache.set(key, principal, mark);
  await withBearer(c, next, principal);
}

/** Admits a call made with an API token (its scopes, allow-list and second factor checked). */
function withBearer(c: AppContext, next: Next, principal: CachedPrincipal): Promise<void> {
  c.set(
    "auth",
    requestPrincipal(principal, () => ({
      ...principal,
      via: "token",
      scopes: principal.token?.scopes ?? null,
    })),
  );
  c.set("csrfToken", "");
  // Scopes and the IP allow-list (auth/scopes.ts), checked here for every API family.
  const token = principal.token;
  if (token) {
    const call = { method: c.req.method, path: c.req.path, ip: clientIp(c) };
    const refusal = tokenRefusal(token, principal.role, call);
    if (refusal) return refuseToken(c, refusal, token.name, call);
  }
  enrolmentFirst(c, principal.mustEnrolSecondFactor);
  return next(); // bearer calls carry no ambient credentials: no CSRF check
}

/** Refuses a token's call, noting one from an address off its allow-list as a security event. */
async function refuseToken(
  c: AppContext,
  refusal: ForbiddenError,
  tokenName: string,
  call: { method: string; path: string },
): Promise<never> {
  const { reason } = refusal.details as { reason: string };
  if (reason === "ip_not_allowed") {
    await recordSecurityEvent(c, {
      action: "api_token.refused_ip",
      target: tokenName,
      details: { method: call.method, path: call.path },
    });
  }
  throw refusal;
}

/** A session cookie's principal, or none (then the pre-session CSRF cookie). */
async function withoutBearer(c: AppContext, next: Next): Promise<void> {
  const { control, config, authCache } = c.get("services");
  const tenant = c.get("tenant");

  const sessionToken = getCookie(c, SESSION_COOKIE);
  if (sessionToken) {
    const key = `s:${tenant?.id ?? ""}:${sessionToken}`;
    let principal = authCache.get(key);
    if (!principal) {
      const mark = authCache.mark();
      const session = await findSession(control, sessionToken, tenant?.id ?? null);
      if (session) {
        const member = tenant ? await findMember(control, tenant.id, session.userId) : null;
        const user = member?.user ??
          (tenant ? null : await findUserById(control, session.userId));
        if (user) {
          principal = {
            ...await fromUser(c, user),
            // A passkey (both factors) or single sign-on satisfies a second-factor policy.
            ...(session.signInMethod ? { mustEnrolSecondFactor: false } : {}),
            role: member?.role ?? null,
            csrfToken: session.csrfToken,
            ...(tenant
              ? { otherWorkspaces: await otherWorkspaces(control, user.id, tenant.id) }
              : {}),
          };
          authCache.set(key, principal, mark);
        }
      }
    }
    if (principal) {
      const cached = principal;
      c.set(
        "auth",
        requestPrincipal(cached, () => ({ ...cached, via: "session", sessionToken })),
      );
      c.set("csrfToken", principal.csrfToken);
      await verifyCsrf(c);
      const detour = enrolmentFirst(c, principal.mustEnrolSecondFactor);
      // Set, not returned: http/chain.ts runs this layer and ignores what it returns.
      if (detour) return void (c.res = detour);
      return await next();
    }
  }

  // No session: forms still need a CSRF token, bound to a host-only cookie (double submit).
  let preSession = getCookie(c, CSRF_COOKIE);
  if (!preSession || !/^[\w-]{20,64}$/.test(preSession)) {
    preSession = randomToken(24);
    setCookie(c, CSRF_COOKIE, preSession, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      secure: config.secureCookies,
    });
  }
  c.set("csrfToken", preSession);
  await verifyCsrf(c);
  await next();
}

/** Requires a signed-in principal (and, on a tenant, a membership). */
export function requireAuth(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!c.get("auth")) throw new UnauthorizedError();
    await next();
  };
}

/** Requires a role in the current tenant that grants `permission`. */
export function requirePermission(permission: Permission): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const auth = c.get("auth");
    if (!auth) throw new UnauthorizedError();
    if (!auth.role || !can(auth.role, permission)) throw new ForbiddenError();
    await next();
  };
}

/** The bare app domain, signed in with a confirmed address in OPERATOR_EMAILS and a second factor. */
export function operatorOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get("site") !== "apex") throw new NotFoundError("There is no page at this address.");
    const auth = c.get("auth");
    if (!auth) {
      return c.redirect(`/login?next=${encodeURIComponent(new URL(c.req.url).pathname)}`, 303);
    }
    const access = operatorAccess(c.get("services").config, auth);
    if (access === "unverified") {
      throw new ForbiddenError(
        "Confirm your e-mail address with the link we sent you before using the operator pages.",
      );
    }
    if (access === "no_second_factor") {
      throw new ForbiddenError(
        "Operator pages need two-step sign-in on your account. Set it up in Settings → Profile " +
          "of one of your workspaces, then sign out and sign in again here.",
      );
    }
    if (access !== "granted") {
      throw new ForbiddenError("Only the service's operators may see this page.");
    }
    await next();
  };
}
