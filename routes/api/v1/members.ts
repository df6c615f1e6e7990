import { Hono } from "hono";
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

const app = new Hono<AppEnv>();
app.use("/api/v1/members", tenantOnly());
app.use("/api/v1/members/*", tenantOnly());

function memberId(raw: string): string {
  if (!isId(raw)) throw new NotFoundError("No such member in this workspace.");
  return raw;
}

app.get("/api/v1/members", requirePermission("records:read"), async (c) => {
  const data = await listMembers(c.get("services").control, tenantOf(c).id);
  return c.json({ data, next_cursor: null });
});

app.patch("/api/v1/members/:userId", requirePermission("members:manage"), async (c) => {
  const { role } = parseWith(RoleChangeSchema, await readJson(c));
  const auth = principalOf(c);
  const member = await changeMemberRole(
    c.get("services"),
    tenantOf(c).id,
    { userId: auth.userId, role: auth.role },
    memberId(c.req.param("userId")),
    role,
  );
  return c.json(member);
});

app.delete("/api/v1/members/:userId", requirePermission("members:manage"), async (c) => {
  const auth = principalOf(c);
  await removeMember(
    c.get("services"),
    tenantOf(c).id,
    { userId: auth.userId, role: auth.role },
    memberId(c.req.param("userId")),
  );
  return c.body(null, 204);
});

export default app;
