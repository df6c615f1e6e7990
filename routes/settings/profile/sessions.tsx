import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../http/env.ts";
import { principalOf } from "../../../http/env.ts";
import { memberPage } from "../../../http/guards.ts";
import { deleteUserSessions, revokeSession, signOutScope } from "../../../auth/sessions.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import { tOf } from "../../../i18n/middleware.ts";

const SessionId = z.string().regex(/^[0-9a-z]{10,40}$/i);

const app = new Hono<AppEnv>();
app.use("/settings/profile/sessions/*", memberPage());

app.post("/settings/profile/sessions/revoke-others", async (c) => {
  const auth = principalOf(c);
  const services = c.get("services");
  const scope = await signOutScope(
    services.control,
    auth.sessionToken,
    c.get("tenant")?.id ?? null,
  );
  await deleteUserSessions(services, auth.userId, auth.sessionToken, scope);
  await recordSecurityEvent(c, { action: "auth.session.revoked_others" });
  return c.redirect("/settings/profile", 303);
});

app.post("/settings/profile/sessions/:id/revoke", async (c) => {
  const auth = principalOf(c);
  const services = c.get("services");
  const id = SessionId.safeParse(c.req.param("id"));
  if (!id.success) throw new NotFoundError(tOf(c)("sessions_page.no_such"));
  const scope = await signOutScope(
    services.control,
    auth.sessionToken,
    c.get("tenant")?.id ?? null,
  );
  await revokeSession(services, auth.userId, id.data, scope);
  await recordSecurityEvent(c, { action: "auth.session.revoked", target: id.data });
  return c.redirect("/settings/profile", 303);
});

export default app;
