import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { installForTest, withLifecycle } from "../../tests/helpers/plugins.ts";
import { addMember, signIn } from "../../tests/helpers/members.ts";
import { bundleFrom } from "../../plugins/host/bundle.ts";
import { settingSchema } from "../../plugins/api/manifest.ts";
import { listInstalled } from "../../plugins/host/installations.ts";

function post(server: TestServer, t: SignedUp, path: string, fields: Array<[string, string]>) {
  const body = new URLSearchParams([["_csrf", t.csrf], ...fields]);
  return server.fetch(t.host, path, {
    method: "POST",
    headers: {
      cookie: t.jar.header(t.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: body.toString(),
  });
}

const get = (server: TestServer, t: SignedUp, path: string) =>
  server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });

async function installed(server: TestServer, t: SignedUp) {
  return await withLifecycle(server.services, t.tenantId, (deps) => listInstalled(deps.db));
}

async function pluginEvents(server: TestServer, t: SignedUp): Promise<string[]> {
  return await withLifecycle(server.services, t.tenantId, async (deps) => {
    const rs = await deps.db.execute(
      "SELECT action, target FROM security_events WHERE action LIKE 'plugin.%' ORDER BY seq",
    );
    return rs.rows.map((r) => `${r.action} ${r.target}`);
  });
}

Deno.test("Settings → Plugins: the plugins entitlement is required to install", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const page = await (await get(server, t, "/settings/plugins")).text();
    assert.match(page, /Plugins is not part of the/);
    assert.match(page, /Margin guard/);
    const refused = await post(server, t, "/settings/plugins/catalog/margin-guard", [
      ["permission", "read:sales-orders"],
      ["permission", "read:purchase-orders"],
    ]);
    assert.equal(refused.status, 402);
    assert.deepEqual(await installed(server, t), []);
  } finally {
    await server.close();
  }
});

Deno.test("Settings → Plugins: install after approval, configure, disable, enable, uninstall, each audited", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const review = await (await get(server, t, "/settings/plugins/catalog/margin-guard")).text();
    assert.match(review, /Read sales orders/);
    assert.match(review, /read:purchase-orders/);

    // Not every permission approved: nothing installed.
    const partial = await post(server, t, "/settings/plugins/catalog/margin-guard", [
      ["permission", "read:sales-orders"],
    ]);
    assert.equal(partial.status, 422);
    assert.match(await partial.text(), /Not approved: read:purchase-orders/);
    assert.deepEqual(await installed(server, t), []);

    const ok = await post(server, t, "/settings/plugins/catalog/margin-guard", [
      ["permission", "read:sales-orders"],
      ["permission", "read:purchase-orders"],
    ]);
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /Margin guard 1\.0\.0 is installed and enabled/);
    const [p] = await installed(server, t);
    assert.equal(p!.name, "margin-guard");
    assert.equal(p!.settings.minimum_margin_percent, 5);

    const bad = await post(server, t, "/settings/plugins/margin-guard/settings", [
      ["minimum_margin_percent", "150"],
    ]);
    assert.equal(bad.status, 422);
    assert.equal((await installed(server, t))[0]!.settings.minimum_margin_percent, 5);
    const saved = await post(server, t, "/settings/plugins/margin-guard/settings", [
      ["minimum_margin_percent", "7.5"],
      ["message", "Too thin."],
      ["skip_drafts", "on"],
    ]);
    assert.equal(saved.status, 200);
    assert.deepEqual((await installed(server, t))[0]!.settings, {
      minimum_margin_percent: 7.5,
      message: "Too thin.",
      skip_drafts: true,
    });
    // An unticked box turns the setting off.
    await post(server, t, "/settings/plugins/margin-guard/settings", [
      ["minimum_margin_percent", "7.5"],
      ["message", "Too thin."],
    ]);
    assert.equal((await installed(server, t))[0]!.settings.skip_drafts, false);

    assert.equal((await post(server, t, "/settings/plugins/margin-guard/disable", [])).status, 200);
    assert.equal((await installed(server, t))[0]!.enabled, false);
    assert.equal((await post(server, t, "/settings/plugins/margin-guard/enable", [])).status, 200);
    assert.equal(
      (await post(server, t, "/settings/plugins/margin-guard/uninstall", [])).status,
      200,
    );
    assert.deepEqual(await installed(server, t), []);
    assert.deepEqual(await pluginEvents(server, t), [
      "plugin.installed margin-guard",
      "plugin.configured margin-guard",
      "plugin.configured margin-guard",
      "plugin.disabled margin-guard",
      "plugin.enabled margin-guard",
      "plugin.uninstalled margin-guard",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("Settings → Plugins: a private plugin for another API version is refused with the reason", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const manifest = {
      name: "future",
      title: "Future thing",
      version: "1.0.0",
      apiVersion: "^3.0.0",
    };
    const body = new FormData();
    body.set("_csrf", t.csrf);
    body.set("bundle", new File(["export const x = 1;"], "plugin.js"));
    body.set("manifest", new File([JSON.stringify(manifest)], "manifest.json"));
    const encoded = new Response(body);
    const review = await server.fetch(t.host, "/settings/plugins/upload", {
      method: "POST",
      headers: {
        cookie: t.jar.header(t.host),
        "content-type": encoded.headers.get("content-type")!,
      },
      body: new Uint8Array(await encoded.arrayBuffer()),
    });
    assert.equal(review.status, 409);
    assert.match(
      await review.text(),
      /Future thing needs extension API \^3\.0\.0; this app offers 2\.1\.0/,
    );
    const forced = await post(server, t, "/settings/plugins/private", [
      ["manifest_json", JSON.stringify(manifest)],
      ["code", "export const x = 1;"],
    ]);
    assert.equal(forced.status, 409);
    assert.deepEqual(await installed(server, t), []);
  } finally {
    await server.close();
  }
});

Deno.test("Settings → Plugins: setting values only to managers; a secret setting is never shown back", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    await installForTest(
      server.services,
      t.tenantId,
      bundleFrom(
        "private",
        JSON.stringify({
          name: "rt-sync",
          title: "RT sync",
          version: "1.0.0",
          apiVersion: "^2.1.0",
          permissions: ["read:customers"],
          settings: [
            { key: "api_key", label: "API key", type: "string", default: "", secret: true },
            { key: "region", label: "Region", type: "string", default: "" },
          ],
        }),
        "export const x = 1;",
      ),
    );
    const saved = await post(server, t, "/settings/plugins/rt-sync/settings", [
      ["api_key", "sk_live_SECRET123"],
      ["region", "eu-west-7"],
    ]);
    assert.equal(saved.status, 200);
    const ownerPage = await saved.text();
    assert.doesNotMatch(ownerPage, /sk_live_SECRET123/);
    assert.match(ownerPage, /value="eu-west-7"/, "a manager sees plain values");
    assert.match(ownerPage, /Set\. Leave empty to keep it/);

    // Saving again with the secret left empty keeps it.
    const again = await post(server, t, "/settings/plugins/rt-sync/settings", [
      ["api_key", ""],
      ["region", "eu-west-8"],
    ]);
    assert.equal(again.status, 200);
    const [stored] = await installed(server, t);
    assert.deepEqual(stored!.settings, { api_key: "sk_live_SECRET123", region: "eu-west-8" });
    // The security log says a secret is set, never what it is.
    const details = await withLifecycle(server.services, t.tenantId, async (deps) => {
      const rs = await deps.db.execute(
        "SELECT details FROM security_events WHERE action = 'plugin.configured'",
      );
      return rs.rows.map((r) => String(r.details)).join("\n");
    });
    assert.doesNotMatch(details, /sk_live_SECRET123/);
    assert.match(details, /\(set\)/);

    // A viewer sees no value at all, not even the plain ones.
    const viewer = await addMember(server, t.tenantId, "viewer");
    const session = await signIn(server, t.host, viewer.email, viewer.password);
    const page = await server.fetch(t.host, "/settings/plugins/rt-sync", {
      headers: { cookie: session.jar.header(t.host) },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.doesNotMatch(html, /sk_live_SECRET123|eu-west-8/);
    assert.match(
      html,
      /Only members who manage settings see this plugin&#39;s settings|Only members who manage settings see this plugin's settings/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("a secret setting must have an empty default", () => {
  const bad = settingSchema.safeParse({
    key: "api_key",
    label: "API key",
    type: "string",
    default: "sk_live_x",
    secret: true,
  });
  assert.equal(bad.success, false);
});
