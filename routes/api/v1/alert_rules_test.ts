import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../../tests/helpers/api.ts";
import { addMember, call, confirmAddress, signIn } from "../../../tests/helpers/members.ts";

const PATH = "/api/v1/alert-rules";

async function withServer(work: (server: TestServer) => Promise<void>) {
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
  try {
    await work(server);
  } finally {
    await server.close();
  }
}

Deno.test("alert rules: an owner adds, reads, changes and removes a rule through the API, each in the security log; the secret is never answered", async () => {
  await withServer(async (server) => {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const made = await api.ok("POST", PATH, {
      metric: "customer_over_credit_limit",
      threshold: 0,
      channel: "webhook",
      target: "http://127.0.0.1:9/alerts",
      secret: "s3cret",
    }, 201);
    assert.equal(made.metric, "customer_over_credit_limit");
    assert.equal(made.signed, true);
    assert.equal(made.firing, false);
    assert.equal(JSON.stringify(made).includes("s3cret"), false, "the secret is not answered");
    assert.deepEqual((await api.ok("GET", PATH)).data, [made]);
    assert.deepEqual(await api.ok("GET", `${PATH}/${made.id}`), made);

    const changed = await api.ok("PATCH", `${PATH}/${made.id}`, {
      threshold: 250,
      enabled: false,
      secret: "",
    });
    assert.deepEqual(
      [changed.threshold, changed.enabled, changed.signed, changed.target],
      [250, false, false, made.target],
    );

    // The rule as changed is checked as a whole: an e-mail channel with a web address is refused
    // and nothing changes.
    const bad = await api.call("PATCH", `${PATH}/${made.id}`, { channel: "email" });
    assert.equal(bad.status, 422);
    assert.deepEqual(bad.body.error.details.target, ["Enter an e-mail address."]);
    assert.deepEqual(await api.ok("GET", `${PATH}/${made.id}`), changed);
    const unknown = await api.call("PATCH", `${PATH}/${made.id}`, { colour: "red" });
    assert.equal(unknown.status, 422);
    // A new rule with a key the API does not know is refused too, not made without it.
    const extra = await api.call("POST", PATH, {
      metric: "loads_late",
      threshold: 1,
      channel: "email",
      target: "ops@example.com",
      colour: "red",
    });
    assert.equal(extra.status, 422);

    assert.equal((await api.call("DELETE", `${PATH}/${made.id}`)).status, 204);
    assert.equal((await api.call("GET", `${PATH}/${made.id}`)).status, 404);
    assert.equal((await api.call("DELETE", `${PATH}/${made.id}`)).status, 404);
    assert.deepEqual((await api.ok("GET", PATH)).data, []);

    const log = (await api.ok("GET", "/api/v1/security/events?action=settings.&limit=200")).data
      .filter((e: { action: string }) => e.action.startsWith("settings.alert_"));
    const actions = log.map((e: { action: string; target: string }) => [e.action, e.target]);
    assert.deepEqual(actions.reverse(), [
      ["settings.alert_added", made.id],
      ["settings.alert_changed", made.id],
      ["settings.alert_removed", made.id],
    ]);
    const changedEvent = log.find((e: { action: string }) => e.action === "settings.alert_changed");
    assert.deepEqual(changedEvent.details.fields, ["enabled", "secret", "threshold"]);
  });
});

Deno.test("alert rules: a bad rule is refused with the page's messages and nothing is stored", async () => {
  await withServer(async (server) => {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cases: Array<[unknown, string]> = [
      [
        { metric: "loads_late", threshold: 1, channel: "email", target: "not an address" },
        "target",
      ],
      [{ metric: "no_such", threshold: 1, channel: "email", target: "a@b.example" }, "metric"],
      [
        { metric: "loads_late", threshold: -1, channel: "email", target: "a@b.example" },
        "threshold",
      ],
      [{ metric: "loads_late", threshold: 1, channel: "slack", target: "a@b.example" }, "target"],
    ];
    for (const [body, field] of cases) {
      const res = await api.call("POST", PATH, body);
      assert.equal(res.status, 422, JSON.stringify(body));
      assert.ok(res.body.error.details[field], `${JSON.stringify(body)}: ${field}`);
    }
    assert.deepEqual((await api.ok("GET", PATH)).data, []);
    const rows = await server.services.control.execute(
      "SELECT count(*) AS n FROM business_alert_tenants",
    );
    assert.equal(Number(rows.rows[0]!.n), 0, "the workspace is not put on the schedule");
  });
});

Deno.test("alert rules: scoped tokens need alerts:read or alerts:write, a broker may not, another workspace sees nothing", async () => {
  await withServer(async (server) => {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, t);
    const rule = await api.ok("POST", PATH, {
      metric: "loads_late",
      threshold: 2,
      channel: "email",
      target: "dock@acme.example",
    }, 201);
    const token = async (scopes: string[]) => {
      const res = await server.fetch(t.host, "/api/v1/auth/tokens", {
        method: "POST",
        json: { email: t.email, password: t.password, name: scopes.join(" "), scopes },
      });
      assert.equal(res.status, 201);
      return clientWithToken(server, t.host, (await res.json()).token);
    };
    const reader = await token(["alerts:read"]);
    assert.equal((await reader.ok("GET", PATH)).data.length, 1);
    const refused = await reader.call("PATCH", `${PATH}/${rule.id}`, { threshold: 9 });
    assert.equal(refused.status, 403);
    assert.deepEqual(refused.body.error.details.missing_scopes, ["alerts:write"]);
    const webhooksOnly = await token(["webhooks:write"]);
    assert.equal((await webhooksOnly.call("GET", PATH)).status, 403);
    const writer = await token(["alerts:write"]);
    assert.equal((await writer.ok("PATCH", `${PATH}/${rule.id}`, { threshold: 9 })).threshold, 9);

    const me = await api.ok("GET", "/api/v1/me");
    const broker = await addMember(server, me.tenant.id, "broker");
    const session = await signIn(server, t.host, broker.email, broker.password);
    const asBroker = await server.fetch(t.host, PATH, {
      headers: { cookie: session.jar.header(t.host) },
    });
    assert.equal(asBroker.status, 403);

    const other = await apiClient(server, await signUpTenant(server));
    assert.equal((await other.call("GET", `${PATH}/${rule.id}`)).status, 404);
    assert.equal((await other.call("DELETE", `${PATH}/${rule.id}`)).status, 404);
    assert.deepEqual((await other.ok("GET", PATH)).data, []);
    assert.equal((await api.ok("GET", `${PATH}/${rule.id}`)).threshold, 9, "still there");
  });
});

Deno.test("alert rules: e-mailing an address outside the workspace needs the member's confirmed address to add or change (403, nothing saved); a member's address, webhooks and turning a rule off need none", async () => {
  await withServer(async (server) => {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t); // a token acts for its unconfirmed owner
    const outside = {
      metric: "loads_late",
      threshold: 2,
      channel: "email",
      target: "ops@outside.example",
    };
    const refused = await api.call("POST", PATH, outside);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, "forbidden");
    assert.deepEqual(refused.body.error.details, { reason: "email_unconfirmed" });
    assert.match(refused.body.error.message, /^Confirm your e-mail address before sending mail/);
    const spanish = await api.call("POST", PATH, outside, { "accept-language": "es" });
    assert.match(spanish.body.error.message, /^Confirme su dirección de correo/);
    assert.deepEqual((await api.ok("GET", PATH)).data, [], "nothing saved");

    // The owner's own address (any case) and a webhook are fine unconfirmed.
    const own = await api.ok("POST", PATH, { ...outside, target: t.email.toUpperCase() }, 201);
    const hook = await api.ok("POST", PATH, {
      ...outside,
      channel: "webhook",
      target: "http://127.0.0.1:9/hook",
    }, 201);
    const moved = await api.call("PATCH", `${PATH}/${own.id}`, { target: "ops@outside.example" });
    assert.equal(moved.status, 403);
    assert.deepEqual(moved.body.error.details, { reason: "email_unconfirmed" });
    const toEmail = await api.call("PATCH", `${PATH}/${hook.id}`, {
      channel: "email",
      target: "ops@outside.example",
    });
    assert.equal(toEmail.status, 403);
    const kept = (await api.ok("GET", PATH)).data;
    assert.deepEqual(kept.map((r: { target: string }) => r.target), [
      t.email.toUpperCase(),
      "http://127.0.0.1:9/hook",
    ]);

    // Confirmed: added and changed. An unconfirmed admin may turn it off, nothing more.
    await confirmAddress(server, t.userId);
    const rule = await api.ok("POST", PATH, outside, 201);
    assert.equal(rule.target, "ops@outside.example");
    const admin = await addMember(server, t.tenantId, "admin");
    const session = await signIn(server, t.host, admin.email, admin.password);
    const patch = async (json: unknown) => {
      const res = await call(server, session, "PATCH", `${PATH}/${rule.id}`, json);
      return { status: res.status, body: await res.json() };
    };
    const changed = await patch({ threshold: 9 });
    assert.equal(changed.status, 403);
    assert.deepEqual(changed.body.error.details, { reason: "email_unconfirmed" });
    const off = await patch({ enabled: false });
    assert.equal(off.status, 200);
    assert.equal(off.body.enabled, false);
    assert.equal(off.body.threshold, 2);
    assert.equal((await patch({ enabled: true })).status, 403);
  });
});
