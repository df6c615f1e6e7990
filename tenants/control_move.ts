/**
 * @module tenants/control_move
 * Copies an installation's local control database into its control database on Turso
 * (`deno task control:move-to-turso`): every table, in chunks, resumable and never duplicating,
 * as tenants/table_copy.ts describes, with its progress in `_control_move` on Turso. At the end the
 * row count of every table is compared and any difference fails the command, naming the tables;
 * only then is the move marked finished, which is what lets the app open the Turso control
 * database while a local control.db is still around (tenants/control_database.ts).
 */
import type { Client } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { MOVE_PROGRESS_TABLE } from "./control_database.ts";
import { copyTables, markCopyFinished, type TableCount } from "./table_copy.ts";

export type { TableCount } from "./table_copy.ts";

export interface MoveOptions {
  /** Most rows per batch (fewer when they are large: about 1 MB per request at most). */
  chunkRows?: number;
  /** Progress lines for the operator. */
  say?: (line: string) => void;
}

export interface MoveReport {
  /** True when an earlier, interrupted run had already copied part of it. */
  resumed: boolean;
  tables: TableCount[];
}

/** Copies every table of `source` into `target` (migrated first); resumable; verifies counts. */
export async function moveControlDatabase(
  source: Client,
  target: Client,
  options: MoveOptions = {},
): Promise<MoveReport> {
  const say = options.say ?? (() => {});
  await migrate(source, "control");
  await migrate(target, "control");
  const report = await copyTables(source, target, {
    progressTable: MOVE_PROGRESS_TABLE,
    targetName: "The control database on Turso",
    chunkRows: options.chunkRows,
    migrations: "control",
    say,
  });
  if (report.finishedBefore) {
    say("The move was finished before: the row counts were checked again.");
  }
  const wrong = report.tables.filter((t) => t.source !== t.target);
  if (wrong.length > 0) {
    throw new Error(
      "Row counts differ between the local control database and Turso: " +
        wrong.map((t) => `${t.table} (local ${t.source}, Turso ${t.target})`).join(", ") +
        ". The move is not finished; the app keeps refusing the Turso control database.",
    );
  }
  await markCopyFinished(target, MOVE_PROGRESS_TABLE);
  return { resumed: report.resumed, tables: report.tables };
}
