import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../tests/helpers/server.ts";
import { enrolTotp, signInTwoStep } from "../tests/helpers/second_factor.ts";
import { FixedClock } from "../domain/clock.ts";
import { runAlertChore } from "./alert_chore.ts";
import { BUCKET_MS } from "./alert_signals.ts";

async function operatorSession(server: TestServer, t: SignedUp) {
  const rs = await server.services.control.execute({
    sql: "SELECT body_text FROM outbox WHERE to_addr = ? ORDER BY created_at DESC LIMIT 1",
    args: [t.email],
  });
  const link = new URL(
    /https?:\/\/\S+\/auth\/verify\?token=\S+/.exec(String(rs.rows[0]?.body_text))![0],
  );
  await (await server.fetch(link.hostname, link.pathname + link.search)).body?.cancel();
  const app = await enrolTotp(server, t);
  return await signInTwoStep(server, "localhost", t, app.next());
}

Deno.test("one workspace failing over real HTTP reaches the operator's webhook; the operator suspends and reactivates it from the console", async () => {
  const start = Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS + 60_000;
  const clock = new FixedClock(new Date(start));
  // One open workspace database at a time, so each request to the broken one opens it again.
  const server = await startTestServer(
    { OPERATOR_EMAILS: "owner@opsco.example", TENANT_POOL_SIZE: "1" },
    { clock },
  );
  const received: Array<{ alerts: Array<{ status: string; tenant: string | null }> }> = [];
  const hook = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    received.push(await req.json());
    return new Response("ok");
  });
  try {
    const ops = await signUpTenant(server, "opsco");
    const noisy = await signUpTenant(server, "noisyco");
    const calm = await signUpTenant(server, "calmco");
    const session = await operatorSession(server, ops);
    const form = (fields: Record<string, string>) => ({
      method: "POST",
      headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
    });
    const channel = await server.fetch(
      "localhost",
      "/operator/alerts/channels",
      form({
        name: "On-call hook",
        channel_kind: "webhook",
        target: `http://127.0.0.1:${hook.addr.port}/alerts`,
        min_severity: "critical",
      }),
    );
    assert.equal(channel.status, 303);
    await channel.body?.cancel();

    // noisyco's database stops opening: its requests fail, calmco's do not.
    const provider = server.services.pool.provider;
    const open = provider.open.bind(provider);
    let broken = true;
    provider.open = (id, location) =>
      broken && id === noisy.tenantId ? Promise.reject(new Error("disk gone")) : open(id, location);
    const statuses: Record<string, number[]> = { noisyco: [], calmco: [] };
    for (let i = 0; i < 25; i++) {
      for (const t of [noisy, calm]) {
        const res = await server.fetch(t.host, "/api/v1/me", {
          headers: { cookie: t.jar.header(t.host) },
        });
        statuses[t.slug]!.push(res.status);
        await res.body?.cancel();
      }
    }
    assert.ok(statuses.noisyco!.every((s) => s >= 500), `noisyco: ${statuses.noisyco}`);
    assert.ok(statuses.calmco!.every((s) => s === 200), `calmco: ${statuses.calmco}`);

    // The worker's minute chore: the bucket is not over yet, then it is.
    assert.equal((await runAlertChore(server.services)).fired.length, 0);
    clock.advance(6 * 60_000);
    const judged = await runAlertChore(server.services);
    assert.ok(judged.fired.some((a) => a.tenantSlug === "noisyco"));
    assert.ok(!judged.fired.some((a) => a.tenantSlug === "calmco"));
    assert.equal(received.length, 1);
    const firing = received[0]!.alerts.filter((a) => a.tenant === "noisyco");
    assert.equal(firing.length, 1);
    assert.equal(firing[0]!.status, "firing");

    // The operator suspends it from the console, then brings it back once fixed.
    const suspend = await server.fetch(
      "localhost",
      "/operator/tenants/noisyco/suspend",
      form({ reason: "Failing every request; investigating" }),
    );
    assert.equal(suspend.status, 303);
    // Its database does not open, so its own log cannot take the entry; the operators' does.
    assert.match(suspend.headers.get("location")!, /done=suspended&log=0$/);
    await suspend.body?.cancel();
    const opLog = await server.services.control.execute(
      "SELECT details FROM security_events WHERE action = 'operator.tenant_suspended'",
    );
    assert.match(String(opLog.rows[0]?.details), /not written/);
    const page = await server.fetch(noisy.host, "/", {
      headers: { cookie: noisy.jar.header(noisy.host) },
    });
    assert.match(await page.text(), /is suspended/);
    broken = false;
    const reactivate = await server.fetch(
      "localhost",
      "/operator/tenants/noisyco/reactivate",
      form({ reason: "Storage restored" }),
    );
    assert.equal(reactivate.status, 303);
    await reactivate.body?.cancel();
    for (let i = 0; i < 25; i++) {
      const res = await server.fetch(noisy.host, "/api/v1/me", {
        headers: { cookie: noisy.jar.header(noisy.host) },
      });
      assert.equal(res.status, 200);
      await res.body?.cancel();
    }
    clock.advance(6 * 60_000);
    await runAlertChore(server.services);
    clock.advance(6 * 60_000);
    await runAlertChore(server.services);
    const resolved = received.flatMap((r) => r.alerts).filter((a) =>
      a.tenant === "noisyco" && a.status === "resolved"
    );
    assert.equal(resolved.length, 1, "the resolve is sent once");
  } finally {
    await hook.shutdown();
    await server.close();
  }
});
