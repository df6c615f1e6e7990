/**
 * @module tenants/tenant_move_cli
 * `deno task tenants:move-to-turso`: after `control:move-to-turso`, copies every tenant database
 * that is still a local file under `DATA_DIR/tenants/` into its own Turso database and records the
 * location on the tenant row once the row counts match (tenants/tenant_move.ts). Stop the app and
 * the workers first. Safe to run again after an interruption: it continues where it stopped,
 * skips tenants already moved and never copies a row twice.
 *
 * `deno task tenants:move-to-turso --remove-local`, once every tenant is moved and verified,
 * deletes the local files of the tenants whose Turso copy is recorded and verified.
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { TenantKeys } from "../crypto/tenant_keys.ts";
import { LocalDatabaseProvider } from "./database_provider.ts";
import { controlOnTurso, openInstallationControl } from "./control_database.ts";
import { moveTenantsToTurso, removeMovedLocalFiles } from "./tenant_move.ts";
import { createDatabaseProvider, TursoDatabaseProvider } from "./turso_provider.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: { "remove-local": { type: "boolean", default: false } },
});
const config = loadConfig();
if (!controlOnTurso(config)) {
  console.error("Set TURSO_ORG and TURSO_API_TOKEN (docs/operations/turso.md) to move to Turso.");
  Deno.exit(1);
}
const say = (line: string) => console.error(line);
// Refused until control:move-to-turso has finished: the tenants and their keys are read there.
const { control, keys } = await openInstallationControl(config, say).catch((err) => {
  console.error((err as Error).message);
  Deno.exit(1);
});
const tenantKeys = new TenantKeys(control, keys.provider, () => new Date());
const local = new LocalDatabaseProvider(join(config.DATA_DIR, "tenants"), tenantKeys);
const turso = createDatabaseProvider(config, tenantKeys);
if (!(turso instanceof TursoDatabaseProvider)) throw new Error("Turso is not configured.");
const deps = { control, local, turso };
try {
  if (values["remove-local"]) {
    const { removed, kept } = await removeMovedLocalFiles(deps);
    console.error(`Removed the local files of ${removed.length} tenants: ${removed.join(", ")}.`);
    for (const k of kept) console.error(`Kept ${k.slug}: ${k.reason}.`);
    if (kept.length > 0) Deno.exitCode = 1;
  } else {
    const results = await moveTenantsToTurso(deps, { say });
    console.table(results.map((r) => ({ tenant: r.slug, outcome: r.outcome, error: r.error })));
    const failed = results.filter((r) => r.outcome === "failed");
    if (failed.length > 0) {
      console.error(`${failed.length} tenants are not moved yet: run the command again.`);
      Deno.exitCode = 1;
    } else {
      console.error("Done: every tenant database is on Turso, with equal row counts.");
    }
  }
} finally {
  control.close();
}
