import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { configureSso, startOidcProvider } from "../../tests/helpers/oidc_provider.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { addMember, signIn } from "../../tests/helpers/members.ts";
import { issuerAllowed } from "../../auth/sso.ts";

Deno.test("issuers are https at a public address; plain http on loopback only where private networks are allowed", () => {
  for (const allowPrivate of [false, true]) {
    assert.ok(issuerAllowed("https://login.example.com", allowPrivate));
    assert.ok(issuerAllowed("https://login.example.com/tenant/v2.0", allowPrivate));
    assert.ok(!issuerAllowed("http://login.example.com", allowPrivate));
    assert.ok(!issuerAllowed("http://10.0.0.5", allowPrivate));
    assert.ok(!issuerAllowed("ftp://login.example.com", allowPrivate));
    assert.ok(!issuerAllowed("https://user:pw@login.example.com", allowPrivate));
    assert.ok(!issuerAllowed("not a url", allowPrivate));
  }
  assert.ok(issuerAllowed("http://127.0.0.1:8080", true));
  assert.ok(issuerAllowed("http://localhost:9000", true));
  for (
    const inside of [
      "http://127.0.0.1:8080",
      "http://localhost:9000",
      "https://127.0.0.1",
      "https://10.1.2.3",
      "https://169.254.169.254/latest",
      "https://[::ffff:127.0.0.1]:8642",
      "https://[fd00::1]",
      "https://2130706433",
      "https://sso.localhost",
    ]
  ) {
    assert.ok(!issuerAllowed(inside), inside);
  }
});

Deno.test("without SSO_ALLOW_PRIVATE_NETWORKS an issuer on loopback or a private network is refused and never called", async () => {
  const server = await startTestServer({ SSO_ALLOW_PRIVATE_NETWORKS: "false" });
  const provider = await startOidcProvider();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    for (const issuer of [provider.issuer, "https://10.1.2.3", "https://169.254.169.254/latest"]) {
      const res = await configureSso(server, t, provider, { issuer });
      assert.equal(res.status, 422, issuer);
      assert.match(await res.text(), /public internet, not a private or loopback one/);
    }
    assert.equal(provider.requests.discovery, 0, "the provider was never asked");
    const saved = await server.services.control.execute(
      "SELECT COUNT(*) AS n FROM sso_connections",
    );
    assert.equal(Number(saved.rows[0]!.n), 0);
  } finally {
    await provider.close();
    await server.close();
  }
});

Deno.test("Settings → Single sign-on: owners only, Enterprise only, and the secret is never shown back", async () => {
  const server = await startTestServer();
  const provider = await startOidcProvider();
  try {
    const t = await signUpTenant(server);
    const page = () =>
      server.fetch(t.host, "/settings/sso", { headers: { cookie: t.jar.header(t.host) } });
    const rows = async () =>
      (await server.services.control.execute("SELECT * FROM sso_connections")).rows.map((r) => ({
        ...r,
      }));

    // On the trial: shown, but offered only on Enterprise; a save is refused.
    assert.match(await (await page()).text(), /part of the Enterprise plan/);
    assert.equal((await configureSso(server, t, provider)).status, 402);
    assert.deepEqual(await rows(), []);

    await putInState(server.services, t.tenantId, "enterprise", "active");
    // Plain http to a host that is not this machine, and an issuer that does not answer.
    const insecure = await configureSso(server, t, provider, { issuer: "http://sso.example.com" });
    assert.equal(insecure.status, 422);
    assert.match(await insecure.text(), /starting with https/);
    const silent = await configureSso(server, t, provider, { issuer: "http://127.0.0.1:9" });
    assert.equal(silent.status, 422);
    assert.match(await silent.text(), /did not answer/);
    assert.deepEqual(await rows(), []);

    assert.equal((await configureSso(server, t, provider)).status, 303);
    const html = await (await page()).text();
    assert.match(html, new RegExp(provider.issuer.replaceAll(".", "\\.")));
    assert.match(html, /\/auth\/sso\/callback/);
    assert.ok(!html.includes(provider.clientSecret), "the secret is not in the page");
    // A save with the secret left blank keeps it.
    assert.equal((await configureSso(server, t, provider, { client_secret: "" })).status, 303);
    assert.equal((await rows())[0]!.client_secret, provider.clientSecret);

    // An admin sees no tab and is refused.
    const admin = await addMember(server, t.tenantId, "admin");
    const session = await signIn(server, t.host, admin.email, admin.password);
    const asAdmin = await server.fetch(t.host, "/settings/sso", {
      headers: { cookie: session.jar.header(t.host) },
    });
    assert.equal(asAdmin.status, 403);
    const profile = await server.fetch(t.host, "/settings/profile", {
      headers: { cookie: session.jar.header(t.host) },
    });
    assert.doesNotMatch(await profile.text(), /href="\/settings\/sso"/);
    const before = await rows();
    const post = await server.fetch(t.host, "/settings/sso/remove", {
      method: "POST",
      headers: {
        cookie: session.jar.header(t.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: session.csrf }).toString(),
    });
    assert.equal(post.status, 403);
    assert.deepEqual(await rows(), before);
  } finally {
    await provider.close();
    await server.close();
  }
});
