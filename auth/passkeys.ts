/**
 * @module auth/passkeys
 * Passkeys (WebAuthn, through @simplewebauthn/server): adding one to a signed-in member, signing
 * in with one, listing and removing them.
 *
 * - The relying party is the host the member is on (a workspace's subdomain or its own domain), so
 *   a passkey belongs to the address it was made on, and to that workspace: sign-in looks a
 *   credential up by its id, this workspace and this host together, and then requires the user to
 *   still be a member. A passkey of another user, workspace or host never signs in here.
 * - Passkeys are discoverable (resident) credentials with user verification required, so a
 *   sign-in needs no e-mail and counts as both factors (something held, something known or been).
 * - Challenges are kept on the server, single-use (deleted when checked, whatever the outcome) and
 *   live five minutes.
 * - The signature counter must rise on every use (a counter that stays at 0 is allowed: synced
 *   passkeys do not count); the update is conditional on the counter read, so two uses of the same
 *   signature race to one winner.
 */
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import { Buffer } from "node:buffer";
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import {
  ForbiddenError,
  InvalidError,
  NotFoundError,
  UnauthorizedError,
} from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { confirmPassword } from "./confirm_password.ts";
import { findMember, findUserById } from "./users.ts";
import type { Role } from "./roles.ts";
import { SSO_REQUIRED_MESSAGE, ssoRequiredFor } from "./sso.ts";

// The WebAuthn library is loaded at the first passkey ceremony, not at start: loading it took
// ~0.2 s and ~13 MB of every process, most of which never sees a passkey.
let webauthnLoaded: Promise<typeof import("@simplewebauthn/server")> | null = null;
const webauthn = () => webauthnLoaded ??= import("@simplewebauthn/server");

const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** Where a ceremony happens: the workspace, its host (the relying party id) and its origin. */
export interface PasskeySite {
  tenantId: string;
  /** The workspace's name, shown by the authenticator. */
  rpName: string;
  /** The host without port: `acme.example.com` or the workspace's own domain. */
  rpId: string;
  /** `https://acme.example.com` (the scheme and port the browser sees). */
  origin: string;
}

/** A passkey as pages and the API show it (never its key). */
export interface PasskeySummary {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export const PasskeyNameSchema = z.string().trim().min(1, "Name the passkey.").max(60);

/** A browser's credential, as @simplewebauthn/browser returns it; the library checks the rest. */
export const CredentialJsonSchema = z.object({
  id: z.string().min(1).max(1400),
  rawId: z.string().min(1).max(1400),
  type: z.literal("public-key"),
  response: z.record(z.string(), z.unknown()),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
  authenticatorAttachment: z.string().max(40).optional(),
}).meta({ description: "The credential as @simplewebauthn/browser returns it." });

const NOT_HERE = "That passkey does not sign in to this workspace at this address. " +
  "Sign in with your password, or use a passkey made here.";

async function saveChallenge(
  services: Services,
  site: PasskeySite,
  purpose: "register" | "sign_in",
  challenge: string,
  userId: string | null,
): Promise<void> {
  const now = services.clock.now();
  await services.control.batch([
    { sql: "DELETE FROM webauthn_challenges WHERE expires_at <= ?", args: [now.toISOString()] },
    {
      sql:
        `INSERT INTO webauthn_challenges (challenge, purpose, tenant_id, user_id, rp_id, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)`,
      args: [
        challenge,
        purpose,
        site.tenantId,
        userId,
        site.rpId,
        new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
      ],
    },
  ], "write");
}

/** Uses a challenge once: true when it was issued here, for this purpose (and user), and is live. */
async function consumeChallenge(
  services: Services,
  site: PasskeySite,
  purpose: "register" | "sign_in",
  challenge: string,
  userId: string | null,
): Promise<boolean> {
  const rs = await services.control.execute({
    sql: `DELETE FROM webauthn_challenges WHERE challenge = ? RETURNING purpose, tenant_id,
            user_id, rp_id, expires_at`,
    args: [challenge],
  });
  const row = rs.rows[0];
  return Boolean(row) && row!.purpose === purpose && row!.tenant_id === site.tenantId &&
    row!.rp_id === site.rpId && (row!.user_id ?? null) === userId &&
    String(row!.expires_at) > services.clock.now().toISOString();
}

/**
 * Options for adding a passkey to a signed-in member (their other passkeys here excluded), once
 * their password is confirmed: a passkey is a way in that outlives every session.
 */
export async function registrationOptions(
  services: Services,
  site: PasskeySite,
  userId: string,
  password: string | undefined,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await confirmPassword(services, userId, password);
  const user = await findUserById(services.control, userId);
  if (!user) throw new NotFoundError("No such user.");
  const existing = await services.control.execute({
    sql: "SELECT credential_id, transports FROM passkeys WHERE user_id = ? AND rp_id = ?",
    args: [userId, site.rpId],
  });
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: site.rpName,
    rpID: site.rpId,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(user.id),
    attestationType: "none",
    excludeCredentials: existing.rows.map((r) => ({
      id: String(r.credential_id),
      transports: JSON.parse(String(r.transports)) as string[],
    })),
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
  });
  await saveChallenge(services, site, "register", options.challenge, userId);
  return options;
}

/** Verifies a new credential against its challenge and stores it as the member's passkey. */
export async function addPasskey(
  services: Services,
  site: PasskeySite,
  userId: string,
  name: string,
  response: RegistrationResponseJSON,
): Promise<PasskeySummary> {
  const refused = "The passkey could not be added. Start again and follow your device's prompts.";
  let verified;
  try {
    verified = await (await webauthn()).verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) =>
        consumeChallenge(services, site, "register", challenge, userId),
      expectedOrigin: site.origin,
      expectedRPID: site.rpId,
      requireUserVerification: true,
    });
  } catch {
    throw new InvalidError(refused);
  }
  if (!verified.verified) throw new InvalidError(refused);
  const { credential } = verified.registrationInfo;
  const now = services.clock.now().toISOString();
  const id = newId(services.clock.now().getTime());
  const rs = await services.control.execute({
    sql: `INSERT INTO passkeys (id, credential_id, user_id, tenant_id, rp_id, public_key, counter,
            transports, name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT (credential_id) DO NOTHING`,
    args: [
      id,
      credential.id,
      userId,
      site.tenantId,
      site.rpId,
      Buffer.from(credential.publicKey).toString("base64url"),
      credential.counter,
      JSON.stringify(credential.transports ?? []),
      name,
      now,
    ],
  });
  if (rs.rowsAffected === 0) throw new InvalidError("This passkey is already registered.");
  return { id, name, created_at: now, last_used_at: null };
}

/** Options for signing in with a passkey: no e-mail, any passkey of this host may answer. */
export async function signInOptions(
  services: Services,
  site: PasskeySite,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await (await webauthn()).generateAuthenticationOptions({
    rpID: site.rpId,
    userVerification: "required",
  });
  await saveChallenge(services, site, "sign_in", options.challenge, null);
  return options;
}

/** Checks a passkey sign-in; answers the member it signs in, or throws 401. */
export async function verifyPasskeySignIn(
  services: Services,
  site: PasskeySite,
  response: AuthenticationResponseJSON,
): Promise<{ userId: string; role: Role }> {
  const { control } = services;
  const rs = await control.execute({
    sql: `SELECT id, user_id, public_key, counter, transports FROM passkeys
          WHERE credential_id = ? AND tenant_id = ? AND rp_id = ?`,
    args: [response.id, site.tenantId, site.rpId],
  });
  const row = rs.rows[0];
  if (!row) {
    // Spend the challenge anyway, so a refused answer cannot be retried with it.
    await consumeFromResponse(services, response);
    throw new UnauthorizedError(NOT_HERE);
  }
  const userId = String(row.user_id);
  const handle = response.response.userHandle;
  const expectedHandle = Buffer.from(userId).toString("base64url");
  let verified;
  try {
    verified = await (await webauthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) =>
        consumeChallenge(services, site, "sign_in", challenge, null),
      expectedOrigin: site.origin,
      expectedRPID: site.rpId,
      requireUserVerification: true,
      credential: {
        id: response.id,
        publicKey: new Uint8Array(Buffer.from(String(row.public_key), "base64url")),
        counter: Number(row.counter),
        transports: JSON.parse(String(row.transports)),
      },
    });
  } catch {
    throw new UnauthorizedError("The passkey sign-in was not accepted. Try again.");
  }
  if (!verified.verified || handle !== expectedHandle) {
    throw new UnauthorizedError("The passkey sign-in was not accepted. Try again.");
  }
  // Who it would sign in is checked before the passkey's use is recorded: a refusal changes nothing.
  const member = await findMember(control, site.tenantId, userId);
  if (!member) throw new UnauthorizedError(NOT_HERE);
  if (await ssoRequiredFor(services, site.tenantId, member.role)) {
    throw new ForbiddenError(SSO_REQUIRED_MESSAGE, { reason: "sso_required" });
  }
  const updated = await control.execute({
    sql: "UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ? AND counter = ?",
    args: [
      verified.authenticationInfo.newCounter,
      services.clock.now().toISOString(),
      String(row.id),
      Number(row.counter),
    ],
  });
  if (updated.rowsAffected === 0) {
    throw new UnauthorizedError("The passkey sign-in was not accepted. Try again.");
  }
  return { userId, role: member.role };
}

async function consumeFromResponse(services: Services, response: AuthenticationResponseJSON) {
  try {
    const client = JSON.parse(
      Buffer.from(response.response.clientDataJSON, "base64url").toString(),
    );
    if (typeof client.challenge === "string") {
      await services.control.execute({
        sql: "DELETE FROM webauthn_challenges WHERE challenge = ?",
        args: [client.challenge],
      });
    }
  } catch { /* not a client data document: there is no challenge to spend */ }
}

/** The member's passkeys in this workspace, newest first. */
export async function listPasskeys(
  control: Client,
  tenantId: string,
  userId: string,
): Promise<PasskeySummary[]> {
  const rs = await control.execute({
    sql: `SELECT id, name, created_at, last_used_at FROM passkeys
          WHERE tenant_id = ? AND user_id = ? ORDER BY created_at DESC, id DESC`,
    args: [tenantId, userId],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    name: String(r.name),
    created_at: String(r.created_at),
    last_used_at: r.last_used_at === null ? null : String(r.last_used_at),
  }));
}

/** Removes one of the member's passkeys after checking their password (throttled like sign-in). */
export async function removePasskey(
  services: Services,
  tenantId: string,
  userId: string,
  passkeyId: string,
  password: string,
): Promise<PasskeySummary> {
  await confirmPassword(services, userId, password);
  const rs = await services.control.execute({
    sql: `DELETE FROM passkeys WHERE id = ? AND tenant_id = ? AND user_id = ?
          RETURNING id, name, created_at, last_used_at`,
    args: [passkeyId, tenantId, userId],
  });
  const row = rs.rows[0];
  if (!row) throw new NotFoundError("No such passkey.");
  return {
    id: String(row.id),
    name: String(row.name),
    created_at: String(row.created_at),
    last_used_at: row.last_used_at === null ? null : String(row.last_used_at),
  };
}
