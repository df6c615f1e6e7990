import assert from "node:assert/strict";
import { parseRestoreArgs } from "./restore_cli.ts";

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
