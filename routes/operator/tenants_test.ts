import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { enrolTotp, signInTwoStep } from "../../tests/helpers/second_factor.ts";
import { CURRENT_RELEASE } from "../../ops/release_channels.ts";

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
  await res.body?.cancel();
}

/** An operator's two-step session on the bare domain. */
async function operatorSession(server: TestServer, t: SignedUp) {
  await confirmAddress(server, t.email);
  const app = await enrolTotp(server, t);
  return await signInTwoStep(server, "localhost", t, app.next());
}

async function tenantEvents(server: TestServer, t: SignedUp) {
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const rs = await lease.db.execute(
      "SELECT action, actor_email, details FROM security_events ORDER BY seq",
    );
    return rs.rows.map((r) => ({
      action: String(r.action),
      actor: r.actor_email,
      details: String(r.details),
    }));
  } finally {
    lease.release();
  }
}

async function operatorEvents(server: TestServer) {
  const rs = await server.services.control.execute(
    "SELECT action, target, details FROM security_events WHERE action LIKE 'operator.tenant%' ORDER BY seq",
  );
  return rs.rows.map((r) => ({ action: String(r.action), target: String(r.target) }));
}

function post(session: { cookie: string; csrf: string }, fields: Record<string, string>) {
  return {
    method: "POST",
    headers: {
      cookie: session.cookie,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
  };
}

Deno.test("the operator console lists workspaces with plan, seats and health, and searches them", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    const ops = await signUpTenant(server, "opsco");
    await signUpTenant(server, "acmebeef");
    await signUpTenant(server, "porkpal");
    const session = await operatorSession(server, ops);

    const page = await server.fetch("localhost", "/operator", {
      headers: { cookie: session.cookie },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    for (const slug of ["opsco", "acmebeef", "porkpal"]) assert.match(html, new RegExp(slug));
    assert.match(html, /<td>trial<\/td>/);
    assert.match(html, /Workspaces, newest first \(3\)/);
    assert.match(html, /badge ok">ok</);

    const found = await (await server.fetch("localhost", "/operator?q=beef", {
      headers: { cookie: session.cookie },
    })).text();
    assert.match(found, /acmebeef/);
    assert.doesNotMatch(found, /porkpal/);
    assert.match(found, /Workspaces, newest first \(1\)/);

    const detail = await server.fetch("localhost", "/operator/tenants/porkpal", {
      headers: { cookie: session.cookie },
    });
    assert.equal(detail.status, 200);
    const detailHtml = await detail.text();
    assert.match(detailHtml, /owner@porkpal\.example/);
    assert.match(detailHtml, /Suspend workspace/);
    assert.doesNotMatch(detailHtml, /owner@acmebeef\.example/);
  } finally {
    await server.close();
  }
});

Deno.test("an operator suspends a workspace with a reason and reactivates it; both audit logs say so and nothing is lost", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    const ops = await signUpTenant(server, "opsco");
    const target = await signUpTenant(server, "noisyco");
    const session = await operatorSession(server, ops);
    const before = await server.fetch(target.host, "/api/v1/me", {
      headers: { cookie: target.jar.header(target.host) },
    });
    assert.equal(before.status, 200);
    await before.body?.cancel();

    // No reason: refused, nothing changes.
    const bare = await server.fetch(
      "localhost",
      "/operator/tenants/noisyco/suspend",
      post(session, {}),
    );
    assert.equal(bare.status, 400);
    await bare.body?.cancel();
    assert.equal((await server.services.registry.findBySlug("noisyco"))?.status, "active");

    const suspend = await server.fetch(
      "localhost",
      "/operator/tenants/noisyco/suspend",
      post(session, { reason: "Error rate jumped to 40%" }),
    );
    assert.equal(suspend.status, 303);
    assert.equal(suspend.headers.get("location"), "/operator/tenants/noisyco?done=suspended");
    await suspend.body?.cancel();
    assert.equal((await server.services.registry.findBySlug("noisyco"))?.status, "suspended");
    const blocked = await server.fetch(target.host, "/api/v1/me", {
      headers: { cookie: target.jar.header(target.host) },
    });
    assert.equal((await blocked.json()).error.details.reason, "tenant_suspended");
    const page = await server.fetch(target.host, "/", {
      headers: { cookie: target.jar.header(target.host) },
    });
    assert.match(await page.text(), /is suspended/);

    // Suspending twice is a conflict and writes no second entry.
    const again = await server.fetch(
      "localhost",
      "/operator/tenants/noisyco/suspend",
      post(session, { reason: "again" }),
    );
    assert.equal(again.status, 409);
    await again.body?.cancel();

    const reactivate = await server.fetch(
      "localhost",
      "/operator/tenants/noisyco/reactivate",
      post(session, { reason: "Fixed their integration" }),
    );
    assert.equal(reactivate.status, 303);
    await reactivate.body?.cancel();
    const after = await server.fetch(target.host, "/api/v1/me", {
      headers: { cookie: target.jar.header(target.host) },
    });
    assert.equal(after.status, 200, "the same session works again");
    assert.equal((await after.json()).user.email, target.email);

    const own = (await tenantEvents(server, target)).filter((e) =>
      e.action.startsWith("operator.")
    );
    assert.deepEqual(own.map((e) => e.action), [
      "operator.tenant_suspended",
      "operator.tenant_reactivated",
    ]);
    assert.equal(own[0]!.actor, ops.email);
    assert.match(own[0]!.details, /Error rate jumped to 40%/);
    assert.deepEqual(await operatorEvents(server), [
      { action: "operator.tenant_suspended", target: "noisyco" },
      { action: "operator.tenant_reactivated", target: "noisyco" },
    ]);
    // The operator's own workspace is untouched.
    assert.equal((await server.services.registry.findBySlug("opsco"))?.status, "active");
    assert.equal(
      (await tenantEvents(server, ops)).filter((e) => e.action.startsWith("operator.")).length,
      0,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a member who is not an operator cannot list or suspend workspaces", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    await signUpTenant(server, "opsco");
    const stranger = await signUpTenant(server, "strangerco");
    const login = await server.fetch("localhost", "/api/v1/auth/login", {
      method: "POST",
      json: { email: stranger.email, password: stranger.password },
    });
    await login.body?.cancel();
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("pm_session="))!
      .split(";")[0]!;
    const csrf = (await (await server.fetch("localhost", "/api/v1/auth/csrf", {
      headers: { cookie },
    })).json()).csrf_token as string;

    const list = await server.fetch("localhost", "/operator", { headers: { cookie } });
    assert.equal(list.status, 403);
    assert.doesNotMatch(await list.text(), /opsco/);
    const suspend = await server.fetch(
      "localhost",
      "/operator/tenants/opsco/suspend",
      post({ cookie, csrf }, { reason: "takeover" }),
    );
    assert.equal(suspend.status, 403);
    await suspend.body?.cancel();
    assert.equal((await server.services.registry.findBySlug("opsco"))?.status, "active");
    const onTenant = await server.fetch(stranger.host, "/operator", {
      headers: { cookie: stranger.jar.header(stranger.host) },
    });
    assert.equal(onTenant.status, 404);
    await onTenant.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("an operator moves a workspace to a release channel; its members see it at /whats-new", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    const ops = await signUpTenant(server, "opsco");
    const target = await signUpTenant(server, "pinco");
    const session = await operatorSession(server, ops);
    const before = await server.fetch(target.host, "/whats-new", {
      headers: { cookie: target.jar.header(target.host) },
    });
    assert.equal(before.status, 200);
    assert.match(await before.text(), /Release channel: stable/);

    const unknown = await server.fetch(
      "localhost",
      "/operator/tenants/pinco/channel",
      post(session, { channel: "pinned", release: "1999.1.0", reason: "Validation" }),
    );
    assert.equal(unknown.status, 400);
    await unknown.body?.cancel();

    const moved = await server.fetch(
      "localhost",
      "/operator/tenants/pinco/channel",
      post(session, { channel: "pinned", release: CURRENT_RELEASE, reason: "Validation" }),
    );
    assert.equal(moved.status, 303);
    await moved.body?.cancel();
    const after = await (await server.fetch(target.host, "/whats-new", {
      headers: { cookie: target.jar.header(target.host) },
    })).text();
    assert.match(
      after,
      new RegExp(`Release channel: pinned\\s*\\(${CURRENT_RELEASE.replaceAll(".", "\\.")}\\)`),
    );
    const list = await (await server.fetch("localhost", "/operator", {
      headers: { cookie: session.cookie },
    })).text();
    assert.match(list, new RegExp(`<td>pinned ${CURRENT_RELEASE.replaceAll(".", "\\.")}</td>`));
    const releases = await server.fetch("localhost", "/operator/releases", {
      headers: { cookie: session.cookie },
    });
    assert.equal(releases.status, 200);
    assert.match(
      await releases.text(),
      /href="\/operator\/tenants\/pinco">pinco<\/a><\/td><td>pinned<\/td>/,
    );
    assert.doesNotMatch(
      await (await server.fetch("localhost", "/operator/releases", {
        headers: { cookie: target.jar.header("localhost") },
      })).text(),
      /pinco<\/a>/,
      "operators only",
    );
    const own = (await tenantEvents(server, target)).map((e) => e.action);
    assert.deepEqual(own.filter((a) => a.startsWith("operator.")), [
      "operator.release_channel_changed",
    ]);
    assert.deepEqual(
      (await tenantEvents(server, ops)).filter((e) => e.action.startsWith("operator.")),
      [],
    );
    const anonymous = await server.fetch(target.host, "/whats-new");
    assert.equal(anonymous.status, 303, "members only");
    await anonymous.body?.cancel();
  } finally {
    await server.close();
  }
});
