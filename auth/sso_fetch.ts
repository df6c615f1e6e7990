/**
 * @module auth/sso_fetch
 * How single sign-on reaches a workspace's identity provider. The issuer is an address an
 * Enterprise owner types, and its discovery document names the token, key-set and user-info
 * endpoints freely; the callback that calls the token endpoint needs no account. So every one of
 * those requests goes to a public https address only, resolved once and connected to (a name that
 * answers a public address to the check and 127.0.0.1 a moment later, DNS rebinding, cannot move
 * the call inside), and no redirect is followed: never the cloud's metadata service, the app's own
 * ports or another machine of the private network. `SSO_ALLOW_PRIVATE_NETWORKS` (tests and a
 * developer's machine; refused in production) lets plain fetch reach loopback and private hosts.
 */
import {
  DestinationError,
  resolveDestination,
  type Resolver,
  systemResolver,
} from "../integrations/webhooks/destination.ts";
import { pinnedFetch } from "../plugins/host/pinned_fetch.ts";

/** Refused before any connection: what the settings page and the sign-in error show. */
export class ProviderAddressError extends Error {
  constructor(host: string) {
    super(
      `${host} is not on the public internet: an identity provider is reached over https at a ` +
        "public address",
    );
    this.name = "ProviderAddressError";
  }
}

/** A request body as the text a pinned request sends (openid-client sends forms and nothing else). */
function bodyText(body: BodyInit | null | undefined): string | undefined {
  if (body === null || body === undefined) return undefined;
  if (typeof body === "string") return body;
  if (body instanceof URLSearchParams) return body.toString();
  throw new TypeError("An identity provider request carries a form or no body.");
}

/** The fetch for identity providers (see the module header); `resolve` is for tests. */
export function providerFetch(
  opts: { allowPrivate: boolean; resolve?: Resolver },
): typeof fetch {
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (opts.allowPrivate) return await fetch(url, { ...init, redirect: "manual" });
    let address: string;
    try {
      ({ address } = await resolveDestination(url.href, {
        allowPrivate: false,
        resolve: opts.resolve ?? systemResolver,
      }));
    } catch (err) {
      if (err instanceof DestinationError) throw new ProviderAddressError(url.host);
      throw err;
    }
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    new Headers(init.headers).forEach((value, key) => headers.set(key, value));
    return await pinnedFetch(url, {
      method: init.method ?? (input instanceof Request ? input.method : "GET"),
      headers,
      body: bodyText(init.body),
      signal: init.signal,
    }, [address]);
  };
}
