import { Hono } from "hono";
import { recordSecurityEvent } from "../../../security/events.ts";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import {
  changeMemberRole,
  listMembers,
  removeMember,
  RoleChangeSchema,
} from "../../../auth/members.ts";
import { isId } from "../../../db/ids.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { ROLES } from "../../../auth/roles.ts";
import { describeRoute, IdSchema, listOf } from "../../../http/openapi.ts";
import { z } from "zod";

const MemberJson = z.object({
  user_id: z.string(),
  name: z.string(),
  email: z.email(),
  role: z.enum(ROLES),
  email_verified: z.boolean(),
  joined_at: z.iso.datetime(),
});

const MEMBER_EXAMPLE = {
  user_id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "Sam Broker",
  email: "sam@acme-meats.example",
  role: "broker",
  email_verified: true,
  joined_at: "2026-03-31T14:05:09.000Z",
};

const MemberParams = z.object({ userId: IdSchema });

const list = describeRoute({
  operationId: "listMembers",
  tag: "Members",
  summary: "Members of the workspace, by name",
  responses: {
    200: {
      description: "The members",
      schema: listOf(MemberJson),
      example: { data: [MEMBER_EXAMPLE], next_cursor: null },
    },
  },
  errors: [403],
});

const update = describeRoute({
  operationId: "updateMember",
  tag: "Members",
  summary: "Change a member's role (a workspace keeps at least one owner)",
  params: MemberParams,
  body: { schema: RoleChangeSchema, example: { role: "accounting" } },
  responses: {
    200: {
      description: "The member",
      schema: MemberJson,
      example: { ...MEMBER_EXAMPLE, role: "accounting" },
    },
  },
  errors: [400, 403, 404, 409, 415, 422],
});

const remove = describeRoute({
  operationId: "removeMember",
  tag: "Members",
  summary: "Remove a member from the workspace (their sessions and tokens here end)",
  params: MemberParams,
  responses: { 204: { description: "Removed" } },
  errors: [403, 404, 409],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/members", tenantOnly());
app.use("/api/v1/members/*", tenantOnly());

function memberId(raw: string): string {
  if (!isId(raw)) throw new NotFoundError("No such member in this workspace.");
  return raw;
}

app.get("/api/v1/members", list, requirePermission("records:read"), async (c) => {
  const data = await listMembers(c.get("services").control, tenantOf(c).id);
  return c.json({ data, next_cursor: null });
});

app.patch("/api/v1/members/:userId", update, requirePermission("members:manage"), async (c) => {
  const { role } = parseWith(RoleChangeSchema, await readJson(c));
  const auth = principalOf(c);
  const member = await changeMemberRole(
    c.get("services"),
    tenantOf(c).id,
    { userId: auth.userId, role: auth.role },
    memberId(c.req.param("userId")),
    role,
  );
  await recordSecurityEvent(c, {
    action: "member.role_changed",
    target: member.email,
    details: { user_id: member.user_id, role: member.role },
  });
  return c.json(member);
});

app.delete("/api/v1/members/:userId", remove, requirePermission("members:manage"), async (c) => {
  const auth = principalOf(c);
  await removeMember(
    c.get("services"),
    tenantOf(c).id,
    { userId: auth.userId, role: auth.role },
    memberId(c.req.param("userId")),
  );
  await recordSecurityEvent(c, {
    action: "member.removed",
    details: { user_id: c.req.param("userId") },
  });
  return c.body(null, 204);
});

export default app;
