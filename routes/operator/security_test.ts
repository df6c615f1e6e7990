import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { enqueue } from "../../workers/queue.ts";
import { enrolTotp, signInTwoStep } from "../../tests/helpers/second_factor.ts";

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

Deno.test("operators see the operators' chain with a job retry in it, verify and export it; members are refused", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsec.example" });
  try {
    const ops = await signUpTenant(server, "opsec");
    const other = await signUpTenant(server, "othersec");
    await confirmAddress(server, ops.email);
    const job = await enqueue(server.services.control, { kind: "mail.deliver" });
    await server.services.control.execute({
      sql: "UPDATE jobs SET status = 'dead', attempts = 5 WHERE id = ?",
      args: [job],
    });
    const app = await enrolTotp(server, ops);
    const session = await signInTwoStep(server, "localhost", ops, app.next());
    const retry = await server.fetch("localhost", `/operator/jobs/${job}/retry`, {
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: `_csrf=${session.csrf}`,
    });
    assert.equal(retry.status, 303);
    await retry.body?.cancel();

    const page = await server.fetch("localhost", "/operator/security?verify=1", {
      headers: { cookie: session.cookie },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /operator\.job_retried/);
    assert.match(html, new RegExp(job));
    assert.match(html, /The chain is intact/);

    const csv = await server.fetch("localhost", "/operator/security/export.csv", {
      headers: { cookie: session.cookie },
    });
    assert.equal(csv.status, 200);
    const text = await csv.text();
    assert.ok(text.includes("operator.job_retried") && text.includes(job));

    // The workspace's own log never holds the operators' events.
    const lease = await server.services.pool.acquire(ops.tenantId, null);
    try {
      const rs = await lease.db.execute(
        "SELECT COUNT(*) AS n FROM security_events WHERE action LIKE 'operator.%'",
      );
      assert.equal(Number(rs.rows[0]!.n), 0);
    } finally {
      lease.release();
    }

    // A member who is not an operator, on the bare domain and on a workspace host.
    const login = await server.fetch("localhost", "/api/v1/auth/login", {
      method: "POST",
      json: { email: other.email, password: other.password },
    });
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith("pm_session="))!
      .split(";")[0]!;
    await login.body?.cancel();
    for (const path of ["/operator/security", "/operator/security/export.json"]) {
      const refused = await server.fetch("localhost", path, { headers: { cookie } });
      assert.equal(refused.status, 403, path);
      await refused.body?.cancel();
    }
    const onTenant = await server.fetch(other.host, "/operator/security", {
      headers: { cookie: other.jar.header(other.host) },
    });
    assert.equal(onTenant.status, 404);
    await onTenant.body?.cancel();
  } finally {
    await server.close();
  }
});
