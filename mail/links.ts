/**
 * @module mail/links
 * The public origin that links in e-mails (and redirects to other sites, such as the identity
 * provider's or Stripe's return addresses) point back at. It is built from configuration and the
 * workspace that tenant resolution found, never from the request's URL: Deno takes `c.req.url`
 * from an absolute-form request target (`POST https://evil.example/… HTTP/1.1` with a good Host),
 * so a reset link built from it would carry the token to whoever named that host.
 *
 * - On a workspace's subdomain: `<slug>.<APP_DOMAIN>` (the slug of the workspace found, not the
 *   header's text); on one of its custom domains: that domain, which tenant resolution admitted
 *   only because it is a verified domain of this workspace (tenants/registry.ts).
 * - On the bare domain: APP_DOMAIN.
 * - Scheme: https outside localhost (TLS ends at Fly's proxy). Only in localhost development is
 *   it http, with the port of the Host header (the one the browser used; digits only).
 */
import type { AppContext } from "../http/env.ts";
import { classifyHost } from "../tenants/host.ts";

interface OriginConfig {
  APP_DOMAIN: string;
  secureCookies: boolean;
}

/** `host`'s public origin: https in production; locally http, with `port` when there is one. */
export function originOf(config: { secureCookies: boolean }, host: string, port = ""): string {
  if (config.secureCookies) return `https://${host}`;
  return `http://${host}${/^\d{1,5}$/.test(port) ? `:${port}` : ""}`;
}

/** The port of the Host header, for localhost development only ("" when none). */
function hostPort(c: AppContext): string {
  return /:(\d{1,5})$/.exec(c.req.header("host") ?? "")?.[1] ?? "";
}

/** The bare domain's public origin (account pages: sign-in, password reset, workspace list). */
export function appOrigin(c: AppContext): string {
  const config: OriginConfig = c.get("services").config;
  return originOf(config, config.APP_DOMAIN.toLowerCase(), hostPort(c));
}

/**
 * The public origin of the site this request reached: the workspace's own host (its subdomain or
 * the verified custom domain it came through), or the bare domain.
 */
export function requestOrigin(c: AppContext): string {
  const config: OriginConfig = c.get("services").config;
  const tenant = c.get("tenant");
  if (!tenant) return appOrigin(c);
  const host = classifyHost(c.req.header("host"), config.APP_DOMAIN);
  const name = host.kind === "custom"
    ? host.host
    : `${tenant.slug}.${config.APP_DOMAIN.toLowerCase()}`;
  return originOf(config, name, hostPort(c));
}
