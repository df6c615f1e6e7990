import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { linkIn, mailTo } from "../tests/helpers/members.ts";
import { Browser } from "../tests/helpers/second_factor.ts";
import { FREE_FAILURES_PER_ACCOUNT_AND_IP } from "./throttle.ts";

function login(server: TestServer, host: string, email: string, password: string) {
  return server.fetch(host, "/api/v1/auth/login", { method: "POST", json: { email, password } });
}

async function unlockMails(server: TestServer, to: string) {
  return (await mailTo(server, to)).filter((m) => /Failed sign-ins/.test(m.subject));
}

Deno.test("when an account starts being throttled its owner gets one unlock link, which lifts the wait", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const bystander = await signUpTenant(server);
    for (let i = 0; i < FREE_FAILURES_PER_ACCOUNT_AND_IP - 1; i++) {
      const res = await login(server, t.host, t.email, "not the password");
      assert.equal(res.status, 401);
      await res.body?.cancel();
    }
    assert.equal((await unlockMails(server, t.email)).length, 0, "no mail while attempts are free");
    const fifth = await login(server, t.host, t.email, "not the password");
    assert.equal(fifth.status, 401);
    await fifth.body?.cancel();
    const mails = await unlockMails(server, t.email);
    assert.equal(mails.length, 1, "the failure that starts the delays mails the owner");
    assert.equal((await unlockMails(server, bystander.email)).length, 0);

    // Throttled now: even the right password waits, and no second mail goes out in the window.
    const waiting = await login(server, t.host, t.email, t.password);
    assert.equal(waiting.status, 429);
    await waiting.body?.cancel();
    await new Promise((r) => setTimeout(r, 1100));
    const sixth = await login(server, t.host, t.email, "still not it");
    await sixth.body?.cancel();
    assert.equal((await unlockMails(server, t.email)).length, 1, "at most one mail per window");

    // The link opens a page (mail scanners fetch links); its button lifts the wait.
    const link = linkIn(mails[0]!.text);
    assert.equal(link.host, t.host);
    assert.match(link.path, /^\/login\/unlock\?token=/);
    const browser = new Browser(server, link.host);
    const page = await browser.get(link.path);
    assert.equal(page.status, 200);
    const stillWaiting = await login(server, t.host, t.email, t.password);
    assert.equal(stillWaiting.status, 429, "opening the link alone lifts nothing");
    await stillWaiting.body?.cancel();
    const lifted = await browser.post("/login/unlock", { token: link.token });
    assert.equal(lifted.status, 200);
    assert.match(lifted.html, /you can sign in now/);
    const ok = await login(server, t.host, t.email, t.password);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();

    // The link works once.
    const again = await browser.post("/login/unlock", { token: link.token });
    assert.equal(again.status, 400);
  } finally {
    await server.close();
  }
});

Deno.test("unknown addresses get no unlock mail and reveal nothing", async () => {
  const server = await startTestServer();
  try {
    await signUpTenant(server);
    const before = (await server.services.control.execute("SELECT COUNT(*) AS n FROM outbox"))
      .rows[0]!.n;
    for (let i = 0; i < FREE_FAILURES_PER_ACCOUNT_AND_IP + 1; i++) {
      const res = await login(server, "localhost", "nobody@nowhere.example", "guess guess guess");
      await res.body?.cancel();
    }
    const after = (await server.services.control.execute("SELECT COUNT(*) AS n FROM outbox"))
      .rows[0]!.n;
    assert.equal(after, before);
  } finally {
    await server.close();
  }
});
