import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { Browser, enrolTotp } from "../../tests/helpers/second_factor.ts";

Deno.test("the sign-in form asks for a second step and starts no session until a code completes it", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(new Date()) });
  try {
    const t = await signUpTenant(server);
    const app = await enrolTotp(server, t);
    const browser = new Browser(server, t.host);
    const first = await browser.logIn(t.email, t.password);
    assert.equal(first.status, 303);
    assert.equal(first.location, "/login/second-factor?next=%2F");
    assert.equal(browser.jar.get(t.host, "pm_session"), undefined, "no session after the password");
    assert.ok(browser.jar.get(t.host, "pm_pending_sign_in"));

    // The pending sign-in opens nothing else.
    const dashboard = await browser.get("/");
    assert.equal(dashboard.status, 303);
    assert.match(dashboard.location ?? "", /^\/login/);
    const api = await server.fetch(t.host, "/api/v1/me", {
      headers: { cookie: browser.jar.header(t.host) },
    });
    assert.equal(api.status, 401);
    await api.body?.cancel();

    const step = await browser.get("/login/second-factor?next=%2F");
    assert.equal(step.status, 200);
    assert.match(step.html, /name="code"/);
    const wrong = await browser.post("/login/second-factor", { code: "000000", next: "/" });
    assert.equal(wrong.status, 422);
    assert.match(wrong.html, /not right/);
    assert.equal(browser.jar.get(t.host, "pm_session"), undefined);

    const done = await browser.post("/login/second-factor", { code: app.next(), next: "/" });
    assert.equal(done.status, 303);
    assert.equal(done.location, "/");
    assert.ok(browser.jar.get(t.host, "pm_session"));
    assert.equal(browser.jar.get(t.host, "pm_pending_sign_in"), undefined);
    assert.equal((await browser.get("/")).status, 200);
  } finally {
    await server.close();
  }
});

Deno.test("a user without a second factor signs in with the password alone, as before", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const browser = new Browser(server, t.host);
    const res = await browser.logIn(t.email, t.password);
    assert.equal(res.status, 303);
    assert.equal(res.location, "/");
    assert.ok(browser.jar.get(t.host, "pm_session"));
  } finally {
    await server.close();
  }
});

Deno.test("the second-step page without a pending sign-in sends back to the sign-in form", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const browser = new Browser(server, t.host);
    const res = await browser.get("/login/second-factor");
    assert.equal(res.status, 303);
    assert.equal(res.location, "/login");
    await browser.get("/login");
    const forged = await browser.post("/login/second-factor", { code: "123456" });
    assert.equal(forged.status, 401);
    assert.equal(browser.jar.get(t.host, "pm_session"), undefined);
  } finally {
    await server.close();
  }
});
