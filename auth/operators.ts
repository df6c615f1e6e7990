/**
 * @module auth/operators
 * The service's operators: people who run ProjectMeats itself (not a workspace's owners). They
 * are named by e-mail in the OPERATOR_EMAILS setting and see cross-workspace pages such as the
 * job queue, on the bare app domain only.
 *
 * Anyone can sign up with any address, so a listed address counts only once its owner has
 * confirmed it through the mailed link: until then the account proves nothing about who holds it.
 * (A second factor for operators waits for TOTP sign-in, which does not exist yet.)
 */
import type { Config } from "../config.ts";

/** True when `email` is listed in OPERATOR_EMAILS (comma-separated, case-insensitive). */
export function isOperatorEmail(config: Pick<Config, "OPERATOR_EMAILS">, email: string): boolean {
  const wanted = email.trim().toLowerCase();
  return wanted !== "" &&
    config.OPERATOR_EMAILS.split(",").some((e) => e.trim().toLowerCase() === wanted);
}

/** Whether a signed-in user may use the operator pages: listed, and the address confirmed. */
export function operatorAccess(
  config: Pick<Config, "OPERATOR_EMAILS">,
  who: { email: string; emailVerified: boolean },
): "granted" | "unverified" | "refused" {
  if (!isOperatorEmail(config, who.email)) return "refused";
  return who.emailVerified ? "granted" : "unverified";
}
