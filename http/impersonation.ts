/**
 * @module http/impersonation
 * The workspace side of an operator's read-only view (ops/impersonation.ts). After the session
 * layer, a request on a workspace host with no member signed in but the view cookie gets the
 * operator as a `viewer` for as long as the grant lives; anything but reading is refused (the
 * one exception: ending the view). Every HTML answer, error pages included, gets a banner at the
 * top of its body saying who is looking, why and until when: set here, once, rather than in each
 * page shell, so no page can forget it. Requests without the cookie pay one cookie read.
 */
import type { MiddlewareHandler, Next } from "hono";
import { deleteCookie, getCookie } from "hono/cookie";
import type { AppContext, AppEnv, TenantContext } from "./env.ts";
import { ForbiddenError } from "../domain/errors.ts";
import { findImpersonation, type Impersonation } from "../ops/impersonation.ts";

/** The host-only cookie that carries an operator's view. */
export const VIEW_COOKIE = "pm_operator_view";
/** Where the banner's button ends the view (the one write allowed). */
export const END_VIEW_PATH = "/operator/view/end";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** The banner's HTML (a string: it is spliced into pages already rendered). */
export function viewBanner(grant: Impersonation, csrf: string): string {
  const until = grant.expiresAt.slice(0, 16).replace("T", " ");
  return `<div class="flash warning" role="alert" id="operator-view-banner"><p><strong>` +
    `Operator view, read-only.</strong> ${escapeHtml(grant.operatorEmail)} of the service's ` +
    `operators is viewing this workspace until ${until} UTC. Reason: ${
      escapeHtml(grant.reason)
    }</p><form method="post" action="${END_VIEW_PATH}"><input type="hidden" name="_csrf" value="${
      escapeHtml(csrf)
    }"/><button class="button secondary" type="submit">End the operator view</button></form></div>`;
}

/** Lends the operator's view to the request, read-only, and bannered. */
export function operatorView(): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const tenant = c.get("tenant");
    const token = tenant && !c.get("auth") ? getCookie(c, VIEW_COOKIE) : undefined;
    // A plain function on the way through: a request without the cookie costs no promise here.
    return token ? withOperatorView(c, next, tenant!, token) : next();
  };
}

/** Lends the operator's view for `token` (when it is a live grant), then banners the answer. */
async function withOperatorView(
  c: AppContext,
  next: Next,
  tenant: TenantContext,
  token: string,
): Promise<void> {
  const { control, clock } = c.get("services");
  const grant = await findImpersonation(control, token, tenant.id, clock.now());
  if (!grant) {
    deleteCookie(c, VIEW_COOKIE, { path: "/" });
    return await next();
  }
  if (c.req.method !== "GET" && c.req.method !== "HEAD" && c.req.path !== END_VIEW_PATH) {
    throw new ForbiddenError("An operator's view of a workspace is read-only.", {
      reason: "read_only",
    });
  }
  c.set("auth", {
    userId: grant.operatorUserId,
    email: grant.operatorEmail,
    name: `Operator (${grant.operatorEmail})`,
    emailVerified: true,
    secondFactor: true,
    role: "viewer",
    via: "session",
  });
  await next();
  const type = c.res.headers.get("content-type") ?? "";
  if (!type.startsWith("text/html")) return;
  const html = await c.res.text();
  const banner = viewBanner(grant, c.get("csrfToken"));
  const body = /<body[^>]*>/.test(html)
    ? html.replace(/<body[^>]*>/, (tag) => tag + banner)
    : banner + html;
  // Hono copies the other headers of the previous response onto this one.
  c.res = new Response(body, { status: c.res.status, headers: { "content-type": type } });
  c.res.headers.delete("content-length");
}
