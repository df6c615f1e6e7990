/**
 * @module auth/operators
 * The service's operators: people who run ProjectMeats itself (not a workspace's owners). They
 * are named by e-mail in the OPERATOR_EMAILS setting and see cross-workspace pages such as the
 * job queue, on the bare app domain only.
 *
 * Anyone can sign up with any address, so a listed address counts only once its owner has
 * confirmed it through the mailed link: until then the account proves nothing about who holds it.
 * And since these pages reach every workspace, a password alone is not enough: the account must
 * also have a second factor (auth/second_factor.ts), so its sign-ins went through both steps.
 */
import type { Config } from "../config.ts";

/** True when `email` is listed in OPERATOR_EMAILS (comma-separated, case-insensitive). */
export function isOperatorEmail(config: Pick<Config, "OPERATOR_EMAILS">, email: string): boolean {
  const wanted = email.trim().toLowerCase();
  return wanted !== "" &&
    config.OPERATOR_EMAILS.split(",").some((e) => e.trim().toLowerCase() === wanted);
}

/**
 * Whether a signed-in user may use the operator pages: listed, the address confirmed, and a
 * second factor on the account.
 */
export function operatorAccess(
  config: Pick<Config, "OPERATOR_EMAILS">,
  who: { email: string; emailVerified: boolean; secondFactor: boolean },
): "granted" | "unverified" | "no_second_factor" | "refused" {
  if (!isOperatorEmail(config, who.email)) return "refused";
  if (!who.emailVerified) return "unverified";
  return who.secondFactor ? "granted" : "no_second_factor";
}
