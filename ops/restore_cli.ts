/**
 * @module ops/restore_cli
 * `deno task restore`: brings back databases from the local-mode backups (ops/restore.ts).
 *
 *   deno task restore --tenant <slug> [--at <instant>]   one workspace's database
 *   deno task restore --all [--at <instant>]             the control and every tenant database
 *   deno task restore --list [--tenant <slug>]           the backups there are
 *   --from <folder>                                      backups in a local folder (e.g. the old
 *                                                        DATA_DIR/files) instead of the storage
 *
 * Stop the app and the workers first: the command refuses while a process serves from DATA_DIR.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { LocalStorage } from "../storage/local.ts";
import { createStorage } from "../storage/mod.ts";
import { backupStorage } from "./backup_catalog.ts";
import { listBackups, restoreAll, restoreTenant } from "./restore.ts";

export interface RestoreArgs {
  mode: "tenant" | "all" | "list";
  tenant?: string;
  at?: Date;
  from?: string;
}

export const USAGE = "Usage: deno task restore (--tenant <slug> | --all) [--at <instant>] " +
  "[--from <folder>]\n       deno task restore --list [--tenant <slug>] [--from <folder>]";

/** Reads the command line; throws with the usage on anything it does not understand. */
export function parseRestoreArgs(args: string[]): RestoreArgs {
  if (args.includes("--help")) throw new Error(USAGE);
  const { values } = parseArgs({
    args,
    options: {
      tenant: { type: "string" },
      all: { type: "boolean" },
      list: { type: "boolean" },
      at: { type: "string" },
      from: { type: "string" },
    },
    strict: true,
  });
  const at = values.at === undefined ? undefined : new Date(values.at);
  if (at && Number.isNaN(at.getTime())) {
    throw new Error(`--at ${values.at} is not an instant (e.g. 2026-12-06T08:00:00Z).\n${USAGE}`);
  }
  const mode = values.list ? "list" : values.all ? "all" : values.tenant ? "tenant" : null;
  if (!mode || (values.all && values.tenant && !values.list)) throw new Error(USAGE);
  return { mode, tenant: values.tenant, at, from: values.from };
}

if (import.meta.main) {
  let args: RestoreArgs;
  try {
    args = parseRestoreArgs(Deno.args);
  } catch (err) {
    console.error((err as Error).message);
    Deno.exit(2);
  }
  const config = loadConfig();
  const from = args.from ? new LocalStorage(args.from) : backupStorage(createStorage(config));
  const say = (line: string) => console.error(line);
  try {
    if (args.mode === "list") {
      const entries = await listBackups({ config, from }, args.tenant);
      console.table(entries.map((e) => ({ taken_at: e.takenAt, id: e.id, bytes: e.bytes })));
    } else if (args.mode === "tenant") {
      const done = await restoreTenant({ config, from, at: args.at, say }, args.tenant!);
      say(`${args.tenant}: restored the backup of ${done.backup.takenAt} into ${config.DATA_DIR}.`);
    } else {
      const report = await restoreAll({ config, from, at: args.at, say });
      say(`Restored ${report.restored.length} databases into ${config.DATA_DIR}.`);
      if (report.missing.length) {
        say(`No backup to restore for: ${report.missing.join(", ")} (left as they were).`);
        Deno.exitCode = 1;
      }
    }
  } catch (err) {
    console.error(`Restore refused or stopped: ${(err as Error).message}`);
    Deno.exit(1);
  }
}
