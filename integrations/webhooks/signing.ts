/**
 * @module integrations/webhooks/signing
 * Signatures per the Standard Webhooks scheme (standardwebhooks.com), through its maintained
 * library: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`), keyed by the endpoint's `whsec_` secret.
 * Any Standard Webhooks verifier (Svix's, the library's own in every language) accepts them.
 */
import { Webhook } from "standardwebhooks";

/** A new signing secret: "whsec_" and 32 random bytes in base64. */
export function newSigningSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The three headers that sign `body` as message `id` sent at `at`. */
export function signatureHeaders(
  secret: string,
  id: string,
  at: Date,
  body: string,
): Record<string, string> {
  // Standard Webhooks timestamps are whole seconds; sign the same second the header states.
  const seconds = Math.floor(at.getTime() / 1000);
  return {
    "webhook-id": id,
    "webhook-timestamp": String(seconds),
    "webhook-signature": new Webhook(secret).sign(id, new Date(seconds * 1000), body),
  };
}
