import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { principalOf } from "../../http/env.ts";
import { readBody, tenantOnly } from "../../http/guards.ts";
import { consumeHandoff, tenantOrigin } from "../../auth/handoff.ts";
import { bindHandoffToBrowser, handoffBrowserOf } from "../../auth/handoff_cookie.ts";
import { startSecondStep, startSession } from "../../auth/cookies.ts";
import { AppError, ForbiddenError } from "../../domain/errors.ts";
import { findMember, membershipRole } from "../../auth/users.ts";
import { requireAuth } from "../../auth/middleware.ts";
import { hasSecondFactor } from "../../auth/second_factor.ts";
import {
  sessionMayLeave,
  startWorkspaceSwitch,
  switchTarget,
} from "../../auth/workspace_switch.ts";
import { SSO_REQUIRED_MESSAGE, ssoRequiredFor } from "../../auth/sso.ts";
import { hostClassifier } from "../../tenants/host.ts";
import type { AppContext } from "../../http/env.ts";

const app = new Hono<AppEnv>();

/**
 * A one-time link that opens nothing here: unknown, used, older than a minute, or opened in a
 * browser other than the one that asked for it (auth/handoff.ts). Logged without the token.
 */
async function refuseLink(c: AppContext, kind: "sign_in" | "switch"): Promise<never> {
  await recordSecurityEvent(c, {
    action: "auth.handoff.refused",
    details: { purpose: kind, browser_bound: handoffBrowserOf(c) !== "" },
  });
  throw new AppError(
    "unauthorized",
    401,
    `This ${kind === "switch" ? "switch" : "sign-in"} link cannot be used here. A link works ` +
      "once, for one minute, and only in the browser that asked for it, so a link someone " +
      "sent you never signs you in. Sign in to this workspace with your own account instead.",
    { reason: "handoff_refused" },
  );
}

app.get("/auth/handoff", tenantOnly(), async (c) => {
  const token = c.req.query("token") ?? "";
  const userId = await consumeHandoff(
    c.get("services").control,
    token,
    tenantOf(c).id,
    "sign_in",
    handoffBrowserOf(c),
  );
  if (!userId) return await refuseLink(c, "sign_in");
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

// The user menu's workspace switcher (auth/workspace_switch.ts): leave this host for another
// workspace's with a one-time link; the target starts its own session.
app.post("/auth/switch", tenantOnly(), requireAuth(), async (c) => {
  const auth = principalOf(c);
  if (auth.via !== "session") {
    throw new ForbiddenError("Switch workspaces from the app's user menu, signed in.");
  }
  const services = c.get("services");
  const body = await readBody(c);
  const targetId = String(body.tenant_id ?? "");
  // Signed in here through this workspace's single sign-on: its identity provider vouches for
  // nobody elsewhere, so the other workspace asks for the account's own sign-in (no link). On a
  // custom domain this answer cannot set the cookie that binds a link to this browser for the
  // target's host (auth/handoff.ts), so the target's sign-in page is asked for too.
  const sso = !(await sessionMayLeave(services.control, auth.sessionToken, tenantOf(c).id));
  const custom = hostClassifier(services.config.APP_DOMAIN)(c.req.header("host")).kind ===
    "custom";
  if (sso || custom) {
    const slug = await switchTarget(services.control, auth.userId, tenantOf(c).id, targetId);
    await recordSecurityEvent(c, {
      action: "auth.workspace_switch.sign_in_required",
      details: { reason: sso ? "sso_session" : "custom_domain", tenant_id: targetId },
    });
    return c.redirect(`${tenantOrigin(slug, services.config, c.req.url)}/login`, 303);
  }
  const { token, slug } = await startWorkspaceSwitch(
    services.control,
    auth.userId,
    tenantOf(c).id,
    targetId,
    bindHandoffToBrowser(c),
  );
  const origin = tenantOrigin(slug, services.config, c.req.url);
  return c.redirect(`${origin}/auth/switch?token=${encodeURIComponent(token)}`, 303);
});

app.get("/auth/switch", tenantOnly(), async (c) => {
  const services = c.get("services");
  const tenantId = tenantOf(c).id;
  const token = c.req.query("token") ?? "";
  const userId = await consumeHandoff(
    services.control,
    token,
    tenantId,
    "switch",
    handoffBrowserOf(c),
  );
  if (!userId) return await refuseLink(c, "switch");
  // Checked again here: the membership may have ended since the link was made.
  const member = await findMember(services.control, tenantId, userId);
  if (!member) throw new ForbiddenError("You are not a member of this workspace.");
  if (await ssoRequiredFor(services, tenantId, member.role)) {
    throw new ForbiddenError(SSO_REQUIRED_MESSAGE, { reason: "sso_required" });
  }
  // An account with a second factor gives it here, on the target's host, before any session
  // (whatever this workspace's policy); a member with none where one is required enrols first, as
  // after any sign-in there (auth/middleware.ts).
  if (await hasSecondFactor(services.control, userId)) {
    await startSecondStep(c, member.user);
    return c.redirect("/login/second-factor", 303);
  }
  await startSession(c, userId);
  await recordSecurityEvent(c, { action: "auth.workspace_switch", actor: { userId } });
  return c.redirect("/", 303);
});

export default app;
