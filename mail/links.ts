/**
 * @module mail/links
 * Links in e-mails point back at the host the request came to. Tenant resolution has already
 * refused unknown hosts, so a forged Host header cannot aim a reset link at another site.
 */

/** The public origin of a request's host: https outside localhost (TLS ends at Fly's proxy). */
export function requestOrigin(config: { secureCookies: boolean }, requestUrl: string): string {
  const url = new URL(requestUrl);
  return config.secureCookies ? `https://${url.hostname}` : url.origin;
}
