import assert from "node:assert/strict";
import { FixedClock } from "../../../domain/clock.ts";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { addMember } from "../../../tests/helpers/members.ts";
import { Browser, codeAt, enrolTotp, stepNow } from "../../../tests/helpers/second_factor.ts";

async function required(server: TestServer, tenantId: string): Promise<number> {
  const rs = await server.services.control.execute({
    sql: "SELECT require_second_factor FROM tenants WHERE id = ?",
    args: [tenantId],
  });
  return Number(rs.rows[0]!.require_second_factor);
}

Deno.test("only an owner with a second factor can require one of every member", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const admin = await addMember(server, t.tenantId, "admin");
    const adminBrowser = new Browser(server, t.host);
    await adminBrowser.logIn(admin.email, admin.password);
    const members = await adminBrowser.get("/settings/members");
    assert.doesNotMatch(members.html, /second-factor-policy/, "admins see no policy form");
    const refused = await adminBrowser.post("/settings/members/second-factor-policy", {
      required: "1",
    });
    assert.equal(refused.status, 403);
    assert.equal(await required(server, t.tenantId), 0);

    const owner = new Browser(server, t.host);
    await owner.logIn(t.email, t.password);
    assert.match((await owner.get("/settings/members")).html, /second-factor-policy/);
    const first = await owner.post("/settings/members/second-factor-policy", { required: "1" });
    assert.equal(first.status, 400);
    assert.match(first.html, /for yourself first/);
    assert.equal(await required(server, t.tenantId), 0);

    await enrolTotp(server, t);
    await owner.get("/settings/members");
    const ok = await owner.post("/settings/members/second-factor-policy", { required: "1" });
    assert.equal(ok.status, 303);
    assert.equal(await required(server, t.tenantId), 1);
    assert.equal(await required(server, other.tenantId), 0, "another workspace is unchanged");
  } finally {
    await server.close();
  }
});

Deno.test("a member without a second factor must enrol, right after the password, before anything else", async () => {
  const clock = new FixedClock(new Date());
  const server = await startTestServer({}, { clock });
  try {
    const t = await signUpTenant(server);
    const broker = await addMember(server, t.tenantId, "broker");
    const oldToken = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: broker.email, password: broker.password, name: "before the policy" },
    });
    assert.equal(oldToken.status, 201);
    const { token } = await oldToken.json();
    await enrolTotp(server, t);
    await server.services.control.execute({
      sql: "UPDATE tenants SET require_second_factor = 1 WHERE id = ?",
      args: [t.tenantId],
    });
    server.services.authCache.clear();

    const browser = new Browser(server, t.host);
    const signIn = await browser.logIn(broker.email, broker.password);
    assert.equal(signIn.status, 303);
    for (const path of ["/", "/settings/profile", "/customers"]) {
      const page = await browser.get(path);
      assert.equal(page.status, 303, path);
      assert.equal(page.location, "/settings/profile/second-factor", path);
    }
    const api = await server.fetch(t.host, "/api/v1/customers", {
      headers: { cookie: browser.jar.header(t.host) },
    });
    assert.equal(api.status, 403);
    assert.equal((await api.json()).error.details.reason, "second_factor_enrollment_required");
    const bearer = await server.fetch(t.host, "/api/v1/customers", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(bearer.status, 403, "the member's old token waits for the enrolment too");
    await bearer.body?.cancel();
    const newToken = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: broker.email, password: broker.password, name: "after" },
    });
    assert.equal(newToken.status, 403);
    await newToken.body?.cancel();

    // The enrolment page is open to them; setting up the app opens everything again.
    const page = await browser.get("/settings/profile/second-factor");
    assert.equal(page.status, 200);
    assert.match(page.html, /requires two-step sign-in/);
    const started = await browser.post("/settings/profile/second-factor/start", {
      password: broker.password,
    });
    assert.equal(started.status, 200);
    const secret = /id="totp-secret">([A-Z2-7 ]+)</.exec(started.html)?.[1]?.replace(/ /g, "");
    assert.ok(secret, "the key is shown as text");
    assert.match(started.html, /otpauth:\/\/totp\//);
    assert.match(started.html, /data:image\/svg\+xml;base64,/);
    const confirmed = await browser.post("/settings/profile/second-factor/confirm", {
      code: codeAt(secret, stepNow(server)),
    });
    assert.equal(confirmed.status, 200);
    assert.equal((confirmed.html.match(/<code>[a-z2-9]{5}-[a-z2-9]{5}<\/code>/g) ?? []).length, 10);
    server.services.authCache.clear();
    assert.equal((await browser.get("/")).status, 200);
    const later = await server.fetch(t.host, "/api/v1/customers", {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(later.status, 200);
    await later.body?.cancel();
  } finally {
    await server.close();
  }
});
