import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { tenantOnly } from "../../http/guards.ts";
import { consumeHandoff } from "../../auth/handoff.ts";
import { startSession } from "../../auth/cookies.ts";
import { ForbiddenError, UnauthorizedError } from "../../domain/errors.ts";
import { membershipRole } from "../../auth/users.ts";
import { SSO_REQUIRED_MESSAGE, ssoRequiredFor } from "../../auth/sso.ts";

const app = new Hono<AppEnv>();

app.get("/auth/handoff", tenantOnly(), async (c) => {
  const token = c.req.query("token") ?? "";
  const userId = await consumeHandoff(c.get("services").control, token, tenantOf(c).id);
  if (!userId) {
    throw new UnauthorizedError(
      "This sign-in link has expired or was already used. Sign in again.",
    );
  }
  // A password sign-in on the bare domain must not open a workspace that requires single sign-on.
  const services = c.get("services");
  const role = await membershipRole(services.control, tenantOf(c).id, userId);
  if (role && await ssoRequiredFor(services, tenantOf(c).id, role)) {
    throw new ForbiddenError(SSO_REQUIRED_MESSAGE, { reason: "sso_required" });
  }
  await startSession(c, userId);
  await recordSecurityEvent(c, { action: "auth.handoff", actor: { userId } });
  // After signup the dashboard says to check the e-mail (a fixed flag, not a URL to follow).
  return c.redirect(c.req.query("welcome") === "1" ? "/?welcome=1" : "/", 303);
});

export default app;
