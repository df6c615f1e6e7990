/**
 * The signup page's first impressions: the address hint names this server's real domain, a new
 * owner lands on a workspace that says to check their e-mail, and opening the link confirms it.
 */
import assert from "node:assert/strict";
import { startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";

/** The link in the newest e-mail to `to` whose subject says "Confirm". */
async function confirmLink(server: TestServer, to: string): Promise<URL> {
  const rs = await server.services.control.execute({
    sql: `SELECT body_text FROM outbox WHERE to_addr = ? AND subject LIKE '%Confirm%'
          ORDER BY created_at DESC LIMIT 1`,
    args: [to],
  });
  const text = String(rs.rows[0]?.body_text ?? "");
  const link = /https?:\/\/\S+/.exec(text)?.[0];
  if (!link) throw new Error(`no confirmation link mailed to ${to}`);
  return new URL(link);
}

Deno.test("signup page: the address hint shows this server's domain, with the port when local", async () => {
  const server = await startTestServer();
  try {
    const html = await (await server.fetch("localhost", "/signup")).text();
    assert.match(html, new RegExp(`acme becomes acme\\.localhost:${server.port}\\.`));
    assert.doesNotMatch(html, /our domain/);
  } finally {
    await server.close();
  }
});

Deno.test("signup page: the new workspace says to check the e-mail; the link confirms it", async () => {
  const server = await startTestServer();
  try {
    const jar = new CookieJar();
    const form = await server.fetch("localhost", "/signup");
    jar.store("localhost", form);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? "";
    const email = "olive@noticeco.example";
    const created = await server.fetch("localhost", "/signup", {
      method: "POST",
      headers: {
        cookie: jar.header("localhost"),
        "content-type": "application/x-www-form-urlencoded",
        origin: `http://localhost:${server.port}`,
      },
      body: new URLSearchParams({
        _csrf: csrf,
        company_name: "Notice Co",
        slug: "noticeco",
        owner_name: "Olive Owner",
        email,
        password: "correct horse battery",
      }).toString(),
    });
    assert.equal(created.status, 303, await created.text());
    jar.store("localhost", created);
    const handoff = new URL(created.headers.get("location")!);
    assert.equal(handoff.searchParams.get("welcome"), "1");

    const host = "noticeco.localhost";
    const landed = await server.fetch(host, handoff.pathname + handoff.search, {
      headers: { cookie: jar.header(host) },
    });
    assert.equal(landed.status, 303);
    assert.equal(landed.headers.get("location"), "/?welcome=1");
    jar.store(host, landed);
    const dashboard = await server.fetch(host, "/?welcome=1", {
      headers: { cookie: jar.header(host) },
    });
    const page = await dashboard.text();
    assert.equal(dashboard.status, 200);
    assert.match(page, /id="account-notice"/);
    assert.match(page, /Check your e-mail: we sent a link to\s*<strong>olive@noticeco\.example/);

    // Opening the link signed in: the dashboard confirms; signed out: the sign-in page does.
    const link = await confirmLink(server, email);
    assert.equal(link.hostname, host);
    const opened = await server.fetch(host, link.pathname + link.search, {
      headers: { cookie: jar.header(host) },
    });
    assert.equal(opened.headers.get("location"), "/?email_verified=1");
    await opened.body?.cancel();
    const confirmed = await (await server.fetch(host, "/?email_verified=1", {
      headers: { cookie: jar.header(host) },
    })).text();
    assert.match(confirmed, /Your e-mail address is confirmed/);
    const again = await (await server.fetch(host, "/?welcome=1", {
      headers: { cookie: jar.header(host) },
    })).text();
    assert.doesNotMatch(again, /Check your e-mail/, "no reminder once the address is confirmed");
    const signedOut = await (await server.fetch(host, "/login?email_verified=1")).text();
    assert.match(signedOut, /Your e-mail address is confirmed/);
    const plain = await (await server.fetch(host, "/login")).text();
    assert.doesNotMatch(plain, /account-notice/, "no notice without the flag");
  } finally {
    await server.close();
  }
});
