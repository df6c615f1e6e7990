/**
 * @module auth/confirm_password
 * "Confirm it is you": changes to an account's own credentials (an authenticator app turned on or
 * off, recovery codes, a passkey added or removed) ask for the account's password again, under
 * the sign-in throttle. Without it, a session cookie left on a shared computer, or a session a
 * workspace's identity provider made (it speaks for its workspace, not for the account), could
 * turn on an authenticator app of its own and lock the owner out of every workspace.
 *
 * An account made by single sign-on has no password (`sso$`, auth/sso_sign_in.ts): its provider
 * is its only authority, and nothing is asked until a password reset gives it one.
 */
import { InvalidError, NotFoundError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { verifyPassword } from "./password.ts";
import { findUserById } from "./users.ts";

/** The password hash of an account single sign-on made: no password verifies against it. */
const NO_PASSWORD = "sso$";

/** Whether the account can be asked for a password (one made by single sign-on has none). */
export function hasPassword(user: { passwordHash: string }): boolean {
  return user.passwordHash !== NO_PASSWORD;
}

/** Whether the account of `userId` has a password to ask for. */
export async function accountHasPassword(services: Services, userId: string): Promise<boolean> {
  const user = await findUserById(services.control, userId);
  return user !== null && hasPassword(user);
}

/**
 * Checks the password of `userId` before a change to its credentials: 422 naming the `password`
 * field when it is missing or wrong (a wrong one counts toward the sign-in throttle, 429 past it).
 */
export async function confirmPassword(
  services: Services,
  userId: string,
  password: string | undefined,
): Promise<void> {
  const user = await findUserById(services.control, userId);
  if (!user) throw new NotFoundError("No such user.");
  if (!hasPassword(user)) return;
  if (!password) {
    const ask = "Enter your password to confirm it is you.";
    throw new InvalidError(ask, { password: [ask] }, 422);
  }
  const key = `user:${user.id}`;
  await services.loginThrottle.check(user.email, key);
  if (!(await verifyPassword(password, user.passwordHash))) {
    await services.loginThrottle.fail(user.email, key);
    const wrong = "Your password is not right.";
    throw new InvalidError(wrong, { password: [wrong] }, 422);
  }
  await services.loginThrottle.succeed(user.email, key);
}
