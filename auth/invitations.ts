/**
 * @module auth/invitations
 * Invitations by e-mail: a member who may manage members invites an address with a role; the link
 * (7 days, single use, stored as SHA-256) lets that address join the tenant, as a new account or
 * as the existing account of that address, proven by its password or a signed-in session.
 *
 * An invitation is mail our servers send to an outside address on the workspace's say-so, so it
 * is bounded: the inviting account must have confirmed its own e-mail address (a sign-up nobody
 * confirmed sends nothing), a workspace sends at most `INVITATIONS_PER_DAY` invitations in 24
 * hours and one address gets at most `INVITATIONS_PER_ADDRESS_PER_DAY` from it. Both are counted
 * from the invitations table (revoked and replaced ones included, so revoke-and-resend does not
 * start afresh), which every machine shares.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { newId, randomToken, sha256Hex } from "../db/ids.ts";
import {
  AppError,
  ConflictError,
  ForbiddenError,
  InvalidError,
  NotFoundError,
  RateLimitedError,
} from "../domain/errors.ts";
import { sendMail } from "../mail/outbox.ts";
import { invitationMail } from "../mail/templates.ts";
import { memberLanguage } from "../mail/language.ts";
import { activeConfiguration } from "../customization/cache.ts";
import type { Executor } from "../db/transaction.ts";
import type { Services } from "../services.ts";
import { mayUse } from "../billing/entitlements.ts";
import { entitlementError } from "../billing/errors.ts";
import { hashPassword, passwordProblem, verifyPassword } from "./password.ts";
import { can, INVITABLE_ROLES, type Role } from "./roles.ts";
import { findUserByEmail, findUserById, membershipRole } from "./users.ts";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
/** Invitations one workspace may send in any 24 hours, revoked and replaced ones included. */
export const INVITATIONS_PER_DAY = 20;
/** Invitations one workspace may send to one address in any 24 hours (the first and 2 resends). */
export const INVITATIONS_PER_ADDRESS_PER_DAY = 3;
const DAY_MS = 24 * 3600_000;

/**
 * Refuses an invitation the workspace may not send now: an inviter whose address is unconfirmed
 * (403 `email_unconfirmed`), or a daily limit reached (429, saying when the next one may go).
 */
async function assertMaySend(
  control: Client,
  tenantId: string,
  inviterId: string,
  email: string,
  now: Date,
): Promise<void> {
  const inviter = await findUserById(control, inviterId);
  if (!inviter?.emailVerifiedAt) {
    throw new AppError(
      "forbidden",
      403,
      "Confirm your e-mail address before inviting anyone: open the link we sent you when you " +
        "signed up, or send a new one from your profile (Settings → Profile).",
      { reason: "email_unconfirmed" },
    );
  }
  const since = new Date(now.getTime() - DAY_MS).toISOString();
  const rs = await control.execute({
    sql: `SELECT COUNT(*) AS sent, MIN(created_at) AS first,
                 SUM(CASE WHEN email = ? THEN 1 ELSE 0 END) AS to_address,
                 MIN(CASE WHEN email = ? THEN created_at END) AS first_to_address
          FROM invitations WHERE tenant_id = ? AND created_at > ?`,
    args: [email, email, tenantId, since],
  });
  const row = rs.rows[0];
  const waitFrom = (first: unknown) =>
    Math.max(1, Math.ceil((Date.parse(String(first)) + DAY_MS - now.getTime()) / 1000));
  if (Number(row?.to_address ?? 0) >= INVITATIONS_PER_ADDRESS_PER_DAY) {
    throw new RateLimitedError(
      waitFrom(row?.first_to_address),
      `${email} was already sent ${INVITATIONS_PER_ADDRESS_PER_DAY} invitations in the last 24 ` +
        "hours. The newest link still works; a new one can be sent tomorrow.",
    );
  }
  if (Number(row?.sent ?? 0) >= INVITATIONS_PER_DAY) {
    throw new RateLimitedError(
      waitFrom(row?.first),
      `This workspace has sent ${INVITATIONS_PER_DAY} invitations in the last 24 hours, the ` +
        "most it may send in a day (withdrawn ones count). Try again tomorrow, or contact " +
        "support to invite a larger team at once.",
    );
  }
}

export const InvitationSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter a valid e-mail address."))
    .meta({ format: "email" }),
  role: z.enum(INVITABLE_ROLES, "Choose admin, broker, accounting or viewer."),
});
export type InvitationInput = z.infer<typeof InvitationSchema>;

export interface InvitationSummary {
  id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

export interface InvitationPreview {
  tenant: { id: string; name: string; slug: string };
  email: string;
  role: Role;
  account_exists: boolean;
  expires_at: string;
}

/** Who accepts: a new account (name and password), an existing one by password, or a signed-in user. */
export type AcceptCredentials = { name?: string; password: string } | { userId: string };

function refused(reason: string, message: string, status = 400): AppError {
  return new AppError(status === 403 ? "forbidden" : "invalid_request", status, message, {
    reason,
  });
}

/** Invites an address to a tenant with a role and mails it the link to `<origin>/invitations/accept`. */
export async function createInvitation(
  services: Services,
  tenant: { id: string; name: string; db?: Executor },
  inviter: { userId: string; name: string; role: Role | null },
  input: InvitationInput,
  origin: string,
): Promise<InvitationSummary> {
  const { control } = services;
  if (!inviter.role || !can(inviter.role, "members:manage")) throw new ForbiddenError();
  // The plan's seats are checked here, so the page and the API cannot differ (402 when full).
  const seats = await mayUse(services, tenant.id, "seats", 1);
  if (!seats.allowed) throw entitlementError(seats);
  const existing = await findUserByEmail(control, input.email);
  if (existing && await membershipRole(control, tenant.id, existing.id)) {
    throw new ConflictError("This person is already a member of the workspace.", {
      email: ["Already a member."],
    });
  }
  const now = new Date();
  await assertMaySend(control, tenant.id, inviter.userId, input.email, now);
  const token = randomToken(32);
  const summary: InvitationSummary = {
    id: newId(),
    email: input.email,
    role: input.role,
    invited_by: inviter.userId,
    created_at: now.toISOString(),
    expires_at: new Date(now.getTime() + INVITATION_TTL_MS).toISOString(),
  };
  // A new invitation to the same address replaces the pending one (a "resend" with a fresh link).
  await control.batch([
    {
      sql: `UPDATE invitations SET revoked_at = ? WHERE tenant_id = ? AND email = ?
            AND accepted_at IS NULL AND revoked_at IS NULL`,
      args: [summary.created_at, tenant.id, input.email],
    },
    {
      sql:
        `INSERT INTO invitations (id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        summary.id,
        tenant.id,
        summary.email,
        summary.role,
        await sha256Hex(token),
        inviter.userId,
        summary.created_at,
        summary.expires_at,
      ],
    },
  ], "write");
  const link = `${origin}/invitations/accept?token=${encodeURIComponent(token)}`;
  await sendMail(services, {
    to: input.email,
    tenantId: tenant.id,
    ...invitationMail({
      // The invited person has no saved language yet: the workspace's default.
      language: await memberLanguage(services, null, { db: tenant.db, tenantId: tenant.id }),
      inviterName: inviter.name,
      workspaceName: tenant.name,
      role: input.role,
      link,
      // The workspace's own product name (customization/), when its database is at hand.
      productName: tenant.db
        ? (await activeConfiguration(services.readCache, tenant.db, tenant.id)).document
          .branding.product_name
        : undefined,
    }),
  });
  return summary;
}

/** Pending invitations of a tenant (not accepted, revoked or expired), newest first. */
export async function listInvitations(
  control: Client,
  tenantId: string,
): Promise<InvitationSummary[]> {
  const rs = await control.execute({
    sql: `SELECT id, email, role, invited_by, created_at, expires_at FROM invitations
          WHERE tenant_id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?
          ORDER BY created_at DESC`,
    args: [tenantId, new Date().toISOString()],
  });
  return rs.rows.map((r) => ({
    id: String(r.id),
    email: String(r.email),
    role: String(r.role) as Role,
    invited_by: r.invited_by === null ? null : String(r.invited_by),
    created_at: String(r.created_at),
    expires_at: String(r.expires_at),
  }));
}

/** Withdraws a pending invitation; another tenant's or an accepted one is not found. */
export async function revokeInvitation(
  control: Client,
  tenantId: string,
  id: string,
): Promise<void> {
  const rs = await control.execute({
    sql: `UPDATE invitations SET revoked_at = ? WHERE id = ? AND tenant_id = ?
          AND accepted_at IS NULL AND revoked_at IS NULL`,
    args: [new Date().toISOString(), id, tenantId],
  });
  if (rs.rowsAffected === 0) throw new NotFoundError("No such pending invitation.");
}

interface InvitationRow {
  id: string;
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  email: string;
  role: Role;
  expiresAt: string;
}

/** Finds a live invitation of this tenant by its secret, or throws saying why it cannot be used. */
async function liveInvitation(
  control: Client,
  token: string,
  tenantId: string,
): Promise<InvitationRow> {
  const rs = token.length >= 20 && token.length <= 100
    ? await control.execute({
      sql: `SELECT i.id, i.tenant_id, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at,
                   t.name, t.slug
            FROM invitations i JOIN tenants t ON t.id = i.tenant_id WHERE i.token_hash = ?`,
      args: [await sha256Hex(token)],
    })
    : { rows: [] };
  const row = rs.rows[0];
  if (!row) {
    throw refused(
      "unknown",
      "This invitation link is not valid. Check that it was copied whole.",
      404,
    );
  }
  if (String(row.tenant_id) !== tenantId) {
    throw refused(
      "other_workspace",
      "This invitation is for another workspace. Open the link exactly as it was sent.",
      403,
    );
  }
  if (row.accepted_at !== null) {
    throw refused("used", "This invitation was already used. Sign in instead.");
  }
  if (row.revoked_at !== null) {
    throw refused("revoked", "This invitation was withdrawn. Ask for a new one.");
  }
  if (String(row.expires_at) <= new Date().toISOString()) {
    throw refused("expired", "This invitation has expired. Ask for a new one.");
  }
  return {
    id: String(row.id),
    tenantId,
    tenantName: String(row.name),
    tenantSlug: String(row.slug),
    email: String(row.email),
    role: String(row.role) as Role,
    expiresAt: String(row.expires_at),
  };
}

/** What an invitation offers, for the accept page: workspace, address, role, existing account. */
export async function lookupInvitation(
  services: Services,
  token: string,
  tenantId: string,
): Promise<InvitationPreview> {
  const inv = await liveInvitation(services.control, token, tenantId);
  return {
    tenant: { id: inv.tenantId, name: inv.tenantName, slug: inv.tenantSlug },
    email: inv.email,
    role: inv.role,
    account_exists: (await findUserByEmail(services.control, inv.email)) !== null,
    expires_at: inv.expiresAt,
  };
}

/** Accepts an invitation once: creates the account if needed and the membership with the role. */
export async function acceptInvitation(
  services: Services,
  token: string,
  tenantId: string,
  credentials: AcceptCredentials,
): Promise<{ userId: string; role: Role; createdUser: boolean }> {
  const { control, config, loginThrottle } = services;
  const inv = await liveInvitation(control, token, tenantId);
  const existing = await findUserByEmail(control, inv.email);
  let userId: string;
  const statements = [];
  const now = new Date().toISOString();
  if ("userId" in credentials) {
    const user = await findUserById(control, credentials.userId);
    if (!user || user.email.toLowerCase() !== inv.email.toLowerCase()) {
      throw refused(
        "other_account",
        `This invitation was sent to ${inv.email}. Sign in as that account to accept it.`,
        403,
      );
    }
    userId = user.id;
  } else if (existing) {
    // The address has an account: only its password (or its session, above) may accept.
    await loginThrottle.check(existing.email, `invite:${inv.id}`);
    if (!(await verifyPassword(credentials.password, existing.passwordHash))) {
      await loginThrottle.fail(existing.email, `invite:${inv.id}`);
      const wrong = "An account with this e-mail exists: enter its password to accept.";
      throw new AppError("unauthorized", 401, wrong, { password: [wrong] });
    }
    userId = existing.id;
  } else {
    const name = credentials.name?.trim() ?? "";
    if (name.length < 1 || name.length > 120) {
      throw new InvalidError("Enter your name.", { name: ["Enter your name."] }, 422);
    }
    const problem = passwordProblem(credentials.password, inv.email);
    if (problem) throw new InvalidError(problem, { password: [problem] }, 422);
    userId = newId();
    // Opening the mailed link proves the address, so the new account starts verified.
    statements.push({
      sql:
        `INSERT INTO users (id, email, name, password_hash, email_verified_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)`,
      args: [
        userId,
        inv.email,
        name,
        await hashPassword(credentials.password, config.PASSWORD_SCRYPT_N),
        now,
        now,
        now,
      ],
    });
  }
  if (await membershipRole(control, tenantId, userId)) {
    throw new ConflictError("You are already a member of this workspace. Sign in instead.");
  }
  statements.push(
    {
      sql: `UPDATE invitations SET accepted_at = ?, accepted_by = ? WHERE id = ? AND tenant_id = ?
            AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
      args: [now, userId, inv.id, tenantId, now],
    },
    // The subselect is NULL unless this batch's UPDATE claimed the invitation; the NOT NULL
    // constraint then fails the batch, rolling back the new user too (single use under races).
    {
      sql: `INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (
              (SELECT tenant_id FROM invitations WHERE id = ? AND accepted_by = ? AND accepted_at = ?),
              ?, (SELECT role FROM invitations WHERE id = ?), ?)`,
      args: [inv.id, userId, now, userId, inv.id, now],
    },
  );
  try {
    await control.batch(statements, "write");
  } catch (err) {
    const text = String(err);
    if (text.includes("NOT NULL")) {
      throw refused("used", "This invitation was already used. Sign in instead.");
    }
    if (text.includes("UNIQUE") && text.includes("users.email")) {
      throw new ConflictError(
        "An account with this e-mail now exists: enter its password to accept.",
      );
    }
    if (text.includes("UNIQUE") || text.includes("PRIMARY")) {
      throw new ConflictError("You are already a member of this workspace. Sign in instead.");
    }
    throw err;
  }
  if (existing) await loginThrottle.succeed(existing.email, `invite:${inv.id}`);
  services.authCache.clear();
  return { userId, role: inv.role, createdUser: !existing && !("userId" in credentials) };
}
