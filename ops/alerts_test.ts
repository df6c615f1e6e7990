import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { addSilence, evaluateAlerts, listAlerts } from "./alerts.ts";
import { addChannel, deliverNotifications, signPayload } from "./alert_channels.ts";
import { BUCKET_MS } from "./alert_signals.ts";

/** A loopback HTTP receiver that records every request; `fail` makes it answer 500. */
function receiver() {
  const got: Array<{ path: string; headers: Headers; body: string }> = [];
  const state = { fail: false };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    got.push({ path: new URL(req.url).pathname, headers: req.headers, body: await req.text() });
    return new Response(state.fail ? "down" : "ok", { status: state.fail ? 500 : 200 });
  });
  return {
    got,
    state,
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/** Counts `errors` server errors out of `requests` for `slug` in the minute before `bucketEnd`. */
async function traffic(
  server: TestServer,
  bucketEnd: Date,
  counts: Record<string, [number, number]>,
) {
  const tally = server.services.metrics.tally;
  for (const [slug, [requests, errors]] of Object.entries(counts)) {
    for (let i = 0; i < requests; i++) tally.add(slug, i < errors ? 500 : 200, 0.02);
  }
  await tally.flush(server.services.control, new Date(bucketEnd.getTime() - 2 * 60_000));
}

Deno.test("one workspace's error rate jumping alerts every channel once, grouped, then resolves; a silence holds it", async () => {
  const server = await startTestServer();
  const hook = receiver();
  const slack = receiver();
  const pagerduty = receiver();
  try {
    const { control } = server.services;
    const noisy = await signUpTenant(server, "noisyco");
    const calm = await signUpTenant(server, "calmco");
    server.services.metrics.tally.take();

    // Real requests are tallied per workspace, not only the top N of the metrics.
    for (let i = 0; i < 3; i++) {
      const res = await server.fetch(calm.host, "/api/v1/me", {
        headers: { cookie: calm.jar.header(calm.host) },
      });
      await res.body?.cancel();
    }
    const counted = server.services.metrics.tally.take();
    assert.equal(counted.get("calmco")?.requests, 3);
    assert.equal(counted.get("calmco")?.errors, 0);
    assert.equal(counted.has("noisyco"), false);

    const now = new Date();
    await addChannel(control, {
      name: "Signed hook",
      kind: "webhook",
      target: `${hook.url}/alerts`,
      secret: "s3cret",
      minSeverity: "warning",
    }, now);
    await addChannel(control, {
      name: "Slack",
      kind: "slack",
      target: `${slack.url}/services/T/B/X`,
      secret: null,
      minSeverity: "critical",
    }, now);
    await addChannel(control, {
      name: "PagerDuty",
      kind: "pagerduty",
      target: "routing-key-1",
      secret: `${pagerduty.url}/v2/enqueue`,
      minSeverity: "critical",
    }, now);
    await addChannel(control, {
      name: "On-call mail",
      kind: "email",
      target: "oncall@ops.example",
      secret: null,
      minSeverity: "critical",
    }, now);

    const first = new Date(Math.floor(now.getTime() / BUCKET_MS) * BUCKET_MS - 10 * BUCKET_MS);
    const bucket = (i: number) => new Date(first.getTime() + i * BUCKET_MS);
    const evaluate = (i: number) => evaluateAlerts(control, new Date(bucket(i).getTime() + 80_000));

    // Bucket 0: noisyco answers 40 of 100 requests with errors, calmco none.
    await traffic(server, bucket(0), { noisyco: [100, 40], calmco: [100, 0] });
    const e0 = await evaluate(0);
    assert.equal(e0.bucket, bucket(0).toISOString());
    assert.deepEqual(e0.fired.map((a) => a.fingerprint).sort(), [
      "rule-service-error-rate:service",
      "rule-tenant-error-rate:noisyco",
    ]);
    assert.match(e0.fired.find((a) => a.tenantSlug === "noisyco")!.summary, /40\.0%/);
    // The same bucket is judged once, however many workers ask.
    assert.equal((await evaluate(0)).bucket, null);
    assert.deepEqual(await deliverNotifications(server.services), { sent: 8, failed: 0 });

    assert.equal(hook.got.length, 1, "both alerts in one message");
    const body = JSON.parse(hook.got[0]!.body);
    assert.deepEqual(body.alerts.map((a: { tenant: string | null }) => a.tenant).sort(), [
      "noisyco",
      null,
    ]);
    assert.ok(body.alerts.every((a: { status: string }) => a.status === "firing"));
    const [t, v1] = hook.got[0]!.headers.get("x-projectmeats-signature")!.split(",");
    assert.equal(v1, `v1=${await signPayload("s3cret", `${t!.slice(2)}.${hook.got[0]!.body}`)}`);
    assert.equal(slack.got.length, 1);
    const text = JSON.parse(slack.got[0]!.body).text as string;
    assert.match(text, /2 alerts firing/);
    assert.match(text, /noisyco: error rate/);
    assert.doesNotMatch(text, /calmco/);
    assert.equal(pagerduty.got.length, 2, "PagerDuty takes one event per alert");
    const pd = pagerduty.got.map((g) => JSON.parse(g.body));
    assert.ok(pd.every((e) => e.event_action === "trigger" && e.routing_key === "routing-key-1"));
    assert.deepEqual(pd.map((e) => e.dedup_key).sort(), [
      "rule-service-error-rate:service",
      "rule-tenant-error-rate:noisyco",
    ]);
    const mail = await control.execute(
      "SELECT subject, body_text FROM outbox WHERE to_addr = 'oncall@ops.example'",
    );
    assert.equal(mail.rows.length, 1);
    assert.match(String(mail.rows[0]!.subject), /2 alerts firing/);

    // Bucket 1: still failing. The alerts stay open and nobody hears of them again.
    await traffic(server, bucket(1), { noisyco: [100, 50], calmco: [100, 0] });
    const e1 = await evaluate(1);
    assert.equal(e1.fired.length, 0);
    assert.equal(e1.resolved, 0);
    assert.deepEqual(await deliverNotifications(server.services), { sent: 0, failed: 0 });
    assert.equal(hook.got.length, 1);
    assert.equal((await listAlerts(control)).filter((a) => a.status === "firing").length, 2);

    // Bucket 2: healthy again. Each channel told of the firing hears of the resolve, once.
    await traffic(server, bucket(2), { noisyco: [100, 0], calmco: [100, 0] });
    assert.equal((await evaluate(2)).resolved, 2);
    hook.state.fail = true;
    assert.deepEqual(await deliverNotifications(server.services), { sent: 6, failed: 2 });
    hook.state.fail = false;
    assert.deepEqual(await deliverNotifications(server.services), { sent: 2, failed: 0 });
    const resolvedBody = JSON.parse(hook.got.at(-1)!.body);
    assert.ok(resolvedBody.alerts.every((a: { status: string }) => a.status === "resolved"));
    assert.equal(JSON.parse(slack.got.at(-1)!.body).text.includes("[RESOLVED]"), true);
    assert.deepEqual(
      pagerduty.got.slice(2).map((g) => JSON.parse(g.body).event_action),
      ["resolve", "resolve"],
    );
    assert.equal((await listAlerts(control)).filter((a) => a.status === "firing").length, 0);

    // Bucket 3: calmco fails while silenced. The alert is recorded; no channel hears of it.
    await addSilence(
      control,
      {
        ruleId: null,
        tenantSlug: "calmco",
        until: new Date(bucket(10).getTime()),
        reason: "Their import runs tonight",
      },
      "op@ops.example",
      now,
    );
    const heard = hook.got.length + slack.got.length + pagerduty.got.length;
    await traffic(server, bucket(3), { calmco: [30, 20] });
    const e3 = await evaluate(3);
    assert.deepEqual(e3.fired.map((a) => a.fingerprint), ["rule-tenant-error-rate:calmco"]);
    assert.deepEqual(await deliverNotifications(server.services), { sent: 0, failed: 0 });
    assert.equal(hook.got.length + slack.got.length + pagerduty.got.length, heard);
    assert.equal(
      (await listAlerts(control, { tenantSlug: "calmco" }))[0]?.status,
      "firing",
      "a silence holds notifications, not the alert",
    );
    assert.equal(noisy.slug, "noisyco");
  } finally {
    await hook.close();
    await slack.close();
    await pagerduty.close();
    await server.close();
  }
});

Deno.test("a workspace with too few requests does not fire the threshold rule", async () => {
  const server = await startTestServer();
  try {
    const { control } = server.services;
    await signUpTenant(server, "tinyco");
    server.services.metrics.tally.take();
    const end = new Date(Math.floor(Date.now() / BUCKET_MS) * BUCKET_MS - BUCKET_MS);
    await traffic(server, end, { tinyco: [5, 3] });
    const e = await evaluateAlerts(control, new Date(end.getTime() + 80_000));
    assert.equal(e.bucket, end.toISOString());
    assert.deepEqual(e.fired, []);
    assert.deepEqual(await listAlerts(control), []);
  } finally {
    await server.close();
  }
});
