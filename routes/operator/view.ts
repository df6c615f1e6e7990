import { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { tenantOnly } from "../../http/guards.ts";
import { END_VIEW_PATH, VIEW_COOKIE } from "../../http/impersonation.ts";
import { UnauthorizedError } from "../../domain/errors.ts";
import { endImpersonation, findImpersonation, openImpersonation } from "../../ops/impersonation.ts";

// The workspace host's side of an operator's read-only view; the console starts it.
const app = new Hono<AppEnv>();

app.get("/operator/view/start", tenantOnly(), async (c) => {
  const { control, clock, config } = c.get("services");
  const now = clock.now();
  const opened = await openImpersonation(control, c.req.query("token") ?? "", tenantOf(c).id, now);
  if (!opened) {
    throw new UnauthorizedError(
      "This operator link has expired or was already used. Start the view again from the console.",
    );
  }
  setCookie(c, VIEW_COOKIE, opened.viewToken, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: config.secureCookies,
    maxAge: Math.max(1, Math.floor((Date.parse(opened.expiresAt) - now.getTime()) / 1000)),
  });
  return c.redirect("/", 303);
});

app.post(END_VIEW_PATH, tenantOnly(), async (c) => {
  const services = c.get("services");
  const token = getCookie(c, VIEW_COOKIE);
  const grant = token
    ? await findImpersonation(services.control, token, tenantOf(c).id, services.clock.now())
    : null;
  if (grant) await endImpersonation(services, grant);
  deleteCookie(c, VIEW_COOKIE, { path: "/", secure: services.config.secureCookies });
  const url = new URL(c.req.url);
  const apex = services.config.secureCookies
    ? `https://${services.config.APP_DOMAIN}`
    : `${url.protocol}//${services.config.APP_DOMAIN}${url.port ? `:${url.port}` : ""}`;
  return c.redirect(`${apex}/operator/tenants/${encodeURIComponent(tenantOf(c).slug)}`, 303);
});

export default app;
