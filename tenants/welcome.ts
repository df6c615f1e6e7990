/**
 * @module tenants/welcome
 * What follows a successful signup, shared by the signup page and API: a one-time sign-in link to
 * the new workspace's own host, and the e-mail that confirms a new owner's address.
 */
import { createHandoff, tenantOrigin } from "../auth/handoff.ts";
import { sendVerificationEmail } from "../auth/email_tokens.ts";
import type { Services } from "../services.ts";
import type { SignupResult } from "./provision.ts";

/**
 * Sends the verification e-mail (new users) and returns the tenant's origin and sign-in link,
 * which opens only in the browser holding the handoff nonce `browser`.
 */
export async function welcomeNewTenant(
  services: Services,
  result: SignupResult,
  requestUrl: string,
  browser: string,
): Promise<{ origin: string; loginUrl: string }> {
  const origin = tenantOrigin(result.tenant.slug, services.config, requestUrl);
  const handoff = await createHandoff(
    services.control,
    result.user.id,
    result.tenant.id,
    "sign_in",
    browser,
  );
  if (result.user.created) {
    await sendVerificationEmail(services, result.user, origin, result.tenant.id);
  }
  return { origin, loginUrl: `${origin}/auth/handoff?token=${encodeURIComponent(handoff)}` };
}
