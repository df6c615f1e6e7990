import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../../../tests/helpers/api.ts";
import { addMember, confirmAddress, mailTo } from "../../../tests/helpers/members.ts";
import { DEFAULT_CONFIGURATION } from "../../../customization/document/schema.ts";

async function withApi(fn: (server: TestServer, api: ApiClient) => Promise<void>) {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    await fn(server, await apiClient(server, tenant));
  } finally {
    await server.close();
  }
}

function put(api: ApiClient, body: unknown, ifMatch?: string) {
  return api.call("PUT", "/api/v1/config", body, ifMatch ? { "if-match": ifMatch } : {});
}

const GREEN = { branding: { colors: { primary: "#1f6f43", primary_hover: "#17563a" } } };

Deno.test("GET /api/v1/config answers the built-in document at version 0, as JSON or YAML", async () => {
  await withApi(async (server, api) => {
    const json = await api.call("GET", "/api/v1/config");
    assert.equal(json.status, 200);
    assert.equal(json.headers.get("etag"), '"0"');
    assert.deepEqual(json.body, DEFAULT_CONFIGURATION);
    const yaml = await server.fetch(api.host, "/api/v1/config", {
      headers: { authorization: `Bearer ${api.token}`, accept: "application/yaml" },
    });
    assert.match(yaml.headers.get("content-type") ?? "", /application\/yaml/);
    const text = await yaml.text();
    assert.match(text, /^branding:$/m);
    assert.match(text, /appearance: automatic/);
    const unchanged = await api.call("GET", "/api/v1/config", undefined, {
      "if-none-match": '"0"',
    });
    assert.equal(unchanged.status, 304);
  });
});

Deno.test("a bad document answers 400 naming each path and the allowed values, and changes nothing", async () => {
  await withApi(async (_server, api) => {
    const bad = await put(api, {
      branding: { appearance: "purple", colour: "#fff", colors: { primary: "green" } },
    }, '"0"');
    assert.equal(bad.status, 400);
    const details = bad.body.error.details as Record<string, string[]>;
    assert.match(details["branding.appearance"]![0]!, /automatic, light, dark/);
    assert.match(details["branding.colour"]![0]!, /Unknown key\. Allowed here: .*colors/);
    assert.match(details["branding.colors.primary"]![0]!, /#1f6f43/);
    assert.match(bad.body.error.message, /Nothing was changed/);
    const after = await api.call("GET", "/api/v1/config");
    assert.equal(after.headers.get("etag"), '"0"');
    assert.deepEqual((await api.ok("GET", "/api/v1/config/history")).data, []);
  });
});

Deno.test("a text colour below WCAG AA on its background is refused with the pair and the ratio", async () => {
  await withApi(async (_server, api) => {
    const res = await put(api, { branding: { colors: { text: "#999999" } } }, '"0"');
    assert.equal(res.status, 400);
    const message = res.body.error.details["branding.colors.text"].join(" ");
    assert.match(message, /text #999999 on background #f6f7f9 has a contrast of 2\.\d\d:1/);
    assert.match(message, /4\.5:1/);
    assert.equal((await api.call("GET", "/api/v1/config")).headers.get("etag"), '"0"');
  });
});

Deno.test("PUT needs If-Match: without it 428, with a stale version 412, and neither writes", async () => {
  await withApi(async (server, api) => {
    assert.equal((await put(api, GREEN)).status, 428);
    const yaml = "branding:\n  product_name: Prairie Desk\n  density: compact\n";
    const first = await server.fetch(api.host, "/api/v1/config", {
      method: "PUT",
      headers: {
        authorization: `Bearer ${api.token}`,
        "content-type": "application/yaml",
        "if-match": '"0"',
      },
      body: yaml,
    });
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("etag"), '"1"');
    assert.equal((await first.json()).branding.product_name, "Prairie Desk");
    const stale = await put(api, GREEN, '"0"');
    assert.equal(stale.status, 412);
    assert.equal(stale.body.error.details.current_version, 1);
    const now = await api.call("GET", "/api/v1/config", undefined, { "if-none-match": '"0"' });
    assert.equal(now.status, 200, "a changed document is sent again");
    assert.equal(now.headers.get("etag"), '"1"');
    assert.equal(now.body.branding.colors.primary, DEFAULT_CONFIGURATION.branding.colors.primary);
  });
});

Deno.test("validate lists errors or the changes a document would make, and applies nothing", async () => {
  await withApi(async (_server, api) => {
    const bad = await api.ok("POST", "/api/v1/config/validate", { branding: { font: "Comic" } });
    assert.equal(bad.valid, false);
    assert.match(bad.errors["branding.font"][0], /system, humanist/);
    const good = await api.ok("POST", "/api/v1/config/validate", GREEN);
    assert.equal(good.valid, true);
    assert.deepEqual(good.changes.map((c: { path: string }) => c.path), [
      "branding.colors.primary",
      "branding.colors.primary_hover",
    ]);
    assert.equal((await api.call("GET", "/api/v1/config")).headers.get("etag"), '"0"');
  });
});

Deno.test("history shows who changed what; rollback restores an earlier document as a new version, both logged", async () => {
  await withApi(async (_server, api) => {
    assert.equal((await put(api, GREEN, '"0"')).status, 200);
    assert.equal(
      (await put(api, { ...GREEN, branding: { ...GREEN.branding, font: "serif" } }, '"1"')).status,
      400,
    );
    const back = await api.call("POST", "/api/v1/config/rollback", { version: 0 });
    assert.equal(back.status, 200);
    assert.equal(back.headers.get("etag"), '"2"');
    assert.deepEqual(back.body, DEFAULT_CONFIGURATION);
    const history = (await api.ok("GET", "/api/v1/config/history")).data;
    assert.deepEqual(history.map((h: { version: number; kind: string }) => [h.version, h.kind]), [
      [2, "rollback"],
      [1, "change"],
    ]);
    assert.equal(history[1].changes[0].path, "branding.colors.primary");
    assert.equal(history[1].changes[0].to, "#1f6f43");
    assert.match(history[0].changed_by_email, /@/);
    assert.equal(history[0].rolled_back_to, 0);
    assert.equal((await api.call("POST", "/api/v1/config/rollback", { version: 9 })).status, 404);
    const events = await api.ok("GET", "/api/v1/security/events?action=configuration.");
    assert.deepEqual(events.data.map((e: { action: string }) => e.action), [
      "configuration.rolled_back",
      "configuration.changed",
    ]);
  });
});

Deno.test("a broker may read the configuration but not change it", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    const m = await addMember(server, tenant.tenantId, "broker");
    const broker = await apiClient(server, { ...tenant, email: m.email, password: m.password });
    assert.equal((await broker.call("GET", "/api/v1/config")).status, 200);
    assert.equal((await put(broker, GREEN, '"0"')).status, 403);
    assert.equal(
      (await broker.call("POST", "/api/v1/config/rollback", { version: 0 })).status,
      403,
    );
    const owner = await apiClient(server, tenant);
    assert.equal((await owner.call("GET", "/api/v1/config")).headers.get("etag"), '"0"');
  } finally {
    await server.close();
  }
});

Deno.test("an invitation e-mail names the workspace's product name", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await confirmAddress(server, tenant.userId); // inviting needs a confirmed address
    const api = await apiClient(server, tenant);
    const name = { branding: { product_name: "Prairie Trade Desk" } };
    assert.equal((await put(api, name, '"0"')).status, 200);
    await api.ok(
      "POST",
      "/api/v1/invitations",
      { email: "bob@plant.example", role: "broker" },
      201,
    );
    const [mail] = await mailTo(server, "bob@plant.example");
    assert.match(mail!.subject, /on Prairie Trade Desk$/);
    assert.match(mail!.text, /join .* on Prairie Trade Desk with the role broker/);
    assert.doesNotMatch(mail!.text, /ProjectMeats/);
  } finally {
    await server.close();
  }
});

Deno.test("hostile YAML and JSON (prototype keys, alias bombs, deep nesting) answer 400 and change nothing", async () => {
  await withApi(async (server, api) => {
    const send = async (path: string, type: string, body: string, method = "POST") => {
      const res = await server.fetch(api.host, path, {
        method,
        headers: { authorization: `Bearer ${api.token}`, "content-type": type, "if-match": '"0"' },
        body,
      });
      return { status: res.status, body: await res.json() };
    };
    const proto = "constructor:\n  prototype:\n    polluted: yes\n__proto__:\n  admin: true\n" +
      "branding:\n  constructor: 1\n  toString: 2\n";
    for (const path of ["/api/v1/config/validate", "/api/v1/config"]) {
      const method = path.endsWith("validate") ? "POST" : "PUT";
      const yaml = await send(path, "application/yaml", proto, method);
      const json = await send(
        path,
        "application/json",
        '{"constructor":{"prototype":{"polluted":1}},"__proto__":{"admin":true}}',
        method,
      );
      for (const res of [yaml, json]) {
        const errors = res.body.errors ?? res.body.error?.details;
        assert.ok([200, 400].includes(res.status), `${path}: ${res.status}`);
        if (res.status === 200) assert.equal(res.body.valid, false);
        assert.ok(errors.constructor?.[0]?.startsWith("Unknown key"), JSON.stringify(res.body));
      }
      assert.ok(Object.hasOwn(yaml.body.errors ?? yaml.body.error.details, "branding.toString"));
    }
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x]"];
    for (const n of "bcdefghi") {
      const p = String.fromCharCode(n.charCodeAt(0) - 1);
      bomb.push(`${n}: &${n} [*${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}, *${p}]`);
    }
    const bombed = await send("/api/v1/config", "application/yaml", bomb.join("\n"), "PUT");
    assert.equal(bombed.status, 400);
    const deep = await send("/api/v1/config", "application/yaml", `a: ${"[".repeat(50000)}`, "PUT");
    assert.equal(deep.status, 400);
    // Nothing was stored, and no object of the server's picked up a key.
    assert.equal((await api.call("GET", "/api/v1/config")).headers.get("etag"), '"0"');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
  });
});
