import { Hono } from "hono";
import { recordSecurityEvent } from "../../../security/events.ts";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { startSession } from "../../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../../auth/sessions.ts";
import { findUserById } from "../../../auth/users.ts";
import { createPendingSignIn, hasSecondFactor } from "../../../auth/second_factor.ts";
import { ssoRequiredFor } from "../../../auth/sso.ts";
import {
  acceptInvitation,
  createInvitation,
  InvitationSchema,
  listInvitations,
  lookupInvitation,
  revokeInvitation,
} from "../../../auth/invitations.ts";
import { requestOrigin } from "../../../mail/links.ts";
import { isId } from "../../../db/ids.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { INVITABLE_ROLES, ROLES } from "../../../auth/roles.ts";
import { describeRoute, IdParams, listOf } from "../../../http/openapi.ts";

const AcceptSchema = z.object({
  token: z.string().min(1, "The invitation link is incomplete.").max(200),
  name: z.string().trim().max(120).optional(),
  password: z.string().max(1000).optional(),
});

const InvitationJson = z.object({
  id: z.string(),
  email: z.email(),
  role: z.enum(INVITABLE_ROLES),
  invited_by: z.string().nullable(),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime(),
});

const INVITATION_EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  email: "sam@acme-meats.example",
  role: "broker",
  invited_by: "01jd8x7k3m5n9p2q4r6s8t0v1x",
  created_at: "2026-03-31T14:05:09.000Z",
  expires_at: "2026-04-07T14:05:09.000Z",
};

const TOKEN_QUERY = z.object({
  token: z.string().min(1).max(200).meta({
    description: "The token of the invitation link",
    example: "q8Vn3xZ0b1Yt7Kd2Lm4Pw6Rs9Tu5Ae",
  }),
});

const invite = describeRoute({
  operationId: "createInvitation",
  tag: "Members",
  summary: "Invite a colleague by e-mail, with a role",
  body: { schema: InvitationSchema, example: { email: "sam@acme-meats.example", role: "broker" } },
  responses: {
    201: { description: "Invited", schema: InvitationJson, example: INVITATION_EXAMPLE },
  },
  errors: [400, 402, 403, 409, 415, 422],
});

const listPending = describeRoute({
  operationId: "listInvitations",
  tag: "Members",
  summary: "Pending invitations",
  responses: {
    200: {
      description: "Invitations not yet accepted, revoked or expired",
      schema: listOf(InvitationJson),
      example: { data: [INVITATION_EXAMPLE], next_cursor: null },
    },
  },
  errors: [403],
});

const lookup = describeRoute({
  operationId: "lookUpInvitation",
  tag: "Members",
  summary: "What an invitation link is for: workspace, address, role",
  auth: "none",
  query: TOKEN_QUERY,
  responses: {
    200: {
      description: "The invitation",
      schema: z.object({
        tenant: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
        email: z.email(),
        role: z.enum(ROLES),
        account_exists: z.boolean(),
        expires_at: z.iso.datetime(),
      }),
      example: {
        tenant: { id: "01jd8x7k3m5n9p2q4r6s8t0v1x", name: "Acme Meats", slug: "acme" },
        email: "sam@acme-meats.example",
        role: "broker",
        account_exists: false,
        expires_at: "2026-04-07T14:05:09.000Z",
      },
    },
  },
  errors: [400, 404],
});

const accept = describeRoute({
  operationId: "acceptInvitation",
  tag: "Members",
  summary: "Accept an invitation (a new account, an existing one by password, or as yourself)",
  description: "With a password, the account of the invited address is used (or created with " +
    "`name`); signed in and without a password, you join as yourself. Starts a session.",
  auth: "none",
  body: {
    schema: AcceptSchema,
    example: {
      token: "q8Vn3xZ0b1Yt7Kd2Lm4Pw6Rs9Tu5Ae",
      name: "Sam Broker",
      password: "correct horse battery",
    },
  },
  responses: {
    201: {
      description: "Joined; a session cookie is set",
      schema: z.object({
        user: z.object({
          id: z.string(),
          email: z.email().optional(),
          name: z.string().optional(),
        }),
        role: z.enum(ROLES),
        created_user: z.boolean(),
        csrf_token: z.string(),
      }),
      example: {
        user: { id: "01jd8x7k3m5n9p2q4r6s8t0v1w", email: "sam@acme-meats.example", name: "Sam" },
        role: "broker",
        created_user: true,
        csrf_token: "c2VjcmV0LWNzcmYtdG9rZW4",
      },
    },
    202: {
      description: "Joined with the password of an account that has a second factor: no session " +
        "yet; complete the `challenge` at `POST /api/v1/auth/login/second-factor`. Or joined a " +
        "workspace that requires single sign-on: no session; sign in at `sign_in_url`.",
      schema: z.union([
        z.object({
          result: z.literal("second_factor_required"),
          challenge: z.string(),
          expires_at: z.iso.datetime(),
          role: z.enum(ROLES),
        }),
        z.object({
          result: z.literal("sso_required"),
          role: z.enum(ROLES),
          sign_in_url: z.url(),
        }),
      ]),
      example: {
        result: "second_factor_required",
        challenge: "q3Zt8mXk1Lw0aP7dVn2sQe9rTy4uJ6hB",
        expires_at: "2026-03-31T14:10:09.000Z",
        role: "broker",
      },
    },
  },
  errors: [400, 403, 404, 409, 415, 422],
});

const revoke = describeRoute({
  operationId: "revokeInvitation",
  tag: "Members",
  summary: "Revoke a pending invitation",
  params: IdParams,
  responses: { 204: { description: "Revoked" } },
  errors: [403, 404],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/invitations", tenantOnly());
app.use("/api/v1/invitations/*", tenantOnly());

app.post(
  "/api/v1/invitations",
  invite,
  requirePermission("members:manage"),
  async (c) => {
    const services = c.get("services");
    const auth = principalOf(c);
    const input = parseWith(InvitationSchema, await readJson(c));
    const invitation = await createInvitation(
      services,
      tenantOf(c),
      { userId: auth.userId, name: auth.name, role: auth.role },
      input,
      requestOrigin(c),
    );
    await recordSecurityEvent(c, {
      action: "invitation.sent",
      target: invitation.email,
      details: { role: invitation.role, invitation_id: invitation.id },
    });
    return c.json(invitation, 201);
  },
);

app.get("/api/v1/invitations", listPending, requirePermission("members:manage"), async (c) => {
  const data = await listInvitations(c.get("services").control, tenantOf(c).id);
  return c.json({ data, next_cursor: null });
});

app.get("/api/v1/invitations/lookup", lookup, async (c) => {
  const preview = await lookupInvitation(
    c.get("services"),
    c.req.query("token") ?? "",
    tenantOf(c).id,
  );
  return c.json(preview);
});

app.post("/api/v1/invitations/accept", accept, async (c) => {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const input = parseWith(AcceptSchema, await readJson(c));
  const auth = c.get("auth");
  const accepted = await acceptInvitation(
    services,
    input.token,
    tenant.id,
    // A password names the account to use; without one, a signed-in caller accepts as themselves.
    auth && input.password === undefined
      ? { userId: auth.userId }
      : { name: input.name, password: input.password ?? "" },
  );
  const byPassword = !(auth && input.password === undefined);
  if (byPassword && await ssoRequiredFor(services, tenant.id, accepted.role)) {
    // Joined, but where single sign-on is required a password opens no session (auth/sso.ts).
    await recordSecurityEvent(c, {
      action: "invitation.accepted",
      actor: { userId: accepted.userId },
      details: { role: accepted.role, created_user: accepted.createdUser, sso_required: true },
    });
    return c.json({
      result: "sso_required",
      role: accepted.role,
      sign_in_url: `${requestOrigin(c)}/auth/sso/start`,
    }, 202);
  }
  if (byPassword && await hasSecondFactor(services.control, accepted.userId)) {
    // The membership is made, but a password alone opens no session (auth/second_factor.ts).
    await recordSecurityEvent(c, {
      action: "invitation.accepted",
      actor: { userId: accepted.userId },
      details: { role: accepted.role, created_user: accepted.createdUser },
    });
    const pending = await createPendingSignIn(services, accepted.userId, tenant.id);
    return c.json({
      result: "second_factor_required",
      challenge: pending.token,
      expires_at: pending.expiresAt,
      role: accepted.role,
    }, 202);
  }
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services, previous);
  await startSession(c, accepted.userId);
  await recordSecurityEvent(c, {
    action: "invitation.accepted",
    actor: { userId: accepted.userId },
    details: { role: accepted.role, created_user: accepted.createdUser },
  });
  const user = await findUserById(services.control, accepted.userId);
  return c.json({
    user: { id: accepted.userId, email: user?.email, name: user?.name },
    role: accepted.role,
    created_user: accepted.createdUser,
    csrf_token: c.get("csrfToken"),
  }, 201);
});

app.delete("/api/v1/invitations/:id", revoke, requirePermission("members:manage"), async (c) => {
  const id = c.req.param("id");
  if (!isId(id)) throw new NotFoundError("No such pending invitation.");
  await revokeInvitation(c.get("services").control, tenantOf(c).id, id);
  await recordSecurityEvent(c, { action: "invitation.revoked", details: { invitation_id: id } });
  return c.body(null, 204);
});

export default app;
