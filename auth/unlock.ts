/**
 * @module auth/unlock
 * The mailed unlock link. When an account starts being throttled (auth/throttle.ts: the failure
 * that begins the delays for one address), its owner gets an e-mail with a one-time link that
 * lifts every wait on the account, as a password reset does. At most one such mail per account
 * per throttle window (15 minutes), counted from the unlock links already issued, so a stranger
 * guessing passwords cannot flood the owner's inbox. The link opens a page with a button: mail
 * scanners that fetch links do not lift anything.
 */
import type { Services } from "../services.ts";
import { sendMail } from "../mail/outbox.ts";
import { unlockMail } from "../mail/templates.ts";
import { memberLanguage } from "../mail/language.ts";
import { consumeEmailToken, createEmailToken } from "./email_tokens.ts";
import { tenantOrigin } from "./handoff.ts";
import { FREE_FAILURES_PER_ACCOUNT_AND_IP, WINDOW_MS } from "./throttle.ts";
import { findUserById, membershipRole, type User } from "./users.ts";

/** The address links point at when no request is at hand: the workspace's host or the app's. */
async function originFor(services: Services, tenantId: string | null): Promise<string> {
  const { config } = services;
  const base = config.secureCookies
    ? `https://${config.APP_DOMAIN}`
    : `http://${config.APP_DOMAIN}:${config.PORT}`;
  const tenant = tenantId ? await services.registry.findById(tenantId) : null;
  return tenant ? tenantOrigin(tenant.slug, config, base) : base;
}

/**
 * Called after a failed password for an existing account: when this failure starts the delays
 * for (account, IP) and no unlock mail went out in the window, mails one. Returns whether it did.
 */
export async function offerUnlockLink(
  services: Services,
  user: Pick<User, "id" | "email" | "name">,
  ip: string,
  tenantId: string | null,
): Promise<boolean> {
  const now = Date.now();
  const failures = await services.loginThrottle.failures.recent(
    `account:${user.email.trim().toLowerCase()}`,
    ip,
    now,
  );
  if (failures.length !== FREE_FAILURES_PER_ACCOUNT_AND_IP) return false;
  const recent = await services.control.execute({
    sql: `SELECT 1 FROM email_tokens WHERE user_id = ? AND purpose = 'unlock' AND created_at > ?`,
    args: [user.id, new Date(now - WINDOW_MS).toISOString()],
  });
  if (recent.rows.length > 0) return false;
  // The workspace's host and mail only for its member (as a reset link: auth/email_tokens.ts);
  // a failure on a stranger workspace's host sends the link to the bare domain.
  const workspace = tenantId && await membershipRole(services.control, tenantId, user.id)
    ? tenantId
    : null;
  const token = await createEmailToken(services.control, user.id, "unlock");
  const link = `${await originFor(services, workspace)}/login/unlock?token=${
    encodeURIComponent(token)
  }`;
  const language = await memberLanguage(services, user.id, { tenantId: workspace });
  await sendMail(services, {
    to: user.email,
    tenantId: workspace,
    ...unlockMail({ name: user.name, link, language }),
  });
  return true;
}

/** Uses an unlock link once and lifts the account's waits; returns the user, or null if dead. */
export async function unlockAccount(
  services: Services,
  token: string,
): Promise<{ id: string; email: string } | null> {
  const userId = await consumeEmailToken(services.control, token, "unlock");
  const user = userId ? await findUserById(services.control, userId) : null;
  if (!user) return null;
  await services.loginThrottle.lift(user.email);
  return { id: user.id, email: user.email };
}
