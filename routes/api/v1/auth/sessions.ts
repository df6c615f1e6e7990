import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, principalOf } from "../../../../http/env.ts";
import { requireAuth } from "../../../../auth/middleware.ts";
import {
  deleteUserSessions,
  listUserSessions,
  revokeSession,
  signOutScope,
} from "../../../../auth/sessions.ts";
import { describeDevice } from "../../../../auth/device.ts";
import { NotFoundError } from "../../../../domain/errors.ts";
import { describeRoute, listOf } from "../../../../http/openapi.ts";
import { recordSecurityEvent } from "../../../../security/events.ts";

const SessionJson = z.object({
  id: z.string().meta({ description: "The session's public id (never its secret)." }),
  device: z.string().meta({ description: "Browser and system, read from the User-Agent." }),
  workspace: z.string().nullable().meta({
    description: "Slug of the workspace it is on; null on the bare domain.",
  }),
  ip: z.string().nullable(),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().meta({ description: "Updated at most once a minute." }),
  current: z.boolean().meta({ description: "The session this request came with." }),
});

const SESSION_EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  device: "Firefox on Windows",
  workspace: "acme",
  ip: "203.0.113.7",
  created_at: "2026-03-31T14:05:09.000Z",
  last_used_at: "2026-03-31T15:42:00.000Z",
  current: true,
};

const SessionParams = z.object({
  id: z.string().regex(/^[0-9a-z]{10,40}$/i).meta({
    description: "The session's public id, from the list.",
    example: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  }),
});

const listSessions = describeRoute({
  operationId: "listSessions",
  tag: "Account",
  summary: "Your sessions: where you are signed in",
  responses: {
    200: {
      description: "Your live sessions, most recently used first",
      schema: listOf(SessionJson),
      example: { data: [SESSION_EXAMPLE], next_cursor: null },
    },
  },
});

const deleteSessionRoute = describeRoute({
  operationId: "revokeSession",
  tag: "Account",
  summary: "Sign out one of your sessions",
  description: "A session made through a workspace's single sign-on may sign out sessions of " +
    "that workspace only (403 for the others).",
  params: SessionParams,
  responses: { 204: { description: "Signed out; its next request is refused" } },
  errors: [403, 404],
});

const revokeOthers = describeRoute({
  operationId: "revokeOtherSessions",
  tag: "Account",
  summary: "Sign out everywhere else: every session but the one of this request",
  description: "From a session made through a workspace's single sign-on, every other session " +
    "of that workspace only.",
  responses: {
    200: {
      description: "How many sessions were ended",
      schema: z.object({ revoked: z.number().int() }),
      example: { revoked: 3 },
    },
  },
});

const app = new Hono<AppEnv>();
app.use("/api/v1/auth/sessions", requireAuth());
app.use("/api/v1/auth/sessions/*", requireAuth());

app.get("/api/v1/auth/sessions", listSessions, async (c) => {
  const auth = principalOf(c);
  const sessions = await listUserSessions(
    c.get("services").control,
    auth.userId,
    auth.sessionToken,
  );
  return c.json({
    data: sessions.map((s) => ({
      id: s.id,
      device: describeDevice(s.userAgent),
      workspace: s.workspace,
      ip: s.ip,
      created_at: s.createdAt,
      last_used_at: s.lastUsedAt,
      current: s.current,
    })),
    next_cursor: null,
  });
});

app.post("/api/v1/auth/sessions/revoke-others", revokeOthers, async (c) => {
  const auth = principalOf(c);
  const services = c.get("services");
  const scope = await signOutScope(
    services.control,
    auth.sessionToken,
    c.get("tenant")?.id ?? null,
  );
  const revoked = await deleteUserSessions(services, auth.userId, auth.sessionToken, scope);
  await recordSecurityEvent(c, { action: "auth.session.revoked_others", details: { revoked } });
  return c.json({ revoked });
});

app.delete("/api/v1/auth/sessions/:id", deleteSessionRoute, async (c) => {
  const auth = principalOf(c);
  const services = c.get("services");
  const id = SessionParams.safeParse({ id: c.req.param("id") });
  if (!id.success) throw new NotFoundError("No such session.");
  const scope = await signOutScope(
    services.control,
    auth.sessionToken,
    c.get("tenant")?.id ?? null,
  );
  await revokeSession(services, auth.userId, id.data.id, scope);
  await recordSecurityEvent(c, { action: "auth.session.revoked", target: id.data.id });
  return c.body(null, 204);
});

export default app;
