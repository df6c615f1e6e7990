/**
 * @module domain/records/csv_import
 * CSV import of records: every row is written inside one transaction (each behind a savepoint),
 * so a preview reports exactly what the import would (unknown option values, duplicate EST/MC
 * numbers, missing names) and then rolls back; the import keeps all rows or none.
 */
import { AppError, InvalidError } from "../errors.ts";
import { recordType } from "../catalog.ts";
import type { RecordDef } from "./definition.ts";
import type { FieldDef } from "./fields.ts";
import { csvRowToInput, mapHeaders, parseCsv } from "./csv.ts";
import { createSchema, issuesByField } from "./schema.ts";
import { conflictFrom, createRecordIn, recordTitle } from "./repository.ts";
import type { RecordContext } from "./context.ts";
import type { RecordValues } from "./rows.ts";
import type { Executor } from "../../db/transaction.ts";
import { inWriteTransaction } from "../../db/transaction.ts";

/** The record types a CSV file may create (the others need lines or links a file cannot hold). */
export const IMPORTABLE: ReadonlySet<string> = new Set([
  "suppliers",
  "customers",
  "carriers",
  "products",
  "contacts",
  "bills",
]);

/** Rows one import may hold. */
export const MAX_ROWS = 5000;

/**
 * A problem of a row: the column it is about (the field's API name; null for the whole row) and
 * the messages as domain code wrote them (English), for the page to show in its reader's language.
 */
export interface RowProblem {
  field: string | null;
  messages: string[];
}

/** One row of the file: its line, the record it names and what is wrong with it. */
export interface RowResult {
  line: number;
  title: string;
  errors: RowProblem[];
}

/** A row's problems as one English line ("email: Enter a valid e-mail address."). */
export function problemText(problems: readonly RowProblem[]): string {
  return problems.map((p) => (p.field ? `${p.field}: ` : "") + p.messages.join(" ")).join("; ");
}

/** Thrown to roll back the preview transaction after every row was tried. */
class PreviewDone extends Error {}

async function refResolver(db: Executor, def: RecordDef) {
  const maps = new Map<string, Map<string, string>>();
  for (const field of def.fields.filter((f) => f.kind === "ref")) {
    const target = recordType(field.ref!)!;
    const rs = await db.execute(`SELECT * FROM ${target.table} WHERE archived_at IS NULL`);
    const map = new Map<string, string>();
    for (const row of rs.rows) {
      map.set(recordTitle(target, row as unknown as RecordValues).toLowerCase(), String(row.id));
      map.set(String(row.id), String(row.id));
    }
    maps.set(field.name, map);
  }
  return (field: FieldDef, text: string) => maps.get(field.name)?.get(text.toLowerCase()) ?? null;
}

function problemsOf(err: unknown): RowProblem[] {
  if (err instanceof AppError) {
    const details = err.details as Record<string, unknown> | undefined;
    const fields = details && typeof details === "object"
      ? Object.entries(details).filter(([, v]) => Array.isArray(v)).map(([field, v]) => ({
        field,
        messages: (v as unknown[]).map(String),
      }))
      : [];
    return fields.length ? fields : [{ field: null, messages: [err.message] }];
  }
  throw err;
}

/**
 * Tries every row of a CSV file as a new `def` record; with `commit`, keeps them only if all
 * succeeded, otherwise (a preview) rolls every write back and reports each row's problems.
 */
export async function importCsv(
  ctx: RecordContext,
  def: RecordDef,
  text: string,
  commit: boolean,
): Promise<{ rows: RowResult[]; unknownHeaders: string[]; imported: boolean }> {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (err) {
    throw new InvalidError(`The file is not valid CSV: ${(err as Error).message}`);
  }
  if (table.length < 2) throw new InvalidError("The file needs a header row and at least one row.");
  if (table.length - 1 > MAX_ROWS) throw new InvalidError(`At most ${MAX_ROWS} rows per import.`);
  const { fields, unknown } = mapHeaders(def, table[0]!);
  if (!fields.some(Boolean)) {
    throw new InvalidError("None of the columns match this record type's fields.");
  }
  const rows: RowResult[] = [];
  let failed = false;
  try {
    await inWriteTransaction(ctx.db, async (tx) => {
      const resolve = await refResolver(tx, def);
      for (const [i, cells] of table.slice(1).entries()) {
        const input = csvRowToInput(fields, cells, resolve);
        const result: RowResult = { line: i + 2, title: recordTitle(def, input), errors: [] };
        rows.push(result);
        const parsed = createSchema(def).safeParse(input);
        if (!parsed.success) {
          result.errors = Object.entries(issuesByField(parsed.error)).map(([field, messages]) => ({
            field,
            messages,
          }));
          failed = true;
          continue;
        }
        await tx.execute("SAVEPOINT import_row");
        try {
          await createRecordIn(tx, ctx, def, parsed.data).catch((err) => conflictFrom(def, err));
          await tx.execute("RELEASE import_row");
        } catch (err) {
          await tx.execute("ROLLBACK TO import_row");
          await tx.execute("RELEASE import_row");
          result.errors = problemsOf(err);
          failed = true;
        }
      }
      if (failed || !commit) throw new PreviewDone();
    });
  } catch (err) {
    if (!(err instanceof PreviewDone)) throw err;
  }
  return { rows, unknownHeaders: unknown, imported: commit && !failed };
}
