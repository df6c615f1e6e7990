import assert from "node:assert/strict";
import { parseRestoreArgs } from "./restore_cli.ts";
import { processEnv, startAppProcess } from "../tests/helpers/processes.ts";
import { TEST_MASTER_KEY } from "../tests/helpers/server.ts";

Deno.test("parseRestoreArgs() reads --tenant, --all, --list, --at and --from, and refuses the rest", () => {
  assert.deepEqual(parseRestoreArgs(["--tenant", "acme", "--at", "2026-12-01T10:00:00Z"]), {
    mode: "tenant",
    tenant: "acme",
    at: new Date("2026-12-01T10:00:00Z"),
    from: undefined,
  });
  assert.equal(parseRestoreArgs(["--all", "--from", "/backups"]).from, "/backups");
  assert.equal(parseRestoreArgs(["--all"]).mode, "all");
  assert.equal(parseRestoreArgs(["--list", "--tenant", "acme"]).mode, "list");
  assert.throws(() => parseRestoreArgs([]), /Usage/);
  assert.throws(() => parseRestoreArgs(["--all", "--tenant", "acme"]), /Usage/);
  assert.throws(
    () => parseRestoreArgs(["--tenant", "acme", "--at", "yesterday"]),
    /not an instant/,
  );
  assert.throws(() => parseRestoreArgs(["--tenant", "acme", "--force"]));
});

Deno.test("deno task restore refuses while main.ts serves from DATA_DIR, and gets past the lock once it has stopped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-restore-cli-" });
  const env = processEnv(dir, { ENCRYPTION_MASTER_KEY: TEST_MASTER_KEY, RUN_WORKERS: "false" });
  const restore = async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "ops/restore_cli.ts", "--all"],
      cwd: new URL("..", import.meta.url).pathname,
      env,
    }).output();
    return { code: out.code, text: new TextDecoder().decode(out.stderr) };
  };
  const app = await startAppProcess(env);
  try {
    const refused = await restore();
    assert.equal(refused.code, 1);
    assert.match(refused.text, /The app or a worker is running on/);
  } finally {
    assert.ok(await app.stop(), app.output());
  }
  try {
    const after = await restore();
    assert.equal(after.code, 1, "nothing to restore in a folder that was never backed up");
    assert.doesNotMatch(after.text, /is running on/);
    assert.match(after.text, /No control database backup/);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
