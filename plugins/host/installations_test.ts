/**
 * The manifest's `apiVersion` range is enforced at install, upgrade and enable: a plugin asking
 * for an API this app does not offer is refused with the reason, and nothing is written or
 * audited. The ranges a 1.x plugin writes keep working on 2.0 unless it has an afterSave hook (the
 * one thing 2.0 changed).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { withLifecycle } from "../../tests/helpers/plugins.ts";
import { ConflictError } from "../../domain/errors.ts";
import { PLUGIN_API_VERSION } from "../api/version.ts";
import { bundleFrom } from "./bundle.ts";
import {
  installPlugin,
  type LifecycleDeps,
  listInstalled,
  setPluginEnabled,
  uninstallPlugin,
  upgradePlugin,
} from "./installations.ts";

function plugin(apiVersion: string, version = "1.0.0", hooks: unknown[] = []) {
  return bundleFrom(
    "private",
    JSON.stringify({
      name: "ranged",
      title: "Ranged check",
      version,
      apiVersion,
      permissions: hooks.length ? ["read:suppliers"] : [],
      entryPoints: { hooks },
    }),
    "export const x = 1; export function react() {}",
  );
}

const AFTER_SAVE = [{ event: "afterSave", collection: "suppliers", handler: "react" }];

const APPROVE_ALL = { permissions: [], domains: [] };

/** Lifecycle deps on a fresh workspace that record what they audit. */
async function withWorkspace(work: (deps: LifecycleDeps, audited: string[]) => Promise<void>) {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await withLifecycle(server.services, t.tenantId, async (deps) => {
      const audited: string[] = [];
      await work({ ...deps, audit: (e) => (audited.push(e.action), Promise.resolve()) }, audited);
    });
  } finally {
    await server.close();
  }
}

Deno.test("installPlugin() refuses a plugin for another API version with the reason, writing nothing", async () => {
  assert.equal(PLUGIN_API_VERSION, "2.1.0");
  await withWorkspace(async (deps, audited) => {
    for (const range of ["^3.0.0", "^2.2.0", "^1.3.0", ">=1.0.0 <1.2.0", "~1.1.0", "1.1.0"]) {
      const err = await installPlugin(deps, plugin(range), APPROVE_ALL).catch((e) => e);
      assert.ok(err instanceof ConflictError, `${range}: ${err}`);
      assert.equal(
        err.message,
        `Ranged check needs extension API ${range}; this app offers ${PLUGIN_API_VERSION}.`,
      );
      assert.deepEqual(err.details, { reason: "incompatible_api_version" });
    }
    assert.deepEqual(await listInstalled(deps.db), []);
    assert.deepEqual(audited, []);
  });
});

Deno.test("installPlugin() accepts 2.x ranges, and 1.x ranges of plugins without an afterSave hook", async () => {
  await withWorkspace(async (deps, audited) => {
    const ranges = ["^1.0.0", "^1.1.0", "^1.2.0", "~1.2.0", "1.x", ">=1.0.0 <2.0.0", "*", "^2.0.0"];
    for (const range of ranges) {
      const installed = await installPlugin(deps, plugin(range), APPROVE_ALL);
      assert.equal(installed.manifest.apiVersion, range);
      await uninstallPlugin(deps, "ranged");
    }
    assert.equal(audited.filter((a) => a === "plugin.installed").length, ranges.length);
  });
});

Deno.test("installPlugin() refuses a 1.x plugin with an afterSave hook, saying why; ^2.0.0 installs", async () => {
  await withWorkspace(async (deps, audited) => {
    const approve = { permissions: ["read:suppliers"], domains: [] };
    for (const range of ["^1.0.0", "1.x", ">=1.0.0 <2.0.0"]) {
      const err = await installPlugin(deps, plugin(range, "1.0.0", AFTER_SAVE), approve)
        .catch((e) => e);
      assert.ok(err instanceof ConflictError, `${range}: ${err}`);
      assert.equal(
        err.message,
        `Ranged check needs extension API ${range}; this app offers 2.1.0, where afterSave runs ` +
          "after the response and may be told an event twice: declare ^2.0.0 once its afterSave " +
          "hook is idempotent.",
      );
    }
    assert.deepEqual(await listInstalled(deps.db), []);
    const installed = await installPlugin(deps, plugin("^2.0.0", "1.0.0", AFTER_SAVE), approve);
    assert.equal(installed.manifest.apiVersion, "^2.0.0");
    assert.deepEqual(audited, ["plugin.installed"]);
  });
});

Deno.test("an upgrade to an incompatible version, and enabling one, are refused; the installation stays", async () => {
  await withWorkspace(async (deps, audited) => {
    await installPlugin(deps, plugin("^1.0.0"), APPROVE_ALL);
    const upgrade = await upgradePlugin(deps, plugin("^3.0.0", "2.0.0"), APPROVE_ALL)
      .catch((e) => e);
    assert.ok(upgrade instanceof ConflictError, String(upgrade));
    assert.match(upgrade.message, /needs extension API \^3\.0\.0; this app offers 2\.1\.0/);
    const [kept] = await listInstalled(deps.db);
    assert.equal(kept?.version, "1.0.0");
    assert.equal(kept?.manifest.apiVersion, "^1.0.0");
    // A row written by a newer app (its manifest asks for 1.3) cannot be switched on here.
    await setPluginEnabled(deps, "ranged", false);
    await deps.db.execute({
      sql: "UPDATE plugin_installations SET manifest = json_set(manifest, '$.apiVersion', ?)",
      args: ["^1.3.0"],
    });
    const enable = await setPluginEnabled(deps, "ranged", true).catch((e) => e);
    assert.ok(enable instanceof ConflictError, String(enable));
    assert.match(enable.message, /needs extension API \^1\.3\.0; this app offers 2\.1\.0/);
    assert.equal((await listInstalled(deps.db))[0]?.enabled, false);
    assert.deepEqual(audited, ["plugin.installed", "plugin.disabled"]);
  });
});
