/**
 * @module security/events
 * `recordSecurityEvent(c, event)`: the one line a route or middleware writes next to a
 * security-relevant action. Who (the signed-in principal, or `actor` for a sign-in that failed),
 * from where (IP, user agent) and the workspace come from the request; the entry goes to the
 * tenant's chain, or to the operators' chain in the control database on the bare domain.
 *
 * It never throws: the action it records has already happened, and a failed append must not turn
 * that into an error page. A failure is logged as an error for the operator instead.
 */
import { type AppContext, clientIp } from "../http/env.ts";
import { appendSecurityEvent } from "./chain.ts";

export { appendSecurityEvent } from "./chain.ts";

/** What a route says about an event. */
export interface SecurityEventDraft {
  /** Dotted verb: `auth.sign_in`, `auth.sign_in_failed`, `token.created`, `member.removed` ... */
  action: string;
  /** What the action was done to (an e-mail, a token's name, a domain). */
  target?: string | null;
  details?: Record<string, unknown>;
  /** Who acted when nobody is signed in yet (a failed sign-in names the address tried). */
  actor?: { userId?: string | null; email?: string | null };
  /** Write to the operators' chain even on a workspace host (operator actions). */
  operator?: boolean;
}

/** Appends `event` to the request's tenant chain (or the operators' chain); logs, never throws. */
export async function recordSecurityEvent(
  c: AppContext,
  event: SecurityEventDraft,
): Promise<void> {
  const services = c.get("services");
  const tenant = event.operator ? undefined : c.get("tenant");
  const auth = c.get("auth");
  try {
    await appendSecurityEvent(tenant?.db ?? services.control, {
      action: event.action,
      actorUserId: event.actor ? event.actor.userId ?? null : auth?.userId ?? null,
      actorEmail: event.actor ? event.actor.email ?? null : auth?.email ?? null,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent") ?? null,
      target: event.target ?? null,
      details: event.details,
    }, {
      now: services.clock.now(),
      retentionDays: tenant ? c.get("billing")?.entitlements.auditRetentionDays : undefined,
    });
  } catch (err) {
    services.log.error("security event not recorded", {
      action: event.action,
      tenant: tenant?.slug ?? null,
      error: String(err),
    });
  }
}
