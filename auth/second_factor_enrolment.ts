/**
 * @module auth/second_factor_enrolment
 * Turning a second factor on and off from Settings → Profile. Confirming the authenticator app
 * makes the ten recovery codes; starting it (routes/settings/profile/second_factor.tsx), turning
 * it off or making new codes asks for the password again (auth/confirm_password.ts), so a session
 * left open on a shared computer, or one an identity provider made, can do none of them.
 */
import { InvalidError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { confirmPassword } from "./confirm_password.ts";
import { deleteRecoveryCodes, replaceRecoveryCodes } from "./recovery_codes.ts";
import { confirmTotpEnrolment, hasTotp, removeTotp } from "./totp.ts";

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

/** Turns the second factor off after checking the password; its recovery codes go with it. */
export async function turnOffSecondFactor(
  services: Services,
  userId: string,
  password: string,
): Promise<void> {
  await confirmPassword(services, userId, password);
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
  await confirmPassword(services, userId, password);
  if (!(await hasTotp(services.control, userId))) {
    throw new InvalidError("Set up an authenticator app first.");
  }
  return await replaceRecoveryCodes(services, userId);
}
