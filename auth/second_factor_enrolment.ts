/**
 * @module auth/second_factor_enrolment
 * Turning a second factor on and off from Settings → Profile. Confirming the authenticator app
 * makes the ten recovery codes; turning it off, or making new codes, asks for the password again,
 * under the sign-in throttle, so a session left open on a shared computer cannot do either.
 */
import { InvalidError, NotFoundError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { verifyPassword } from "./password.ts";
import { deleteRecoveryCodes, replaceRecoveryCodes } from "./recovery_codes.ts";
import { confirmTotpEnrolment, hasTotp, removeTotp } from "./totp.ts";
import { findUserById } from "./users.ts";

/** Confirms the pending authenticator app with a first code; returns the new recovery codes. */
export async function confirmSecondFactor(
  services: Services,
  userId: string,
  code: string,
): Promise<string[]> {
  await confirmTotpEnrolment(services, userId, code);
  const codes = await replaceRecoveryCodes(services, userId);
  services.authCache.clear();
  return codes;
}

async function checkPassword(services: Services, userId: string, password: string) {
  const user = await findUserById(services.control, userId);
  if (!user) throw new NotFoundError("No such user.");
  const key = `user:${user.id}`;
  await services.loginThrottle.check(user.email, key);
  if (!(await verifyPassword(password, user.passwordHash))) {
    await services.loginThrottle.fail(user.email, key);
    const wrong = "Your password is not right.";
    throw new InvalidError(wrong, { password: [wrong] }, 422);
  }
  await services.loginThrottle.succeed(user.email, key);
}

/** Turns the second factor off after checking the password; its recovery codes go with it. */
export async function turnOffSecondFactor(
  services: Services,
  userId: string,
  password: string,
): Promise<void> {
  await checkPassword(services, userId, password);
  await removeTotp(services.control, userId);
  await deleteRecoveryCodes(services.control, userId);
  services.authCache.clear();
}

/** Replaces the recovery codes after checking the password; returns the new ones. */
export async function regenerateRecoveryCodes(
  services: Services,
  userId: string,
  password: string,
): Promise<string[]> {
  await checkPassword(services, userId, password);
  if (!(await hasTotp(services.control, userId))) {
    throw new InvalidError("Set up an authenticator app first.");
  }
  return await replaceRecoveryCodes(services, userId);
}
