import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../../tests/helpers/server.ts";
import { call, linkIn, mailTo, signIn } from "../../../../tests/helpers/members.ts";

const NEW_PASSWORD = "smoked brisket 2025";

Deno.test("password reset: mailed link sets a new password once and ends every old session", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const old = await signIn(server, t.host, t.email, t.password);
    const forgot = await server.fetch(t.host, "/api/v1/auth/password/forgot", {
      method: "POST",
      json: { email: t.email.toUpperCase() },
    });
    assert.equal(forgot.status, 202);
    await forgot.body?.cancel();
    const mail = (await mailTo(server, t.email)).find((m) => m.subject.includes("Reset"))!;
    const link = linkIn(mail.text);
    assert.equal(link.host, t.host, "the link points at the host that asked");
    assert.match(link.path, /^\/reset-password\?token=/);

    const reset = (password: string) =>
      server.fetch(t.host, "/api/v1/auth/password/reset", {
        method: "POST",
        json: { token: link.token, password },
      });
    const weak = await reset("short");
    assert.equal(weak.status, 422);
    await weak.body?.cancel();
    assert.equal(
      (await call(server, old, "GET", "/api/v1/me")).status,
      200,
      "a refused password changes nothing",
    );

    const ok = await reset(NEW_PASSWORD);
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    assert.equal(
      (await call(server, old, "GET", "/api/v1/me")).status,
      401,
      "old sessions are gone",
    );
    assert.equal(
      (await call(server, t, "GET", "/api/v1/me")).status,
      401,
      "the signup session too",
    );
    await assert.rejects(signIn(server, t.host, t.email, t.password), /401/);
    await signIn(server, t.host, t.email, NEW_PASSWORD);
    const reuse = await reset("another fine password");
    assert.equal(reuse.status, 400);
    await reuse.body?.cancel();
    await signIn(server, t.host, t.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});

Deno.test("password reset: a newer reset link revokes the older ones", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const ask = async () => {
      const res = await server.fetch(t.host, "/api/v1/auth/password/forgot", {
        method: "POST",
        json: { email: t.email },
      });
      assert.equal(res.status, 202);
      await res.body?.cancel();
    };
    const links = async () =>
      (await mailTo(server, t.email))
        .filter((m) => m.subject.includes("Reset"))
        .map((m) => linkIn(m.text).token);
    await ask();
    const [older] = await links();
    await ask();
    const newest = (await links()).find((token) => token !== older);
    assert.ok(older && newest, "two links were mailed");
    const reset = (token: string, password: string) =>
      server.fetch(t.host, "/api/v1/auth/password/reset", {
        method: "POST",
        json: { token, password },
      });
    const stale = await reset(older, "an attacker's password");
    assert.equal(stale.status, 400);
    assert.match((await stale.json()).error.message, /expired or was already used/);
    await signIn(server, t.host, t.email, t.password);
    const fresh = await reset(newest, NEW_PASSWORD);
    assert.equal(fresh.status, 200);
    await fresh.body?.cancel();
    await signIn(server, t.host, t.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});

Deno.test("forgot password answers 202 for unknown addresses without sending mail, and is throttled", async () => {
  const server = await startTestServer();
  try {
    const count = async () =>
      Number(
        (await server.services.control.execute("SELECT COUNT(*) AS n FROM outbox")).rows[0]!.n,
      );
    const before = await count();
    const forgot = (email: string) =>
      server.fetch("localhost", "/api/v1/auth/password/forgot", {
        method: "POST",
        json: { email },
      });
    const unknown = await forgot("nobody@nowhere.example");
    assert.equal(unknown.status, 202);
    assert.equal(await count(), before, "no mail for an unknown address");
    const known = await signUpTenant(server);
    const afterSignup = await count();
    const existing = await forgot(known.email);
    assert.equal(existing.status, 202);
    assert.deepEqual(await unknown.json(), await existing.json(), "the same answer either way");
    assert.equal(before, 0);
    assert.equal(await count(), afterSignup + 1, "mail only for the real account");

    for (let i = 0; i < 4; i++) await (await forgot(known.email)).body?.cancel();
    const throttled = await forgot(known.email);
    assert.equal(throttled.status, 429);
    assert.ok(Number(throttled.headers.get("retry-after")) > 0);
    await throttled.body?.cancel();
    assert.equal(await count(), afterSignup + 5);
  } finally {
    await server.close();
  }
});

Deno.test("change password needs the current one, keeps this session and ends the others", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const here = await signIn(server, t.host, t.email, t.password);
    const elsewhere = await signIn(server, t.host, t.email, t.password);
    const wrong = await call(server, here, "POST", "/api/v1/auth/password/change", {
      current_password: "not it at all",
      new_password: NEW_PASSWORD,
    });
    assert.equal(wrong.status, 422);
    assert.ok((await wrong.json()).error.details.current_password);
    const ok = await call(server, here, "POST", "/api/v1/auth/password/change", {
      current_password: t.password,
      new_password: NEW_PASSWORD,
    });
    assert.equal(ok.status, 204);
    assert.equal((await call(server, here, "GET", "/api/v1/me")).status, 200);
    assert.equal((await call(server, elsewhere, "GET", "/api/v1/me")).status, 401);
    await signIn(server, t.host, t.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});

/**
 * Sends one request over a raw loopback connection with an absolute-form request target
 * (`POST https://evil.example/path HTTP/1.1`) and its own Host header: what curl's
 * --request-target sends, and what node:http and fetch cannot.
 */
async function absoluteForm(
  port: number,
  target: string,
  host: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const bytes = new TextEncoder().encode(body);
  const head = [
    `POST ${target} HTTP/1.1`,
    `Host: ${host}`,
    "Connection: close",
    `Content-Length: ${bytes.length}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ].join("\r\n");
  await conn.write(new TextEncoder().encode(`${head}\r\n\r\n${body}`));
  const answer = await new Response(conn.readable).text();
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

Deno.test("reset links are built from the workspace's known host, never from an absolute-form request target", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const evil = "https://login-projectmeats.evil.example";
    const resetLinks = async () =>
      (await mailTo(server, t.email)).filter((m) => m.subject.includes("Reset"))
        .map((m) => new URL(/https?:\/\/\S+/.exec(m.text)![0]));

    // The API route.
    const api = await absoluteForm(
      server.port,
      `${evil}/api/v1/auth/password/forgot`,
      `${t.host}:${server.port}`,
      JSON.stringify({ email: t.email }),
      { "content-type": "application/json" },
    );
    assert.equal(api, 202);
    // The form route (a pre-session CSRF token, double-submitted).
    const csrf = "c".repeat(32);
    const form = await absoluteForm(
      server.port,
      `${evil}/forgot-password`,
      `${t.host}:${server.port}`,
      new URLSearchParams({ _csrf: csrf, email: t.email }).toString(),
      { "content-type": "application/x-www-form-urlencoded", cookie: `pm_csrf=${csrf}` },
    );
    assert.equal(form, 200);

    const links = await resetLinks();
    assert.equal(links.length, 2, "both routes mailed a link");
    for (const link of links) {
      assert.equal(link.origin, `http://${t.host}:${server.port}`, `not ${link.href}`);
      assert.equal(link.pathname, "/reset-password");
    }
    const outbox = await server.services.control.execute(
      "SELECT body_text FROM outbox WHERE body_text LIKE '%evil.example%'",
    );
    assert.equal(outbox.rows.length, 0, "no mail names the request target's host");
  } finally {
    await server.close();
  }
});

Deno.test("a reset asked through another workspace's host links to the bare domain and is not that workspace's mail", async () => {
  const server = await startTestServer({ DEV_MAILBOX: "1" });
  try {
    const victim = await signUpTenant(server);
    const attacker = await signUpTenant(server);
    const forgot = await server.fetch(attacker.host, "/api/v1/auth/password/forgot", {
      method: "POST",
      json: { email: victim.email },
    });
    assert.equal(forgot.status, 202);
    await forgot.body?.cancel();
    const mail = (await mailTo(server, victim.email)).find((m) => m.subject.includes("Reset"))!;
    const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0]);
    assert.equal(link.origin, `http://localhost:${server.port}`, "the bare domain's reset page");
    const filed = await server.services.control.execute({
      sql: "SELECT tenant_id FROM outbox WHERE to_addr = ? AND subject LIKE '%Reset%'",
      args: [victim.email],
    });
    assert.deepEqual(filed.rows.map((r) => r.tenant_id), [null], "filed under no workspace");
    const mailbox = await (await server.fetch(attacker.host, "/dev/mail")).text();
    assert.doesNotMatch(mailbox, /reset-password\?token=/, "not in the other workspace's mailbox");

    // The link works there: the bare domain serves the reset page and sets the password.
    const reset = await server.fetch("localhost", "/api/v1/auth/password/reset", {
      method: "POST",
      json: { token: link.searchParams.get("token"), password: NEW_PASSWORD },
    });
    assert.equal(reset.status, 200);
    await reset.body?.cancel();
    await signIn(server, victim.host, victim.email, NEW_PASSWORD);
  } finally {
    await server.close();
  }
});
