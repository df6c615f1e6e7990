/**
 * @module auth/sso_sign_in
 * Signing in through a workspace's identity provider (OpenID Connect, npm openid-client): the
 * authorization code flow with PKCE, state and nonce.
 *
 * - Start: a random handle goes to the browser in a cookie; the state, the nonce and the PKCE
 *   verifier stay in `sso_sign_ins` under the handle's hash, for ten minutes and one use.
 * - Finish: the handle's row is taken (deleted) first, so a callback is used at most once;
 *   openid-client then checks the callback's state, exchanges the code with the verifier, and
 *   checks the id_token's issuer, audience, expiry and nonce; its signature is checked against the
 *   provider's key set (auth/sso_discovery.ts, which caches that set and the discovery document per
 *   issuer). The e-mail claim must be verified and in one of the workspace's domains.
 * - Just-in-time membership: an address no account uses yet gets a new account (no usable password,
 *   the address confirmed by this provider) that becomes a member with the connection's default
 *   role; an existing member keeps their role. An existing account that is not a member here is
 *   refused (`not_a_member`: it must be invited and accept first), and an existing account's
 *   address is never marked confirmed on the provider's word. A refusal at any step writes no
 *   user, membership or session.
 * - The session made is marked `sso` (auth/sessions.ts): it opens this workspace only. The
 *   workspace switcher sends it to the other workspace's sign-in page (routes/auth/handoff.ts).
 *
 * The id_token's times are checked by openid-client against the machine's clock, not the app's
 * (`Services.clock`): they are the identity provider's real instants. The handle's ten minutes are
 * the app's clock.
 */
import * as oidc from "openid-client";
import { newId, randomToken, sha256Hex } from "../db/ids.ts";
import { AppError, ForbiddenError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { entitlementError } from "../billing/errors.ts";
import { mayUse } from "../billing/entitlements.ts";
import type { Role } from "./roles.ts";
import { ssoCredentials } from "./sso.ts";
import { oidcCacheOf } from "./sso_discovery.ts";
import { findUserByEmail, membershipRole } from "./users.ts";

const SIGN_IN_TTL_MS = 10 * 60 * 1000;
export const SSO_COOKIE = "pm_sso";

/** A refused single sign-on: 403 with the reason (the page shows it; nothing was written). */
export class SsoRefusedError extends ForbiddenError {
  constructor(reason: string, message: string) {
    super(message, { reason });
  }
}

/** Throws 402 unless the workspace's plan includes single sign-on. */
export async function assertSsoInPlan(services: Services, tenantId: string): Promise<void> {
  const decision = await mayUse(services, tenantId, "sso");
  if (!decision.allowed) throw entitlementError(decision);
}

async function connectionOf(services: Services, tenantId: string) {
  await assertSsoInPlan(services, tenantId);
  const connection = await ssoCredentials(services.control, tenantId);
  if (!connection) {
    throw new SsoRefusedError("not_configured", "This workspace has no single sign-on set up.");
  }
  let config: oidc.Configuration;
  try {
    config = await oidcCacheOf(services).configuration(
      connection.issuer,
      connection.clientId,
      connection.clientSecret,
    );
  } catch (err) {
    oidcCacheOf(services).forget(connection.issuer);
    throw new AppError(
      "internal",
      502,
      `The identity provider did not answer (${(err as Error).message}). Try again later.`,
      { reason: "provider_unreachable" },
    );
  }
  return { connection, config };
}

/** Starts a sign-in: answers the identity provider's address and the handle for the cookie. */
export async function startSsoSignIn(
  services: Services,
  tenantId: string,
  redirectUri: string,
  nextPath: string,
): Promise<{ url: string; handle: string }> {
  const { config } = await connectionOf(services, tenantId);
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: "openid email profile",
    response_type: "code",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
  });
  const handle = randomToken(32);
  const now = services.clock.now();
  await services.control.batch([
    { sql: "DELETE FROM sso_sign_ins WHERE expires_at <= ?", args: [now.toISOString()] },
    {
      sql: `INSERT INTO sso_sign_ins (handle_hash, tenant_id, state, nonce, code_verifier,
              next_path, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      args: [
        await sha256Hex(handle),
        tenantId,
        state,
        nonce,
        verifier,
        nextPath,
        new Date(now.getTime() + SIGN_IN_TTL_MS).toISOString(),
      ],
    },
  ], "write");
  return { url: url.href, handle };
}

/** The identity provider's answer: who signed in, and where they were going. */
export interface SsoIdentity {
  userId: string;
  email: string;
  role: Role;
  /** True when this sign-in made them a member (just in time). */
  joined: boolean;
  nextPath: string;
}

/**
 * Finishes a sign-in from the callback (`callbackUrl` is the registered redirect URI with the
 * query the identity provider sent). Throws SsoRefusedError (403) or 402; writes nothing then.
 */
export async function finishSsoSignIn(
  services: Services,
  tenantId: string,
  handle: string | undefined,
  callbackUrl: URL,
): Promise<SsoIdentity> {
  const expired = new SsoRefusedError(
    "expired",
    "This sign-in expired or was already used. Start again with “Sign in with SSO”.",
  );
  if (!handle || handle.length > 100) throw expired;
  const rs = await services.control.execute({
    sql: `DELETE FROM sso_sign_ins WHERE handle_hash = ? AND tenant_id = ?
          RETURNING state, nonce, code_verifier, next_path, expires_at`,
    args: [await sha256Hex(handle), tenantId],
  });
  const row = rs.rows[0];
  if (!row || String(row.expires_at) <= services.clock.now().toISOString()) throw expired;
  const { connection, config } = await connectionOf(services, tenantId);
  let claims: oidc.IDToken | undefined;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: String(row.code_verifier),
      expectedState: String(row.state),
      expectedNonce: String(row.nonce),
      idTokenExpected: true,
    });
    if (!tokens.id_token) throw new Error("no id_token");
    await oidcCacheOf(services).verifyIdTokenSignature(connection.issuer, tokens.id_token);
    claims = tokens.claims();
  } catch (err) {
    // A provider that moved its endpoints answers oddly: ask it afresh next time.
    if (err instanceof TypeError) oidcCacheOf(services).forget(connection.issuer);
    throw new SsoRefusedError(
      "provider_answer",
      `The identity provider's answer was not accepted (${(err as Error).message}). ` +
        "Start again with “Sign in with SSO”.",
    );
  }
  const email = typeof claims?.email === "string" ? claims.email.trim().toLowerCase() : "";
  const verified = claims?.email_verified === true || claims?.email_verified === "true";
  if (!email || !verified) {
    throw new SsoRefusedError(
      "email_not_verified",
      "The identity provider did not vouch for your e-mail address (no verified e-mail). " +
        "Ask your administrator to verify it there.",
    );
  }
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (!connection.allowedDomains.includes(domain)) {
    throw new SsoRefusedError(
      "domain_not_allowed",
      `Addresses at ${domain} may not sign in to this workspace through single sign-on.`,
    );
  }
  const name = typeof claims?.name === "string" && claims.name.trim()
    ? claims.name.trim().slice(0, 120)
    : email.slice(0, email.indexOf("@"));
  const joined = await joinJustInTime(services, tenantId, email, name, connection.defaultRole);
  return { ...joined, email, nextPath: String(row.next_path) };
}

/**
 * Signs in a member, or makes a newcomer one. A workspace's identity provider vouches only for
 * identities inside that workspace: it may sign in an account that is already a member here (an
 * invitation accepted, or an earlier single sign-on), or create a new account for an address no
 * account uses yet. It may never attach to an existing account that is not a member here: that
 * account belongs to someone who signs in with their own password and second factor, and an
 * identity provider saying "this is them" would take it over (and through the workspace switcher,
 * their other workspaces). Nor does its word confirm an existing account's address.
 */
async function joinJustInTime(
  services: Services,
  tenantId: string,
  email: string,
  name: string,
  defaultRole: Role,
): Promise<{ userId: string; role: Role; joined: boolean }> {
  const { control } = services;
  const now = services.clock.now().toISOString();
  const user = await findUserByEmail(control, email);
  if (user) {
    const current = await membershipRole(control, tenantId, user.id);
    if (!current) throw notAMember();
    return { userId: user.id, role: current, joined: false };
  }
  const seat = await mayUse(services, tenantId, "seats", 1);
  if (!seat.allowed) throw entitlementError(seat);
  const userId = newId(services.clock.now().getTime());
  await control.batch([
    // No usable password: "sso$" is not a hash verifyPassword accepts; a reset can set one.
    // The address is confirmed by the provider that created the account (and by nobody else).
    {
      sql: `INSERT INTO users (id, email, name, password_hash, email_verified_at, created_at,
              updated_at) VALUES (?, ?, ?, 'sso$', ?, ?, ?) ON CONFLICT (email) DO NOTHING`,
      args: [userId, email, name, now, now, now],
    },
    // By this new account's id: an account made meanwhile by someone else is not joined.
    {
      sql: `INSERT INTO memberships (tenant_id, user_id, role, created_at)
            SELECT ?, id, ?, ? FROM users WHERE id = ? ON CONFLICT DO NOTHING`,
      args: [tenantId, defaultRole, now, userId],
    },
  ], "write");
  const role = await membershipRole(control, tenantId, userId);
  // Lost a race with a signup of the same address: that account is not this provider's.
  if (!role) throw notAMember();
  services.authCache.clear();
  return { userId, role, joined: true };
}

/** An account that exists outside this workspace: its owner must be invited, then accept. */
function notAMember(): SsoRefusedError {
  return new SsoRefusedError(
    "not_a_member",
    "An account with this e-mail address already exists and is not a member of this workspace, " +
      "so single sign-on cannot open it. Ask an administrator of this workspace to invite you; " +
      "once you have accepted the invitation, sign in here with single sign-on.",
  );
}
