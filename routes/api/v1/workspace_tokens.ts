/**
 * @module routes/api/v1/workspace_tokens
 * `/api/v1/workspace-tokens`: every live API token of the workspace, whoever made it, for those who
 * manage members (owners and admins), who may revoke any of them (an admin not an owner's). A
 * member's own tokens stay at `/api/v1/auth/tokens`. Closed to scoped tokens (auth/scopes.ts), like
 * every other token call. A revocation is written to the workspace's security log.
 */
import { Hono } from "hono";
import { z } from "zod";
import { recordSecurityEvent } from "../../../security/events.ts";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { listWorkspaceTokens, revokeWorkspaceToken } from "../../../auth/api_tokens.ts";
import { ROLES } from "../../../auth/roles.ts";
import { isId } from "../../../db/ids.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { describeRoute, IdParams, listOf } from "../../../http/openapi.ts";

const WorkspaceTokenJson = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: "The first characters, to tell tokens apart." }),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable().meta({ description: "Null: until revoked." }),
  scopes: z.array(z.string()).nullable().meta({
    description: "Null: full access (every right of the member's role).",
  }),
  allowed_ips: z.array(z.string()).meta({ description: "Empty: usable from anywhere." }),
  user: z.object({
    id: z.string(),
    name: z.string(),
    email: z.email(),
    role: z.enum(ROLES).nullable(),
  }).meta({ description: "The member who made the token." }),
});

const EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "Nightly export",
  prefix: "pm_3kq8Zx0b",
  created_at: "2026-03-31T14:05:09.000Z",
  last_used_at: "2026-04-02T03:00:12.000Z",
  expires_at: null,
  scopes: ["purchase_orders:read", "loads:write"],
  allowed_ips: ["203.0.113.0/24"],
  user: {
    id: "01jd8x7k3m5n9p2q4r6s8t0v2x",
    name: "Sam Broker",
    email: "sam@acme-meats.example",
    role: "broker",
  },
};

const list = describeRoute({
  operationId: "listWorkspaceTokens",
  tag: "Members",
  summary: "Every live API token of the workspace, with the member who made it",
  description: "For owners and admins (members:manage). Expired tokens are listed until revoked; " +
    "secrets never are. A scoped token cannot make this call.",
  responses: {
    200: {
      description: "The tokens, newest first",
      schema: listOf(WorkspaceTokenJson),
      example: { data: [EXAMPLE], next_cursor: null },
    },
  },
  errors: [403],
});

const revoke = describeRoute({
  operationId: "revokeWorkspaceToken",
  tag: "Members",
  summary: "Revoke any member's API token",
  description: "For owners and admins; only an owner may revoke an owner's token. The token is " +
    "refused at once and the revocation is written to the security log. A scoped token cannot " +
    "make this call.",
  params: IdParams,
  responses: { 204: { description: "Revoked" } },
  errors: [403, 404],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/workspace-tokens", tenantOnly());
app.use("/api/v1/workspace-tokens/*", tenantOnly());

app.get("/api/v1/workspace-tokens", list, requirePermission("members:manage"), async (c) => {
  const data = await listWorkspaceTokens(c.get("services").control, tenantOf(c).id);
  return c.json({ data, next_cursor: null });
});

app.delete(
  "/api/v1/workspace-tokens/:id",
  revoke,
  requirePermission("members:manage"),
  async (c) => {
    const id = c.req.param("id");
    if (!isId(id)) throw new NotFoundError("No such token.");
    const auth = principalOf(c);
    const token = await revokeWorkspaceToken(
      c.get("services"),
      tenantOf(c).id,
      { userId: auth.userId, role: auth.role },
      id,
    );
    await recordSecurityEvent(c, {
      action: "token.revoked",
      target: token.name,
      // Whose token it was: the actor is the owner or admin who revoked it.
      details: {
        token_id: token.id,
        token_owner_user_id: token.user.id,
        token_owner_email: token.user.email,
        by: "workspace_manager",
      },
    });
    return c.body(null, 204);
  },
);

export default app;
