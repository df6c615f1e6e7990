import assert from "node:assert/strict";
import * as oidc from "openid-client";
import { ProviderAddressError, providerFetch } from "./sso_fetch.ts";
import { OidcCache } from "./sso_discovery.ts";

const INSIDE = [
  "https://127.0.0.1/token",
  "https://localhost/token",
  "https://[::1]/token",
  "https://[::ffff:127.0.0.1]:8642/token",
  "https://10.1.2.3/.well-known/openid-configuration",
  "https://169.254.169.254/latest/meta-data",
  "https://192.168.1.1/jwks",
  "https://[fd00::1]/jwks",
  "https://2130706433/token",
  "http://idp.example.com/token",
];

Deno.test("identity provider requests to loopback, private or plain-http addresses are refused before any connection", async () => {
  const asked: string[] = [];
  const guarded = providerFetch({
    allowPrivate: false,
    resolve: (host) => {
      asked.push(host);
      return Promise.resolve(["10.0.0.7"]);
    },
  });
  for (const url of INSIDE) {
    await assert.rejects(guarded(url, { method: "POST" }), ProviderAddressError, url);
  }
  assert.deepEqual(asked, [], "literal addresses are judged without DNS");
  // A name that resolves inside the network is refused too (checked at each request).
  await assert.rejects(guarded("https://idp.example.com/token"), ProviderAddressError);
  assert.deepEqual(asked, ["idp.example.com"]);
});

Deno.test("the token request goes through the guarded fetch: a discovery document naming an internal token endpoint reaches nothing", async () => {
  let internalCalls = 0;
  const internal = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, () => {
    internalCalls++;
    return Response.json({ access_token: "x", token_type: "Bearer" });
  });
  const discovery = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const issuer = new URL(req.url).origin;
    return Response.json({
      issuer,
      authorization_endpoint: `${issuer}/authorize`,
      // What an attacker's provider may publish: the server's own network.
      token_endpoint: `https://127.0.0.1:${internal.addr.port}/token`,
      jwks_uri: `https://169.254.169.254/jwks`,
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
    });
  });
  try {
    const issuer = `http://127.0.0.1:${discovery.addr.port}`;
    const guarded = providerFetch({ allowPrivate: false });
    // The document itself comes from the test's loopback server; everything after it is guarded.
    const fetchFn: typeof fetch = (input, init) =>
      String(input instanceof Request ? input.url : input).startsWith(issuer)
        ? fetch(input, init)
        : guarded(input, init);
    const cache = new OidcCache(() => Date.now(), fetchFn);
    const config = await cache.configuration(issuer, "client", "secret", true);
    const err = await oidc.authorizationCodeGrant(
      config,
      new URL("https://acme.example/auth/sso/callback?code=abc&state=s1"),
      { expectedState: "s1" },
    ).then(() => null, (e: unknown) => e);
    assert.ok(err, "the grant failed");
    const chain: string[] = [];
    for (
      let e = err as { message?: string; cause?: unknown } | undefined;
      e;
      e = e.cause as never
    ) {
      chain.push(String(e.message));
    }
    assert.ok(chain.some((m) => /not on the public internet/.test(m)), chain.join(" <- "));
    assert.equal(internalCalls, 0, "the internal service was never called");
    await assert.rejects(
      cache.verifyIdTokenSignature(issuer, "a.b.c"),
      ProviderAddressError,
      "the key set too",
    );
  } finally {
    await internal.shutdown();
    await discovery.shutdown();
  }
});
