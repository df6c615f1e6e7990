/**
 * @module auth/login
 * Checks e-mail and password for a sign-in or a token request, with throttling per (account, IP)
 * and per IP (auth/throttle.ts: growing delays, never a lock-out of the owner).
 * The same message answers every failure, so it never tells which e-mail addresses exist.
 */
import { z } from "zod";
import type { Services } from "../services.ts";
import { ForbiddenError, UnauthorizedError } from "../domain/errors.ts";
import { hashToCheck, verifyPassword } from "./password.ts";
import type { Role } from "./roles.ts";
import { findUserByEmail, membershipRole, type User } from "./users.ts";
import { SSO_REQUIRED_MESSAGE, ssoRequiredFor } from "./sso.ts";
import { offerUnlockLink } from "./unlock.ts";

export const LoginSchema = z.object({
  email: z.string().trim().toLowerCase().min(3, "Enter your e-mail address.").max(254)
    .meta({ format: "email" }),
  password: z.string().min(1, "Enter your password.").max(200),
});

const WRONG = "The e-mail or password is not right.";

/** Verifies credentials; on a tenant host also requires membership. Throws on any failure. */
export async function checkCredentials(
  services: Services,
  input: { email: string; password: string; ip: string; tenantId: string | null },
): Promise<{ user: User; role: Role | null }> {
  const { control, loginThrottle } = services;
  await loginThrottle.check(input.email, input.ip);
  const user = await findUserByEmail(control, input.email);
  // Unknown e-mails and accounts without a password are checked against a dummy hash of the same
  // cost: every wrong password takes as long, so the timing names no account.
  const hash = hashToCheck(user?.passwordHash, services.config.PASSWORD_SCRYPT_N);
  const ok = await verifyPassword(input.password, hash) && hash === user?.passwordHash;
  if (!user || !ok) {
    await loginThrottle.fail(input.email, input.ip);
    // The failure that starts the delays mails the owner a link that lifts them (auth/unlock.ts).
    if (user) await offerUnlockLink(services, user, input.ip, input.tenantId);
    throw new UnauthorizedError(WRONG);
  }
  let role: Role | null = null;
  if (input.tenantId) {
    role = await membershipRole(control, input.tenantId, user.id);
    if (!role) {
      await loginThrottle.fail(input.email, input.ip);
      throw new ForbiddenError(
        "You are not a member of this workspace. Ask its owner for an invitation.",
      );
    }
    // A workspace that requires single sign-on lets only owners in with a password.
    if (await ssoRequiredFor(services, input.tenantId, role)) {
      throw new ForbiddenError(SSO_REQUIRED_MESSAGE, { reason: "sso_required" });
    }
  }
  await loginThrottle.succeed(input.email, input.ip);
  return { user, role };
}
