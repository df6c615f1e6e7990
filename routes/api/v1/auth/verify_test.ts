import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../../tests/helpers/server.ts";
import { addMember, call, linkIn, mailTo, signIn } from "../../../../tests/helpers/members.ts";

Deno.test("e-mail verification: signup mails a link that confirms the address once", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const me = async () => (await (await call(server, t, "GET", "/api/v1/me")).json()).user;
    assert.equal((await me()).email_verified, false);
    const mail = (await mailTo(server, t.email)).find((m) => m.subject.includes("Confirm"));
    assert.ok(mail, "signup sent a confirmation e-mail");
    const link = linkIn(mail.text);
    assert.equal(link.host, t.host);
    assert.match(link.path, /^\/auth\/verify\?token=/);

    const open = await server.fetch(link.host, link.path);
    assert.equal(open.status, 303);
    assert.equal(
      open.headers.get("location"),
      "/login?email_verified=1",
      "signed out, the link lands where the confirmation is shown",
    );
    assert.equal((await me()).email_verified, true);

    const again = await server.fetch(link.host, link.path, {
      headers: { accept: "application/json" },
    });
    assert.equal(again.status, 400);
    assert.match((await again.json()).error.message, /expired or was already used/);
    const resend = await call(server, t, "POST", "/api/v1/auth/verify/resend", {});
    assert.equal(resend.status, 409, "nothing to confirm any more");
    await resend.body?.cancel();
  } finally {
    await server.close();
  }
});

Deno.test("e-mail verification: a signed-in user can ask for a new link; bad links change nothing", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const m = await addMember(server, t.tenantId, "viewer");
    const session = await signIn(server, t.host, m.email, m.password);
    assert.equal((await mailTo(server, m.email)).length, 0);
    const resend = await call(server, session, "POST", "/api/v1/auth/verify/resend", {});
    assert.equal(resend.status, 202);
    await resend.body?.cancel();
    const link = linkIn((await mailTo(server, m.email))[0]!.text);

    const bad = await server.fetch(t.host, "/auth/verify?token=" + "A".repeat(43), {
      headers: { accept: "application/json" },
    });
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    const verified = async () =>
      (await server.services.control.execute({
        sql: "SELECT email_verified_at FROM users WHERE id = ?",
        args: [m.userId],
      })).rows[0]!.email_verified_at;
    assert.equal(await verified(), null);

    // The link works on the bare domain too (any host of the app).
    const ok = await server.fetch("localhost", link.path, {
      headers: { accept: "application/json" },
    });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { email_verified: true });
    assert.ok(await verified());
  } finally {
    await server.close();
  }
});
