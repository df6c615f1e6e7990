/**
 * Scheduled tasks: the lifecycle keeps the control rows, the chore enqueues a due task once (and
 * moves it to its next time), and the job runs it in the workspace with its write permission.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { drainJobs, putInState } from "../../tests/helpers/billing.ts";
import { installForTest, withLifecycle } from "../../tests/helpers/plugins.ts";
import { bundleFrom } from "./bundle.ts";
import { enqueueDuePluginTasks } from "./tasks.ts";
import { setPluginEnabled } from "./installations.ts";

const nightly = bundleFrom(
  "private",
  JSON.stringify({
    name: "nightly",
    title: "Nightly",
    version: "1.0.0",
    apiVersion: "^1.0.0",
    permissions: ["write:customers"],
    entryPoints: { tasks: [{ id: "stamp", every: "day", handler: "stamp" }] },
  }),
  `export async function stamp(input, context) {
     await host.records.create("customers", { name: "Stamped " + context.today });
   }`,
);

Deno.test("a plugin's daily task is enqueued once when due and runs in its workspace", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    await installForTest(server.services, t.tenantId, nightly);
    const control = server.services.control;
    const rows = async () =>
      (await control.execute("SELECT tenant_id, plugin, task, every FROM plugin_tasks")).rows
        .map((r) => ({ ...r }));
    assert.deepEqual(await rows(), [
      { tenant_id: t.tenantId, plugin: "nightly", task: "stamp", every: "day" },
    ]);
    assert.equal(await enqueueDuePluginTasks(server.services), 0, "not due for a day");

    await control.execute("UPDATE plugin_tasks SET next_run_at = '2000-01-01T00:00:00.000Z'");
    assert.equal(await enqueueDuePluginTasks(server.services), 1);
    assert.equal(await enqueueDuePluginTasks(server.services), 0, "moved to its next time");
    assert.deepEqual(await drainJobs(server.services), ["plugin.task"]);
    const api = await apiClient(server, t);
    const names = (await api.ok("GET", "/api/v1/customers")).data.map((c: { name: string }) =>
      c.name
    );
    assert.equal(names.length, 1);
    assert.match(names[0], /^Stamped \d{4}-\d{2}-\d{2}$/);

    await withLifecycle(
      server.services,
      t.tenantId,
      (deps) => setPluginEnabled(deps, "nightly", false),
    );
    assert.deepEqual(await rows(), [], "a disabled plugin has no schedule");
  } finally {
    await server.close();
  }
});
