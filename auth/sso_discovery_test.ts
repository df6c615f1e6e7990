/**
 * Single sign-on asks the identity provider for its discovery document and key set once per
 * lifetime (Cache-Control max-age within a floor and a ceiling), not on every sign-in; a key the
 * cached set lacks makes one fresh fetch; an id_token signed with a key the provider does not
 * publish is refused.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import {
  configureSso,
  type OidcProvider,
  startOidcProvider,
} from "../tests/helpers/oidc_provider.ts";
import { putInState } from "../tests/helpers/billing.ts";
import { cacheLifetimeMs } from "./sso_discovery.ts";

async function ssoSignIn(server: TestServer, t: SignedUp): Promise<Response> {
  const jar = new CookieJar();
  const start = await server.fetch(t.host, "/auth/sso/start");
  if (start.status !== 303) return start;
  jar.store(t.host, start);
  const authorize = await fetch(start.headers.get("location")!, { redirect: "manual" });
  assert.equal(authorize.status, 302);
  const back = new URL(authorize.headers.get("location")!);
  return await server.fetch(t.host, back.pathname + back.search, {
    headers: { cookie: jar.header(t.host) },
  });
}

async function withSso(
  cacheControl: string | null,
  fn: (server: TestServer, t: SignedUp, provider: OidcProvider, clock: FixedClock) => Promise<void>,
) {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({}, { clock });
  const provider = await startOidcProvider();
  provider.cacheControl = cacheControl;
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const saved = await configureSso(server, t, provider);
    assert.equal(saved.status, 303, await saved.text());
    await fn(server, t, provider, clock);
  } finally {
    await provider.close();
    await server.close();
  }
}

const signedIn = async (res: Response, label: string) => {
  assert.equal(res.status, 303, `${label}: ${await res.text()}`);
};

Deno.test("cacheLifetimeMs() follows max-age between a one-minute floor and a one-day ceiling", () => {
  assert.equal(cacheLifetimeMs("public, max-age=300"), 300_000);
  assert.equal(cacheLifetimeMs("max-age=5"), 60_000, "the floor");
  assert.equal(cacheLifetimeMs("max-age=9999999"), 86_400_000, "the ceiling");
  assert.equal(cacheLifetimeMs("no-store"), 60_000);
  assert.equal(cacheLifetimeMs("no-cache, max-age=600"), 60_000);
  assert.equal(cacheLifetimeMs(null), 3_600_000, "no header: an hour");
  assert.equal(cacheLifetimeMs("private"), 3_600_000);
});

Deno.test("single sign-on fetches discovery and keys once per max-age, not on every sign-in", async () => {
  await withSso("public, max-age=600", async (server, t, provider, clock) => {
    assert.deepEqual(provider.requests, { discovery: 1, jwks: 0 }, "saving checked the issuer");
    for (let i = 1; i <= 3; i++) {
      provider.user = { sub: `c${i}`, email: `c${i}@example.com`, email_verified: true };
      await signedIn(await ssoSignIn(server, t), `sign-in ${i}`);
    }
    assert.deepEqual(provider.requests, { discovery: 1, jwks: 1 });
    assert.equal(provider.tokenRequests, 3);

    clock.advance(601_000);
    await signedIn(await ssoSignIn(server, t), "after max-age");
    assert.deepEqual(provider.requests, { discovery: 2, jwks: 2 }, "both fetched again");
    clock.advance(300_000);
    await signedIn(await ssoSignIn(server, t), "within the new max-age");
    assert.deepEqual(provider.requests, { discovery: 2, jwks: 2 });
  });
});

Deno.test("a provider that says no-store is still asked at most once a minute", async () => {
  await withSso("no-store", async (server, t, provider, clock) => {
    await signedIn(await ssoSignIn(server, t), "first");
    await signedIn(await ssoSignIn(server, t), "second");
    assert.deepEqual(provider.requests, { discovery: 1, jwks: 1 });
    clock.advance(61_000);
    await signedIn(await ssoSignIn(server, t), "a minute later");
    assert.deepEqual(provider.requests, { discovery: 2, jwks: 2 });
  });
});

Deno.test("a rotated signing key makes one fresh fetch of the key set; an unpublished key is refused and changes nothing", async () => {
  await withSso("max-age=3600", async (server, t, provider) => {
    await signedIn(await ssoSignIn(server, t), "before the rotation");
    assert.equal(provider.requests.jwks, 1);
    await provider.rotateKey();
    await signedIn(await ssoSignIn(server, t), "after the rotation");
    assert.equal(provider.requests.jwks, 2, "the unknown kid fetched the set once");
    await signedIn(await ssoSignIn(server, t), "again");
    assert.equal(provider.requests.jwks, 2, "the new key is cached now");

    const sessions = async () =>
      (await server.services.control.execute("SELECT count(*) AS n FROM sessions")).rows[0]!.n;
    const before = await sessions();
    provider.tamper = { unpublishedKey: true };
    provider.user = { sub: "m1", email: "mallory@example.com", email_verified: true };
    const forged = await ssoSignIn(server, t);
    assert.equal(forged.status, 403);
    assert.match(await forged.text(), /not accepted/);
    assert.equal(provider.requests.jwks, 3, "one fresh fetch, then refused");
    assert.equal(await sessions(), before, "no session");
    const user = await server.services.control.execute({
      sql: "SELECT 1 FROM users WHERE email = ?",
      args: ["mallory@example.com"],
    });
    assert.equal(user.rows.length, 0, "no user");
  });
});
