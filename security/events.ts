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
import { AppError } from "../domain/errors.ts";
import { findUserById } from "../auth/users.ts";
import { appendSecurityEvent } from "./chain.ts";
import { OPERATORS_CHAIN } from "./chain_tail.ts";

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
    const actorUserId = event.actor ? event.actor.userId ?? null : auth?.userId ?? null;
    let actorEmail = event.actor ? event.actor.email ?? null : auth?.email ?? null;
    // A link from an e-mail (reset, verification, handoff) names only the user: add the address.
    if (actorUserId && !actorEmail) {
      actorEmail = (await findUserById(services.control, actorUserId))?.email ?? null;
    }
    await appendSecurityEvent(tenant?.db ?? services.control, {
      action: event.action,
      actorUserId,
      actorEmail,
      ip: clientIp(c),
      userAgent: c.req.header("user-agent") ?? null,
      target: event.target ?? null,
      details: event.details,
    }, {
      now: services.clock.now(),
      retentionDays: tenant ? c.get("billing")?.entitlements.auditRetentionDays : undefined,
      tail: {
        control: services.control,
        chain: tenant?.id ?? OPERATORS_CHAIN,
        keys: services.tenantKeys,
      },
    });
  } catch (err) {
    services.log.error("security event not recorded", {
      action: event.action,
      tenant: tenant?.slug ?? null,
      error: String(err),
    });
  }
}

/**
 * Records a refused sign-in (`auth.sign_in_failed`, or `auth.throttled` when the throttle
 * refused it) under the address tried, then rethrows `err`: `.catch((e) => failedSignIn(c, email, e))`.
 */
export async function failedSignIn(c: AppContext, email: string, err: unknown): Promise<never> {
  if (err instanceof AppError && err.status < 500) {
    await recordSecurityEvent(c, {
      action: err.status === 429 ? "auth.throttled" : "auth.sign_in_failed",
      actor: { email },
      details: { reason: err.message, status: err.status },
    });
  }
  throw err;
}

/** Records a successful sign-in of `user` (before the request carries the new session). */
export function recordSignIn(
  c: AppContext,
  user: { id: string; email: string },
  via: string,
): Promise<void> {
  return recordSecurityEvent(c, {
    action: "auth.sign_in",
    actor: { userId: user.id, email: user.email },
    details: { via },
  });
}
