import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { concat } from "./archive_reader.ts";
import { partKey, requestExport, runExportJob } from "./exports.ts";
import { runRestore } from "./restore_cli.ts";

Deno.test("workspace:restore makes a new workspace from an archive file and refuses a taken slug or a foreign file", async () => {
  const server = await startTestServer();
  const dir = await Deno.makeTempDir();
  try {
    const t = await signUpTenant(server, "clisource");
    await seedOneOfEach(await apiClient(server, t), "Cli");
    const exp = await requestExport(server.services, t.tenantId, t.userId);
    const ready = (await runExportJob(server.services, exp.id))!;
    const storage = server.services.storage;
    const parts = [];
    for (let n = 0; n < ready.parts; n++) {
      parts.push(await storage.get(partKey(t.tenantId, ready.id, n)));
    }
    const file = `${dir}/export.zip`;
    await Deno.writeFile(file, concat(parts));

    assert.equal((await runRestore([file], server.services)).code, 2); // no --slug
    const done = await runRestore([file, "--slug", "clicopy"], server.services);
    assert.equal(done.code, 0, done.output);
    assert.match(done.output, /Restored into clicopy/);
    assert.match(done.output, new RegExp(`Members with their role back: ${t.email}`));
    const copy = (await server.services.registry.findBySlug("clicopy"))!;
    const member = await server.services.control.execute({
      sql: "SELECT role FROM memberships WHERE tenant_id = ? AND user_id = ?",
      args: [copy.id, t.userId],
    });
    assert.equal(member.rows[0]?.role, "owner");
    const api = await apiClient(server, { ...t, slug: "clicopy", host: "clicopy.localhost" });
    const customers = await api.ok("GET", "/api/v1/customers");
    assert.deepEqual(customers.data.map((c: { name: string }) => c.name), ["Cli Grocers"]);

    await assert.rejects(() => runRestore([file, "--slug", "clicopy"], server.services), /taken/);
    const foreign = `${dir}/notes.zip`;
    await Deno.writeTextFile(foreign, "not a zip at all");
    const before = (await server.services.control.execute("SELECT COUNT(*) AS n FROM tenants"))
      .rows[0]!.n;
    await assert.rejects(
      () => runRestore([foreign, "--slug", "cliother"], server.services),
      /cannot be restored/,
    );
    const after = (await server.services.control.execute("SELECT COUNT(*) AS n FROM tenants"))
      .rows[0]!.n;
    assert.equal(after, before);
  } finally {
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
