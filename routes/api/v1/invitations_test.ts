import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { call, confirmAddress, linkIn, mailTo, signIn } from "../../../tests/helpers/members.ts";
import { CookieJar } from "../../../tests/helpers/http.ts";

async function memberships(server: TestServer, tenantId: string): Promise<string[]> {
  const rs = await server.services.control.execute({
    sql: `SELECT u.email, m.role FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ? ORDER BY u.email`,
    args: [tenantId],
  });
  return rs.rows.map((r) => `${r.email}:${r.role}`);
}

Deno.test("invitation flow: invite, e-mail, lookup, accept creates the member with the role, single use", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    await confirmAddress(server, a.userId); // inviting needs a confirmed address
    const b = await signUpTenant(server);
    await confirmAddress(server, b.userId); // inviting needs a confirmed address
    const owner = await signIn(server, a.host, a.email, a.password);
    const invite = await call(server, owner, "POST", "/api/v1/invitations", {
      email: "Bob.Broker@Plant.example",
      role: "broker",
    });
    assert.equal(invite.status, 201);
    const created = await invite.json();
    assert.equal(created.email, "bob.broker@plant.example");
    assert.equal(created.role, "broker");
    assert.ok(!JSON.stringify(created).includes("token"), "the secret is only in the e-mail");

    const [mail] = await mailTo(server, "bob.broker@plant.example");
    assert.match(mail!.subject, /invited you to/);
    const link = linkIn(mail!.text);
    assert.equal(link.host, a.host);
    assert.match(link.path, /^\/invitations\/accept\?token=/);

    const pending = await (await call(server, owner, "GET", "/api/v1/invitations")).json();
    assert.deepEqual(pending.data.map((i: { id: string }) => i.id), [created.id]);

    const lookup = await server.fetch(a.host, `/api/v1/invitations/lookup?token=${link.token}`);
    assert.equal(lookup.status, 200);
    const preview = await lookup.json();
    assert.equal(preview.tenant.id, a.tenantId);
    assert.equal(preview.email, "bob.broker@plant.example");
    assert.equal(preview.role, "broker");
    assert.equal(preview.account_exists, false);

    // Another tenant's host refuses the link and writes nothing.
    const elsewhere = await server.fetch(b.host, `/api/v1/invitations/lookup?token=${link.token}`);
    assert.equal(elsewhere.status, 403);
    assert.equal((await elsewhere.json()).error.details.reason, "other_workspace");
    const wrongHost = await server.fetch(b.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, name: "Bob", password: "flank steak forever" },
    });
    assert.equal(wrongHost.status, 403);
    await wrongHost.body?.cancel();
    assert.equal((await memberships(server, b.tenantId)).length, 1);

    // A refused password leaves the invitation usable.
    const weak = await server.fetch(a.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, name: "Bob", password: "short" },
    });
    assert.equal(weak.status, 422);
    await weak.body?.cancel();

    const accept = await server.fetch(a.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, name: "Bob Broker", password: "flank steak forever" },
    });
    assert.equal(accept.status, 201);
    const accepted = await accept.json();
    assert.equal(accepted.role, "broker");
    assert.equal(accepted.created_user, true);
    const jar = new CookieJar();
    jar.store(a.host, accept);
    const me =
      await (await server.fetch(a.host, "/api/v1/me", { headers: { cookie: jar.header(a.host) } }))
        .json();
    assert.equal(me.role, "broker");
    assert.equal(me.user.email_verified, true, "the link proved the address");
    assert.deepEqual(await memberships(server, a.tenantId), [
      "bob.broker@plant.example:broker",
      `${a.email}:owner`,
    ]);

    const again = await server.fetch(a.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, name: "Mallory", password: "flank steak forever" },
    });
    assert.equal(again.status, 400);
    assert.equal((await again.json()).error.details.reason, "used");

    const bob = await signIn(server, a.host, "bob.broker@plant.example", "flank steak forever");
    assert.ok(bob.csrf);
    assert.deepEqual(
      (await (await call(server, owner, "GET", "/api/v1/invitations")).json()).data,
      [],
    );
  } finally {
    await server.close();
  }
});

Deno.test("an existing account accepts an invitation only with its own password", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    await confirmAddress(server, a.userId); // inviting needs a confirmed address
    const b = await signUpTenant(server);
    await confirmAddress(server, b.userId); // inviting needs a confirmed address
    const owner = await signIn(server, a.host, a.email, a.password);
    const invite = await call(server, owner, "POST", "/api/v1/invitations", {
      email: b.email,
      role: "viewer",
    });
    assert.equal(invite.status, 201);
    const link = linkIn(
      (await mailTo(server, b.email)).find((m) => m.subject.includes("invited"))!.text,
    );
    const preview =
      await (await server.fetch(a.host, `/api/v1/invitations/lookup?token=${link.token}`)).json();
    assert.equal(preview.account_exists, true);

    const wrong = await server.fetch(a.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, name: "Impostor", password: "not the password at all" },
    });
    assert.equal(wrong.status, 401);
    await wrong.body?.cancel();
    assert.deepEqual(await memberships(server, a.tenantId), [`${a.email}:owner`]);

    const right = await server.fetch(a.host, "/api/v1/invitations/accept", {
      method: "POST",
      json: { token: link.token, password: b.password },
    });
    assert.equal(right.status, 201);
    const body = await right.json();
    assert.equal(body.user.id, b.userId);
    assert.equal(body.created_user, false);
    assert.deepEqual(
      await memberships(server, a.tenantId),
      [`${a.email}:owner`, `${b.email}:viewer`].sort(),
    );
    const users = await server.services.control.execute({
      sql: "SELECT COUNT(*) AS n FROM users WHERE email = ?",
      args: [b.email],
    });
    assert.equal(Number(users.rows[0]!.n), 1, "no second account");
  } finally {
    await server.close();
  }
});

Deno.test("revoked, replaced and expired invitations are refused; owners and members cannot be invited", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    await confirmAddress(server, a.userId); // inviting needs a confirmed address
    const owner = await signIn(server, a.host, a.email, a.password);
    const accept = (token: string) =>
      server.fetch(a.host, "/api/v1/invitations/accept", {
        method: "POST",
        json: { token, name: "Vic", password: "brisket all day 7" },
      });

    const first = await (await call(server, owner, "POST", "/api/v1/invitations", {
      email: "vic@plant.example",
      role: "viewer",
    })).json();
    const firstLink = linkIn((await mailTo(server, "vic@plant.example"))[0]!.text);
    assert.equal(
      (await call(server, owner, "DELETE", `/api/v1/invitations/${first.id}`)).status,
      204,
    );
    const revoked = await accept(firstLink.token);
    assert.equal(revoked.status, 400);
    assert.equal((await revoked.json()).error.details.reason, "revoked");
    assert.equal(
      (await call(server, owner, "DELETE", `/api/v1/invitations/${first.id}`)).status,
      404,
    );

    await call(server, owner, "POST", "/api/v1/invitations", {
      email: "vic@plant.example",
      role: "viewer",
    });
    const secondLink = linkIn((await mailTo(server, "vic@plant.example"))[0]!.text);
    await call(server, owner, "POST", "/api/v1/invitations", {
      email: "vic@plant.example",
      role: "admin",
    });
    const replaced = await accept(secondLink.token);
    assert.equal(
      (await replaced.json()).error.details.reason,
      "revoked",
      "a new invitation replaces the old",
    );

    const thirdLink = linkIn((await mailTo(server, "vic@plant.example"))[0]!.text);
    await server.services.control.execute({
      sql:
        "UPDATE invitations SET expires_at = '2000-01-01' WHERE tenant_id = ? AND revoked_at IS NULL",
      args: [a.tenantId],
    });
    const expired = await accept(thirdLink.token);
    assert.equal((await expired.json()).error.details.reason, "expired");
    assert.equal((await accept("x".repeat(43))).status, 404);
    assert.deepEqual(await memberships(server, a.tenantId), [`${a.email}:owner`]);

    const asOwner = await call(server, owner, "POST", "/api/v1/invitations", {
      email: "o@plant.example",
      role: "owner",
    });
    assert.equal(asOwner.status, 422);
    await asOwner.body?.cancel();
    const member = await call(server, owner, "POST", "/api/v1/invitations", {
      email: a.email,
      role: "viewer",
    });
    assert.equal(member.status, 409);
    await member.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("an invitation accepted twice at the same moment creates one member", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    await confirmAddress(server, a.userId); // inviting needs a confirmed address
    const owner = await signIn(server, a.host, a.email, a.password);
    await call(server, owner, "POST", "/api/v1/invitations", {
      email: "race@plant.example",
      role: "broker",
    });
    const link = linkIn((await mailTo(server, "race@plant.example"))[0]!.text);
    const attempts = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        server.fetch(a.host, "/api/v1/invitations/accept", {
          method: "POST",
          json: { token: link.token, name: `Racer ${i}`, password: "chuck roast racing 1" },
        })
      ),
    );
    const statuses = attempts.map((r) => r.status).sort();
    await Promise.all(attempts.map((r) => r.body?.cancel()));
    assert.equal(statuses.filter((s) => s === 201).length, 1, `statuses ${statuses}`);
    assert.ok(statuses.every((s) => s === 201 || s === 400 || s === 409), `statuses ${statuses}`);
    assert.deepEqual(
      await memberships(server, a.tenantId),
      [`${a.email}:owner`, "race@plant.example:broker"].sort(),
    );
  } finally {
    await server.close();
  }
});

Deno.test("invitations need a confirmed inviter, and a workspace's invitation mail is limited per day, revoked ones included", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const owner = await signIn(server, a.host, a.email, a.password);
    const sent = async () =>
      Number(
        (await server.services.control.execute({
          sql: "SELECT COUNT(*) AS n FROM outbox WHERE tenant_id = ? AND subject LIKE '%invited%'",
          args: [a.tenantId],
        })).rows[0]!.n,
      );

    // A sign-up whose address nobody confirmed mails no one.
    const unconfirmed = await call(server, owner, "POST", "/api/v1/invitations", {
      email: "someone@outside.example",
      role: "viewer",
    });
    assert.equal(unconfirmed.status, 403);
    const refusal = (await unconfirmed.json()).error;
    assert.equal(refusal.details.reason, "email_unconfirmed");
    assert.match(refusal.message, /Confirm your e-mail address/);
    assert.equal(await sent(), 0);

    await confirmAddress(server, a.userId);
    // Revoke-and-resend to one address: 3 mails in a day, then 429 (the newest link still works).
    for (let i = 0; i < 3; i++) {
      const res = await call(server, owner, "POST", "/api/v1/invitations", {
        email: "victim@outside.example",
        role: "viewer",
      });
      assert.equal(res.status, 201, `resend ${i}`);
      const { id } = await res.json();
      const revoked = await call(server, owner, "DELETE", `/api/v1/invitations/${id}`);
      assert.equal(revoked.status, 204);
    }
    const fourth = await call(server, owner, "POST", "/api/v1/invitations", {
      email: "victim@outside.example",
      role: "viewer",
    });
    assert.equal(fourth.status, 429);
    assert.ok(Number(fourth.headers.get("retry-after")) > 0);
    await fourth.body?.cancel();

    // Revoke-and-invite across addresses: 20 mails a day per workspace, revoked ones counted.
    for (let i = 3; i < 20; i++) {
      const res = await call(server, owner, "POST", "/api/v1/invitations", {
        email: `person${i}@outside.example`,
        role: "viewer",
      });
      assert.equal(res.status, 201, `invitation ${i}`);
      const { id } = await res.json();
      await (await call(server, owner, "DELETE", `/api/v1/invitations/${id}`)).body?.cancel();
    }
    const over = await call(server, owner, "POST", "/api/v1/invitations", {
      email: "one-more@outside.example",
      role: "viewer",
    });
    assert.equal(over.status, 429);
    assert.match((await over.json()).error.message, /20 invitations in the last 24 hours/);
    assert.equal(await sent(), 20);
  } finally {
    await server.close();
  }
});
