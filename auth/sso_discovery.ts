/**
 * @module auth/sso_discovery
 * What single sign-on learns from an identity provider, kept per issuer instead of fetched on every
 * sign-in: the discovery document (endpoints, algorithms) and the JSON Web Key Set that signs its
 * id_tokens.
 *
 * - Each is kept for the `max-age` of its `Cache-Control`, held between a floor (60 s: a provider
 *   answering `no-store` is still asked at most once a minute per machine) and a ceiling (24 h: a
 *   moved endpoint is seen within a day); without `max-age`, one hour. Times are the app's clock.
 * - An id_token signed with a key the cached set does not hold (the provider rotated its keys) makes
 *   one fresh fetch of the set, then the sign-in is refused if the key is still unknown.
 * - A sign-in that fails to reach the provider forgets the issuer's discovery document, so the next
 *   one asks again; saving the settings (auth/sso.ts) always fetches afresh.
 * - At most 500 issuers are kept (the oldest entry goes first); the cache belongs to one
 *   `Services` (one per process), never shared between test servers.
 *
 * openid-client checks the id_token's claims (issuer, audience, expiry, nonce) but, in the
 * authorization code flow, not its signature (OpenID Connect allows that over TLS); this module
 * checks the signature too (`jose`), against the cached key set.
 */
import * as oidc from "openid-client";
import { compactVerify, createLocalJWKSet, errors as joseErrors, type JSONWebKeySet } from "jose";
import { providerFetch } from "./sso_fetch.ts";

const FLOOR_MS = 60_000;
const CEILING_MS = 24 * 3600_000;
const DEFAULT_MS = 3600_000;
const MAX_ISSUERS = 500;
const TIMEOUT_MS = 10_000;
const ASYMMETRIC = /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/;

interface Entry<T> {
  value: T;
  expires: number;
}

/** How long an answer may be kept, from its Cache-Control, within the floor and ceiling. */
export function cacheLifetimeMs(cacheControl: string | null): number {
  const maxAge = /(?:^|[,\s])max-age\s*=\s*"?(\d+)"?/i.exec(cacheControl ?? "")?.[1];
  const noStore = /(?:^|[,\s])(no-store|no-cache)(?:$|[,\s=])/i.test(cacheControl ?? "");
  const wanted = noStore ? 0 : maxAge !== undefined ? Number(maxAge) * 1000 : DEFAULT_MS;
  return Math.min(CEILING_MS, Math.max(FLOOR_MS, wanted));
}

/** Plain http is allowed only where the issuer was: loopback (tests and development). */
function insecure(url: string): boolean {
  return new URL(url).protocol === "http:";
}

/** The per-issuer cache of discovery documents and key sets (see the module header). */
export class OidcCache {
  #discovery = new Map<string, Entry<oidc.ServerMetadata>>();
  #jwks = new Map<string, Entry<JSONWebKeySet>>();

  constructor(readonly now: () => number, readonly fetchFn: typeof fetch = fetch) {}

  /** The issuer's discovery document: cached, or fetched (always, with `fresh`). */
  async metadata(issuer: string, fresh = false): Promise<oidc.ServerMetadata> {
    const hit = this.#discovery.get(issuer);
    if (hit && !fresh && hit.expires > this.now()) return hit.value;
    let cacheControl: string | null = null;
    const capture: oidc.CustomFetch = async (url, options) => {
      const res = await this.fetchFn(url, options as RequestInit);
      cacheControl = res.headers.get("cache-control");
      return res;
    };
    const found = await oidc.discovery(
      new URL(issuer),
      "projectmeats-discovery",
      undefined,
      undefined,
      {
        timeout: TIMEOUT_MS / 1000,
        [oidc.customFetch]: capture,
        ...(insecure(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    const metadata = { ...found.serverMetadata() } as oidc.ServerMetadata;
    this.#put(this.#discovery, issuer, metadata, cacheLifetimeMs(cacheControl));
    return metadata;
  }

  /** A client configuration for one workspace's credentials over the cached document. */
  async configuration(
    issuer: string,
    clientId: string,
    clientSecret: string,
    fresh = false,
  ): Promise<oidc.Configuration> {
    const config = new oidc.Configuration(
      await this.metadata(issuer, fresh),
      clientId,
      clientSecret,
      oidc.ClientSecretBasic(clientSecret),
    );
    if (insecure(issuer)) oidc.allowInsecureRequests(config);
    config.timeout = TIMEOUT_MS / 1000;
    // The token and user-info requests go where the document says: through the same fetch.
    config[oidc.customFetch] = this.fetchFn as oidc.CustomFetch;
    return config;
  }

  /** Drops what is cached for an issuer (its provider did not answer as the cache said). */
  forget(issuer: string): void {
    this.#discovery.delete(issuer);
    this.#jwks.delete(issuer);
  }

  /**
   * Checks an id_token's signature against the issuer's key set; a key the cached set lacks
   * makes one fresh fetch of the set. Throws when the signature does not verify.
   */
  async verifyIdTokenSignature(issuer: string, idToken: string): Promise<void> {
    const metadata = await this.metadata(issuer);
    if (!metadata.jwks_uri) throw new Error("the provider publishes no jwks_uri");
    const algorithms = (metadata.id_token_signing_alg_values_supported ?? ["RS256"])
      .filter((alg) => ASYMMETRIC.test(alg));
    const verify = async (fresh: boolean) =>
      await compactVerify(
        idToken,
        createLocalJWKSet(await this.#keySet(issuer, metadata.jwks_uri!, fresh)),
        { algorithms },
      );
    try {
      await verify(false);
    } catch (err) {
      if (!(err instanceof joseErrors.JWKSNoMatchingKey)) throw err;
      await verify(true);
    }
  }

  async #keySet(issuer: string, uri: string, fresh: boolean): Promise<JSONWebKeySet> {
    const hit = this.#jwks.get(issuer);
    if (hit && !fresh && hit.expires > this.now()) return hit.value;
    if (!insecure(issuer) && new URL(uri).protocol !== "https:") {
      throw new Error("the provider's jwks_uri is not https");
    }
    const res = await this.fetchFn(uri, {
      headers: { accept: "application/jwk-set+json, application/json" },
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`the provider's key set answered ${res.status}`);
    }
    const body = await res.json() as JSONWebKeySet;
    if (!body || !Array.isArray(body.keys)) throw new Error("the provider's key set has no keys");
    this.#put(this.#jwks, issuer, body, cacheLifetimeMs(res.headers.get("cache-control")));
    return body;
  }

  #put<T>(map: Map<string, Entry<T>>, issuer: string, value: T, lifetimeMs: number): void {
    map.delete(issuer);
    map.set(issuer, { value, expires: this.now() + lifetimeMs });
    while (map.size > MAX_ISSUERS) map.delete(map.keys().next().value!);
  }
}

const caches = new WeakMap<object, OidcCache>();

/**
 * The cache of one running app (keyed by its control database handle, one per Services); it
 * reaches providers through auth/sso_fetch.ts.
 */
export function oidcCacheOf(
  services: {
    control: object;
    clock: { now(): Date };
    config: { SSO_ALLOW_PRIVATE_NETWORKS: boolean };
  },
): OidcCache {
  let cache = caches.get(services.control);
  if (!cache) {
    cache = new OidcCache(
      () => services.clock.now().getTime(),
      providerFetch({ allowPrivate: services.config.SSO_ALLOW_PRIVATE_NETWORKS }),
    );
    caches.set(services.control, cache);
  }
  return cache;
}
