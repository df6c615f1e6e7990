import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { sendMail } from "../../mail/outbox.ts";
import { parseConfig } from "../../config.ts";
import { createApp } from "../../app.ts";

const escaped = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

Deno.test("GET /dev/mail shows each host only its own mail, with clickable links", async () => {
  const server = await startTestServer({ DEV_MAILBOX: "1" });
  try {
    const mine = await signUpTenant(server);
    const theirs = await signUpTenant(server);
    await sendMail(server.services, {
      to: "buyer@plant.example",
      tenantId: mine.tenantId,
      subject: "Your <b>load</b>",
      text: "Open http://localhost:8000/reset-password?token=abc&x=1 now",
    });
    await sendMail(server.services, { to: "ops@apex.example", subject: "Apex", text: "apex" });
    // The attack: ask for a reset of another workspace's owner, then read the mailbox.
    const forgot = await server.fetch(theirs.host, "/api/v1/auth/password/forgot", {
      method: "POST",
      json: { email: theirs.email },
    });
    assert.equal(forgot.status, 202);
    await forgot.body?.cancel();

    const res = await server.fetch(mine.host, "/dev/mail");
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /buyer@plant\.example/);
    assert.match(html, /<a href="http:\/\/localhost:8000\/reset-password\?token=abc&amp;x=1">/);
    assert.match(html, /Your &lt;b>load&lt;\/b>/, "subjects are escaped");
    assert.match(html, escaped(mine.email), "this workspace's signup confirmation is listed");
    assert.doesNotMatch(html, escaped(theirs.email), "no mail of another workspace");
    assert.doesNotMatch(html, /reset-password\?token=(?!abc)/, "no other reset link");
    assert.doesNotMatch(html, /ops@apex\.example/, "no mail of the bare domain");

    const theirsJson = await (await server.fetch(theirs.host, "/dev/mail", {
      headers: { accept: "application/json" },
    })).json();
    assert.deepEqual(
      theirsJson.data.map((m: { to: string; subject: string }) => m.to),
      [theirs.email, theirs.email],
      "the other host sees its reset and its signup mail, newest first",
    );
    assert.match(theirsJson.data[0].subject, /password/i);

    const apex = await (await server.fetch("localhost", "/dev/mail", {
      headers: { accept: "application/json" },
    })).json();
    assert.deepEqual(apex.data.map((m: { to: string }) => m.to), ["ops@apex.example"]);
  } finally {
    await server.close();
  }
});

Deno.test("GET /dev/mail does not exist unless DEV_MAILBOX is set", async () => {
  // APP_ENV left at its default, as in the outside test.
  const server = await startTestServer({ APP_ENV: "development" });
  try {
    const t = await signUpTenant(server);
    await sendMail(server.services, { to: "a@plant.example", subject: "Secret", text: "s3cret" });
    for (const host of ["localhost", t.host]) {
      const res = await server.fetch(host, "/dev/mail");
      assert.equal(res.status, 404);
      const text = await res.text();
      assert.ok(!text.includes("s3cret"));
      assert.ok(!text.includes("verify?token="));
    }
  } finally {
    await server.close();
  }
});

Deno.test("GET /dev/mail answers only this machine: a remote or forwarded client gets 404", async () => {
  const server = await startTestServer({ DEV_MAILBOX: "1", TRUST_PROXY: "1" });
  try {
    await sendMail(server.services, { to: "a@plant.example", subject: "Secret", text: "s3cret" });
    const app = createApp(server.services);
    const ask = async (peer: string, headers: Record<string, string> = {}) => {
      const res = await app.fetch(
        new Request("http://localhost/dev/mail", { headers: { host: "localhost", ...headers } }),
        { remoteAddr: { hostname: peer } },
      );
      return { status: res.status, text: await res.text() };
    };
    const remote = await ask("203.0.113.9");
    assert.equal(remote.status, 404);
    assert.ok(!remote.text.includes("s3cret"));
    const spoofed = await ask("203.0.113.9", { "fly-client-ip": "127.0.0.1" });
    assert.equal(spoofed.status, 404, "a forwarded-for header does not make a client local");
    const proxied = await ask("127.0.0.1", { "x-forwarded-for": "203.0.113.9" });
    assert.equal(proxied.status, 404, "a proxy on this machine forwards strangers");
    const local = await ask("::1");
    assert.equal(local.status, 200);
    assert.ok(local.text.includes("s3cret"));
  } finally {
    await server.close();
  }
});

Deno.test("DEV_MAILBOX is refused in production, where /dev/mail does not exist", async () => {
  assert.throws(
    () => parseConfig({ APP_ENV: "production", DEV_MAILBOX: "1" }),
    /DEV_MAILBOX: not allowed with APP_ENV=production/,
  );
  const server = await startTestServer({ APP_ENV: "production" });
  try {
    await sendMail(server.services, { to: "a@plant.example", subject: "Secret", text: "s3cret" });
    const res = await server.fetch("localhost", "/dev/mail");
    assert.equal(res.status, 404);
    assert.ok(!(await res.text()).includes("s3cret"));
  } finally {
    await server.close();
  }
});
