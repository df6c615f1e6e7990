/**
 * @module auth/operators
 * The service's operators: people who run ProjectMeats itself (not a workspace's owners). They
 * are named by e-mail in the OPERATOR_EMAILS setting and see cross-workspace pages such as the
 * job queue, on the bare app domain only.
 */
import type { Config } from "../config.ts";

/** True when `email` is listed in OPERATOR_EMAILS (comma-separated, case-insensitive). */
export function isOperator(config: Pick<Config, "OPERATOR_EMAILS">, email: string): boolean {
  const wanted = email.trim().toLowerCase();
  return wanted !== "" &&
    config.OPERATOR_EMAILS.split(",").some((e) => e.trim().toLowerCase() === wanted);
}
