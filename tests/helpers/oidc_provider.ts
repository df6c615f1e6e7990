/**
 * @module tests/helpers/oidc_provider
 * A loopback OpenID Connect identity provider for single sign-on tests (Deno.serve on 127.0.0.1):
 * discovery, JWKS, an authorize endpoint that approves at once as `provider.user`, and a token
 * endpoint that checks the client secret, the code, the redirect URI and the PKCE verifier, then
 * signs an RS256 id_token with `jose`. `provider.tamper` makes it answer wrongly on purpose (another
 * state, another nonce) so tests can prove the app refuses each.
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
  /** Wrong answers on purpose for the next authorizations. */
  tamper: { state?: string; nonce?: string };
  /** Token requests served (each code is good once). */
  tokenRequests: number;
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
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const grants = new Map<string, Grant>();
  let issuer = "";
  const provider: OidcProvider = {
    issuer: "",
    clientId,
    clientSecret,
    user: { sub: "user-1", email: "pat@example.com", email_verified: true, name: "Pat Person" },
    tamper: {},
    tokenRequests: 0,
    close: () => Promise.resolve(),
  };

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    if (url.pathname === "/.well-known/openid-configuration") {
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
      });
    }
    if (url.pathname === "/jwks") return Response.json({ keys: [jwk] });
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
      const idToken = await new SignJWT({
        email: grant.user.email,
        email_verified: grant.user.email_verified,
        name: grant.user.name,
        nonce: grant.nonce,
      })
        .setProtectedHeader({ alg: "RS256", kid: "test-key" })
        .setIssuer(issuer)
        .setAudience(clientId)
        .setSubject(grant.user.sub)
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(privateKey);
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
