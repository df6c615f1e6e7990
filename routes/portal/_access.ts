/**
 * @module routes/portal/_access
 * Opens a portal link for a request: the token must verify on this tenant's host and name an
 * invoice its customer still owns. Every refusal is the same plain page (404, or 410 once a
 * genuine link has expired), written to the tenant's security log with the reason, and counted
 * per IP: past the limit the visitor gets 429 whatever they try.
 */
import { ipGroup } from "../../http/ip_group.ts";
import type { AppContext } from "../../http/env.ts";
import type { Limiter } from "../../http/rate_limit.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import { clientIp } from "../../http/env.ts";
import { loggedPath } from "../../http/middleware.ts";
import { type PortalClaims, readPortalToken, verifyPortalToken } from "../../portal/links.ts";
import { type PortalInvoice, portalInvoice } from "../../portal/view.ts";
import { refusePortal } from "./_shell.tsx";

export interface PortalLimits {
  /** Every portal request, per IP. */
  requests: Limiter;
  /** Refused links, per IP: a guesser is stopped early. */
  refusals: Limiter;
}

export type Opened =
  | { ok: true; token: string; claims: PortalClaims; invoice: PortalInvoice }
  | { ok: false; response: Response };

/** Verifies the request's token; the claims and invoice, or the refusal to answer with. */
export async function openLink(c: AppContext, limits: PortalLimits): Promise<Opened> {
  const ip = ipGroup(clientIp(c)); // counted by /64 for IPv6
  if (await limits.requests.hit(ip) > 0) return { ok: false, response: await refusePortal(c, 429) };
  const tenant = c.get("tenant");
  const token = c.req.param("token") ?? "";
  if (!tenant) return { ok: false, response: await refusePortal(c, 404) };
  const now = c.get("services").clock.now();
  const checked = await verifyPortalToken(tenant.db, tenant.id, token, now);
  let reason: string | null = checked.ok ? null : checked.reason;
  let invoice: PortalInvoice | null = null;
  if (checked.ok) {
    invoice = await portalInvoice(tenant.db, checked.claims);
    if (!invoice) reason = "invoice_unavailable";
  }
  if (checked.ok && invoice) return { ok: true, token, claims: checked.claims, invoice };
  const claimed = readPortalToken(token);
  await recordSecurityEvent(c, {
    action: "portal.link_refused",
    target: claimed?.invoiceId ?? null,
    actor: { userId: null, email: null },
    details: {
      reason,
      // Without the token: a refused link may still be a customer's genuine one (expired).
      path: loggedPath(c.req.path).slice(0, 300),
      claimed_tenant: claimed?.tenantId ?? null,
    },
  });
  if (await limits.refusals.hit(ip) > 0) return { ok: false, response: await refusePortal(c, 429) };
  return { ok: false, response: await refusePortal(c, reason === "expired" ? 410 : 404) };
}
