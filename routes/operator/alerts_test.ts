import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { enrolTotp, signInTwoStep } from "../../tests/helpers/second_factor.ts";
import { evaluateAlerts, listRules } from "../../ops/alerts.ts";
import { listChannels } from "../../ops/alert_channels.ts";
import { BUCKET_MS } from "../../ops/alert_signals.ts";

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

function post(session: { cookie: string; csrf: string }, fields: Record<string, string>) {
  return {
    method: "POST",
    headers: { cookie: session.cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ _csrf: session.csrf, ...fields }).toString(),
  };
}

Deno.test("operators see firing alerts, switch rules, add channels and silences; each change is in their log", async () => {
  const server = await startTestServer({ OPERATOR_EMAILS: "owner@opsco.example" });
  try {
    const { control } = server.services;
    const ops = await signUpTenant(server, "opsco");
    await signUpTenant(server, "noisyco");
    const session = await operatorSession(server, ops);

    const end = new Date(Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - BUCKET_MS);
    server.services.metrics.tally.take();
    for (let i = 0; i < 50; i++) {
      server.services.metrics.tally.add("noisyco", i < 30 ? 503 : 200, 0.01);
    }
    await server.services.metrics.tally.flush(control, new Date(end.getTime() - 60_000));
    await evaluateAlerts(control, new Date(end.getTime() + 80_000));

    const page = await server.fetch("localhost", "/operator/alerts", {
      headers: { cookie: session.cookie },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /noisyco: error rate \(5xx share of requests\) 60\.0%/);
    assert.match(html, /Silence 4 hours/);
    const list = await (await server.fetch("localhost", "/operator", {
      headers: { cookie: session.cookie },
    })).text();
    assert.match(list, /href="\/operator\/tenants\/noisyco"[^]*?badge danger">failing</);

    const off = await server.fetch(
      "localhost",
      "/operator/alerts/rules/rule-tenant-exports/disable",
      post(session, {}),
    );
    assert.equal(off.status, 303);
    await off.body?.cancel();
    const rules = await listRules(control);
    assert.equal(rules.find((r) => r.id === "rule-tenant-exports")?.enabled, false);
    assert.ok(rules.filter((r) => r.id !== "rule-tenant-exports").every((r) => r.enabled));

    const bad = await server.fetch(
      "localhost",
      "/operator/alerts/channels",
      post(session, {
        name: "Hook",
        channel_kind: "webhook",
        target: "not a url",
        min_severity: "warning",
      }),
    );
    assert.equal(bad.status, 400);
    await bad.body?.cancel();
    assert.deepEqual(await listChannels(control), []);
    const added = await server.fetch(
      "localhost",
      "/operator/alerts/channels",
      post(session, {
        name: "Ops Slack",
        channel_kind: "slack",
        target: "https://hooks.slack.example/services/T/B/X",
        min_severity: "critical",
      }),
    );
    assert.equal(added.status, 303);
    await added.body?.cancel();
    assert.deepEqual((await listChannels(control)).map((ch) => [ch.name, ch.kind]), [[
      "Ops Slack",
      "slack",
    ]]);

    const silence = await server.fetch(
      "localhost",
      "/operator/alerts/silences",
      post(session, { tenant_slug: "noisyco", hours: "4", reason: "Known incident" }),
    );
    assert.equal(silence.status, 303);
    await silence.body?.cancel();
    assert.match(
      await (await server.fetch("localhost", "/operator/alerts", {
        headers: { cookie: session.cookie },
      }))
        .text(),
      /noisyco, until [^:]+:\d\d UTC: Known incident/,
    );

    const log = await control.execute(
      "SELECT action FROM security_events WHERE action LIKE 'operator.alert%' ORDER BY seq",
    );
    assert.deepEqual(log.rows.map((r) => r.action), [
      "operator.alert_rule_disabled",
      "operator.alert_channel_added",
      "operator.alerts_silenced",
    ]);

    // Not an operator: the page and the forms are refused.
    const stranger = await server.fetch("noisyco.localhost", "/operator/alerts");
    assert.equal(stranger.status, 404);
    await stranger.body?.cancel();
  } finally {
    await server.close();
  }
});
