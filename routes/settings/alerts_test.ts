import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { confirmAddress, ownerAdminBroker, signIn } from "../../tests/helpers/members.ts";

function form(csrf: string, fields: Record<string, string>): string {
  return new URLSearchParams({ _csrf: csrf, ...fields }).toString();
}

Deno.test("Settings → Alerts: an owner adds and removes a business alert rule; a broker can neither see nor add one", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const { owner, broker } = await ownerAdminBroker(server, t);
    const post = (session: typeof owner, path: string, fields: Record<string, string>) =>
      server.fetch(t.host, path, {
        method: "POST",
        headers: {
          cookie: session.jar.header(t.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form(session.csrf, fields),
      });
    const rules = async () => {
      const lease = await server.services.pool.acquire(t.tenantId, null);
      try {
        return (await lease.db.execute(
          "SELECT id, metric, threshold, target FROM business_alert_rules",
        ))
          .rows;
      } finally {
        lease.release();
      }
    };

    const added = await post(owner, "/settings/alerts", {
      metric: "invoices_60_days_overdue",
      threshold: "0",
      channel: "email",
      target: "ar@acme.example",
    });
    assert.equal(added.status, 200);
    const html = await added.text();
    assert.match(html, /Alert added\./);
    assert.match(html, /invoices more than 60 days overdue/);
    const stored = await rules();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]!.target, "ar@acme.example");

    // A bad address is refused with the field's message and nothing stored.
    const bad = await post(owner, "/settings/alerts", {
      metric: "loads_late",
      threshold: "2",
      channel: "email",
      target: "nobody",
    });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /Enter an e-mail address/);
    assert.equal((await rules()).length, 1);

    // A broker: no page, no rule.
    const brokerSession = await signIn(server, t.host, broker.email, broker.password);
    const page = await server.fetch(t.host, "/settings/alerts", {
      headers: { cookie: brokerSession.jar.header(t.host) },
    });
    assert.equal(page.status, 403);
    await page.body?.cancel();
    const refused = await post(brokerSession, "/settings/alerts", {
      metric: "loads_late",
      threshold: "2",
      channel: "email",
      target: "broker@acme.example",
    });
    assert.equal(refused.status, 403);
    await refused.body?.cancel();
    assert.equal((await rules()).length, 1);

    const removed = await post(owner, `/settings/alerts/${stored[0]!.id}/delete`, {});
    assert.equal(removed.status, 200);
    assert.match(await removed.text(), /Alert removed\./);
    assert.equal((await rules()).length, 0);
    const listed = await server.services.control.execute(
      "SELECT count(*) AS n FROM business_alert_tenants",
    );
    assert.equal(Number(listed.rows[0]!.n), 0, "off the schedule with its last rule");
  } finally {
    await server.close();
  }
});

Deno.test("Settings → Alerts: an owner whose address is unconfirmed cannot have alerts mailed outside the workspace (403, told why, nothing saved) until they confirm it", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const add = async (target: string) =>
      await server.fetch(t.host, "/settings/alerts", {
        method: "POST",
        headers: {
          cookie: t.jar.header(t.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: form(t.csrf, { metric: "loads_late", threshold: "2", channel: "email", target }),
      });
    const stored = async () => {
      const lease = await server.services.pool.acquire(t.tenantId, null);
      try {
        return (await lease.db.execute("SELECT target FROM business_alert_rules")).rows
          .map((r) => String(r.target));
      } finally {
        lease.release();
      }
    };
    const refused = await add("ops@outside.example");
    assert.equal(refused.status, 403);
    const html = await refused.text();
    assert.match(html, /Confirm your e-mail address before sending mail outside the workspace/);
    assert.match(html, /<form method="post" action="\/settings\/alerts"/, "the page, not an error");
    assert.deepEqual(await stored(), []);

    const own = await add(t.email);
    assert.equal(own.status, 200, "the owner's own address needs no confirmation");
    await own.body?.cancel();

    await confirmAddress(server, t.userId);
    const added = await add("ops@outside.example");
    assert.equal(added.status, 200);
    assert.match(await added.text(), /Alert added\./);
    assert.deepEqual((await stored()).sort(), [t.email, "ops@outside.example"].sort());
  } finally {
    await server.close();
  }
});
