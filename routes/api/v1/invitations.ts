import { Hono } from "hono";
import { getCookie } from "hono/cookie";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { requireEntitlement } from "../../../billing/middleware.ts";
import { startSession } from "../../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../../auth/sessions.ts";
import { findUserById } from "../../../auth/users.ts";
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

const AcceptSchema = z.object({
  token: z.string().min(1, "The invitation link is incomplete.").max(200),
  name: z.string().trim().max(120).optional(),
  password: z.string().max(1000).optional(),
});

const app = new Hono<AppEnv>();
app.use("/api/v1/invitations", tenantOnly());
app.use("/api/v1/invitations/*", tenantOnly());

app.post(
  "/api/v1/invitations",
  requirePermission("members:manage"),
  requireEntitlement("seats"),
  async (c) => {
    const services = c.get("services");
    const auth = principalOf(c);
    const input = parseWith(InvitationSchema, await readJson(c));
    const invitation = await createInvitation(
      services,
      tenantOf(c),
      { userId: auth.userId, name: auth.name, role: auth.role },
      input,
      requestOrigin(services.config, c.req.url),
    );
    return c.json(invitation, 201);
  },
);

app.get("/api/v1/invitations", requirePermission("members:manage"), async (c) => {
  const data = await listInvitations(c.get("services").control, tenantOf(c).id);
  return c.json({ data, next_cursor: null });
});

app.get("/api/v1/invitations/lookup", async (c) => {
  const preview = await lookupInvitation(
    c.get("services"),
    c.req.query("token") ?? "",
    tenantOf(c).id,
  );
  return c.json(preview);
});

app.post("/api/v1/invitations/accept", async (c) => {
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
  const previous = getCookie(c, SESSION_COOKIE);
  if (previous) await deleteSession(services.control, previous);
  await startSession(c, accepted.userId);
  const user = await findUserById(services.control, accepted.userId);
  return c.json({
    user: { id: accepted.userId, email: user?.email, name: user?.name },
    role: accepted.role,
    created_user: accepted.createdUser,
    csrf_token: c.get("csrfToken"),
  }, 201);
});

app.delete("/api/v1/invitations/:id", requirePermission("members:manage"), async (c) => {
  const id = c.req.param("id");
  if (!isId(id)) throw new NotFoundError("No such pending invitation.");
  await revokeInvitation(c.get("services").control, tenantOf(c).id, id);
  return c.body(null, 204);
});

export default app;
