/**
 * @module tests/helpers/oidc_provider
 * A loopback OpenID Connect identity provider for single sign-on tests (Deno.serve on 127.0.0.1):
 * discovery, JWKS, an authorize endpoint that approves at once as `provider.user`, and a token
 * endpoint that checks the client secret, the code, the redirect URI and the PKCE verifier, then
 * signs an RS256 id_token with `jose`. `provider.tamper` makes it answer wrongly on purpose (another
 * state, another nonce, a key it does not publish) so tests can prove the app refuses each.
 * `requests` counts discovery and key-set fetches, `cacheControl` is sent with both, and
 * `rotateKey()` signs with a new key from then on (published beside the old one).
 */
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { SignedUp, TestServer } from "./server.ts";

export interface IdpUser {
  sub: string;
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface OidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorization approves. */
  user: IdpUser;
  /** Wrong answers on purpose for the next authorizations (`unpublishedKey`: sign with a key
   * that is not in the key set). */
  tamper: { state?: string; nonce?: string; unpublishedKey?: boolean };
  /** Token requests served (each code is good once). */
  tokenRequests: number;
  /** Discovery documents and key sets served. */
  requests: { discovery: number; jwks: number };
  /** The Cache-Control header of the discovery document and the key set (none when null). */
  cacheControl: string | null;
  /** Signs with a new key (new kid) from now on; the key set publishes both. */
  rotateKey(): Promise<void>;
  close(): Promise<void>;
}

interface Grant {
  clientId: string;
  redirectUri: string;
  nonce: string;
  challenge: string;
  user: IdpUser;
}

/** Starts the provider; `close()` stops it. */
export async function startOidcProvider(
  clientId = "projectmeats-test",
  clientSecret = "s3cret-for-tests-only",
): Promise<OidcProvider> {
  const newKey = async (kid: string) => {
    const pair = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(pair.publicKey)), kid, alg: "RS256", use: "sig" };
    return { privateKey: pair.privateKey, jwk, kid };
  };
  let signing = await newKey("test-key");
  const published = [signing.jwk];
  const stranger = await newKey("stranger-key");
  const grants = new Map<string, Grant>();
  let issuer = "";
  const provider: OidcProvider = {
    issuer: "",
    clientId,
    clientSecret,
    user: { sub: "user-1", email: "pat@example.com", email_verified: true, name: "Pat Person" },
    tamper: {},
    tokenRequests: 0,
    requests: { discovery: 0, jwks: 0 },
    cacheControl: null,
    async rotateKey() {
      signing = await newKey(`test-key-${published.length + 1}`);
      published.push(signing.jwk);
    },
    close: () => Promise.resolve(),
  };
  const cached = () =>
    provider.cacheControl ? { headers: { "cache-control": provider.cacheControl } } : {};

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === "/.well-known/openid-configuration") {
      provider.requests.discovery++;
      return Response.json({
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
        code_challenge_methods_supported: ["S256"],
        token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
        scopes_supported: ["openid", "email", "profile"],
      }, cached());
    }
    if (url.pathname === "/jwks") {
      provider.requests.jwks++;
      return Response.json({ keys: published }, cached());
    }
    if (url.pathname === "/authorize") {
      const p = url.searchParams;
      if (p.get("client_id") !== clientId || p.get("code_challenge_method") !== "S256") {
        return new Response("bad authorization request", { status: 400 });
      }
      const code = crypto.randomUUID();
      grants.set(code, {
        clientId,
        redirectUri: p.get("redirect_uri") ?? "",
        nonce: provider.tamper.nonce ?? p.get("nonce") ?? "",
        challenge: p.get("code_challenge") ?? "",
        user: { ...provider.user },
      });
      const back = new URL(p.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", provider.tamper.state ?? p.get("state") ?? "");
      return new Response(null, { status: 302, headers: { location: back.href } });
    }
    if (url.pathname === "/token" && req.method === "POST") {
      provider.tokenRequests++;
      const form = new URLSearchParams(await req.text());
      const basic = /^Basic (.+)$/.exec(req.headers.get("authorization") ?? "")?.[1];
      const [id, secret] = basic
        ? Buffer.from(basic, "base64").toString().split(":").map(decodeURIComponent)
        : [form.get("client_id"), form.get("client_secret")];
      if (id !== clientId || secret !== clientSecret) {
        return Response.json({ error: "invalid_client" }, { status: 401 });
      }
      const grant = grants.get(form.get("code") ?? "");
      grants.delete(form.get("code") ?? "");
      const verifier = form.get("code_verifier") ?? "";
      const challenge = createHash("sha256").update(verifier).digest("base64url");
      if (
        !grant || grant.redirectUri !== form.get("redirect_uri") || grant.challenge !== challenge
      ) {
        return Response.json({ error: "invalid_grant" }, { status: 400 });
      }
      const key = provider.tamper.unpublishedKey ? stranger : signing;
      const idToken = await new SignJWT({
        email: grant.user.email,
        email_verified: grant.user.email_verified,
        name: grant.user.name,
        nonce: grant.nonce,
      })
        .setProtectedHeader({ alg: "RS256", kid: key.kid })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(grant.user.sub)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(key.privateKey);
      return Response.json({
        access_token: crypto.randomUUID(),
        token_type: "Bearer",
        expires_in: 300,
        id_token: idToken,
      });
    }
    return new Response("not found", { status: 404 });
  };

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, handler);
  issuer = `http://127.0.0.1:${server.addr.port}`;
  provider.issuer = issuer;
  provider.close = () => server.shutdown();
  return provider;
}

/** Sets up single sign-on through Settings → Single sign-on, as the owner. */
export async function configureSso(
  server: TestServer,
  t: SignedUp,
  provider: OidcProvider,
  extra: Record<string, string> = {},
): Promise<Response> {
  const form = new URLSearchParams({
    _csrf: t.csrf,
    issuer: provider.issuer,
    client_id: provider.clientId,
    client_secret: provider.clientSecret,
    allowed_domains: "example.com, example.org",
    default_role: "broker",
    ...extra,
  });
  return await server.fetch(t.host, "/settings/sso", {
    method: "POST",
    headers: {
      cookie: t.jar.header(t.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: form.toString(),
  });
}
