import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { enqueue } from "../../workers/queue.ts";
import { getJob } from "../../workers/job_admin.ts";
import { enrolTotp, signInTwoStep } from "../../tests/helpers/second_factor.ts";

/** Signs in on the bare domain; returns the cookie header and the session's CSRF token. */
async function apexSession(server: TestServer, t: SignedUp) {
  const login = await server.fetch("localhost", "/api/v1/auth/login", {
    method: "POST",
    json: { email: t.email, password: t.password },
  });
  assert.equal(login.status, 200);
  await login.body?.cancel();
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("pm_session="))!
    .split(";")[0]!;
  const csrf = await server.fetch("localhost", "/api/v1/auth/csrf", { headers: { cookie } });
  return { cookie, csrf: (await csrf.json()).csrf_token as string };
}

async function deadJob(server: TestServer, tenantId: string, kind: string): Promise<string> {
  const id = await enqueue(server.services.control, {
    kind,
    tenantId,
    payload: { document_id: "01abc" },
  });
  await server.services.control.execute({
    sql: "UPDATE jobs SET status = 'dead', attempts = 5, last_error = ? WHERE id = ?",
    args: [`${kind} exploded`, id],
  });
  return id;
}

/** Opens the confirmation link the signup mailed to `email`, as its owner would. */
async function confirmAddress(server: TestServer, email: string): Promise<void> {
  const rs = await server.services.control.execute({
    sql: "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY created_at DESC LIMIT 1",
    args: [email],
  });
  const link = /https?:\/\/\S+\/auth\/verify\?token=\S+/.exec(String(rs.rows[0]?.body_text))?.[0];
  assert.ok(link, `a confirmation link was mailed to ${email}`);
  const url = new URL(link);
  const res = await server.fetch(url.hostname, url.pathname + url.search);
  assert.equal(res.status, 303);
  await res.body?.cancel();
}

function form(_csrf: string): Record<string, string> {
  return { "content-type": "application/x-www-form-urlencoded" };
}

Deno.test("operators see every workspace's jobs and retry a dead one; others are refused", async () => {
  const server = await startTestServer({
    OPERATOR_EMAILS: "nobody@x.example, owner@opsco.example",
  });
  try {
    const ops = await signUpTenant(server, "opsco");
    const other = await signUpTenant(server, "otherco");
    await confirmAddress(server, ops.email);
    const a = await deadJob(server, ops.tenantId, "document.process");
    const b = await deadJob(server, other.tenantId, "mail.deliver");
    await enqueue(server.services.control, { kind: "queued.kind", tenantId: other.tenantId });

    const anonymous = await server.fetch("localhost", "/operator/jobs");
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get("location")!, /^\/login\?next=/);

    // Operators sign in with both steps (a second factor is one of their conditions).
    const app = await enrolTotp(server, ops);
    const session = await signInTwoStep(server, "localhost", ops, app.next());
    const page = await server.fetch("localhost", "/operator/jobs", {
      headers: { cookie: session.cookie },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /document\.process exploded/);
    assert.match(html, /mail\.deliver exploded/);
    assert.match(html, /otherco/);
    assert.match(html, /queued\.kind/);

    const filtered =
      await (await server.fetch("localhost", "/operator/jobs?tenant=otherco&state=dead", {
        headers: { cookie: session.cookie },
      })).text();
    assert.match(filtered, /mail\.deliver exploded/);
    assert.doesNotMatch(filtered, /document\.process exploded/);
    assert.doesNotMatch(filtered, /queued\.kind/);

    const retry = await server.fetch("localhost", `/operator/jobs/${b}/retry`, {
      method: "POST",
      headers: { cookie: session.cookie, ...form(session.csrf) },
      body: `_csrf=${session.csrf}`,
    });
    assert.equal(retry.status, 303);
    const job = await getJob(server.services.control, b);
    assert.equal(job?.status, "queued");
    assert.equal(job?.attempts, 0);
    assert.equal((await getJob(server.services.control, a))?.status, "dead");

    // Retrying a job that is not dead changes nothing.
    const again = await server.fetch("localhost", `/operator/jobs/${b}/retry`, {
      method: "POST",
      headers: { cookie: session.cookie, ...form(session.csrf) },
      body: `_csrf=${session.csrf}`,
    });
    assert.equal(again.status, 404);
    await again.body?.cancel();

    // A signed-in member who is not an operator, and the same page on a tenant host.
    const stranger = await apexSession(server, other);
    const refused = await server.fetch("localhost", "/operator/jobs", {
      headers: { cookie: stranger.cookie },
    });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    const forged = await server.fetch("localhost", `/operator/jobs/${a}/retry`, {
      method: "POST",
      headers: { cookie: stranger.cookie, ...form(stranger.csrf) },
      body: `_csrf=${stranger.csrf}`,
    });
    assert.equal(forged.status, 403);
    await forged.body?.cancel();
    assert.equal((await getJob(server.services.control, a))?.status, "dead");
    const onTenant = await server.fetch(ops.host, "/operator/jobs", {
      headers: { cookie: ops.jar.header(ops.host) },
    });
    assert.equal(onTenant.status, 404);
    await onTenant.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("an address in OPERATOR_EMAILS opens the operator pages only once confirmed and with a second factor", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@squatco.example" });
  try {
    // Anyone may sign up with a listed address; the attack of the outside test.
    const squatter = await signUpTenant(server, "squatco");
    const victim = await signUpTenant(server, "victimco");
    const job = await deadJob(server, victim.tenantId, "mail.deliver");
    const session = await apexSession(server, squatter);
    const page = await server.fetch("localhost", "/operator/jobs", {
      headers: { cookie: session.cookie },
    });
    assert.equal(page.status, 403);
    const html = await page.text();
    assert.match(html, /Confirm your e-mail address/);
    assert.doesNotMatch(html, /victimco|mail\.deliver exploded/);
    const retry = await server.fetch("localhost", `/operator/jobs/${job}/retry`, {
      method: "POST",
      headers: { cookie: session.cookie, ...form(session.csrf) },
      body: `_csrf=${session.csrf}`,
    });
    assert.equal(retry.status, 403);
    await retry.body?.cancel();
    assert.equal((await getJob(server.services.control, job))?.status, "dead", "nothing retried");

    // The holder of the address confirms it: still refused, the account has no second factor.
    await confirmAddress(server, squatter.email);
    const confirmed = await server.fetch("localhost", "/operator/jobs", {
      headers: { cookie: session.cookie },
    });
    assert.equal(confirmed.status, 403);
    const why = await confirmed.text();
    assert.match(why, /two-step sign-in/);
    assert.doesNotMatch(why, /victimco|mail\.deliver exploded/);
    const stillDead = await server.fetch("localhost", `/operator/jobs/${job}/retry`, {
      method: "POST",
      headers: { cookie: session.cookie, ...form(session.csrf) },
      body: `_csrf=${session.csrf}`,
    });
    assert.equal(stillDead.status, 403);
    await stillDead.body?.cancel();
    assert.equal((await getJob(server.services.control, job))?.status, "dead", "nothing retried");

    // With an authenticator app set up and a sign-in through both steps, the page opens.
    const app = await enrolTotp(server, squatter);
    const twoStep = await signInTwoStep(server, "localhost", squatter, app.next());
    const granted = await server.fetch("localhost", "/operator/jobs", {
      headers: { cookie: twoStep.cookie },
    });
    assert.equal(granted.status, 200);
    assert.match(await granted.text(), /mail\.deliver exploded/);
  } finally {
    await server.close();
  }
});

Deno.test("an owner sees and retries only their own workspace's jobs at /settings/jobs", async () => {
  const server = await startTestServer();
  try {
    const mine = await signUpTenant(server);
    const theirs = await signUpTenant(server);
    const own = await deadJob(server, mine.tenantId, "document.process");
    const foreign = await deadJob(server, theirs.tenantId, "foreign.kind");
    const cookie = mine.jar.header(mine.host);

    const html = await (await server.fetch(mine.host, "/settings/jobs", { headers: { cookie } }))
      .text();
    assert.match(html, /document\.process exploded/);
    assert.doesNotMatch(html, /foreign/);

    const denied = await server.fetch(mine.host, `/settings/jobs/${foreign}/retry`, {
      method: "POST",
      headers: { cookie, ...form(mine.csrf) },
      body: `_csrf=${mine.csrf}`,
    });
    assert.equal(denied.status, 404);
    await denied.body?.cancel();
    assert.equal((await getJob(server.services.control, foreign))?.status, "dead");

    const ok = await server.fetch(mine.host, `/settings/jobs/${own}/retry`, {
      method: "POST",
      headers: { cookie, ...form(mine.csrf) },
      body: `_csrf=${mine.csrf}`,
    });
    assert.equal(ok.status, 303);
    await ok.body?.cancel();
    assert.equal((await getJob(server.services.control, own))?.status, "queued");
  } finally {
    await server.close();
  }
});
