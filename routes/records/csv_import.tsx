/**
 * @module routes/records/csv_import
 * CSV import for suppliers, customers, carriers, products and contacts: upload (or paste), see a
 * preview with every row's problems, then import all rows in one transaction or none. The
 * preview runs the real writes inside a transaction that is rolled back, so it reports exactly
 * what the import would (unknown option values, duplicate EST/MC numbers, missing names).
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { AppError, ForbiddenError, InvalidError } from "../../domain/errors.ts";
import { recordType } from "../../domain/catalog.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import type { FieldDef } from "../../domain/records/fields.ts";
import { csvRowToInput, mapHeaders, parseCsv } from "../../domain/records/csv.ts";
import { createSchema, issuesByField } from "../../domain/records/schema.ts";
import { conflictFrom, createRecordIn, recordTitle } from "../../domain/records/repository.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import type { Executor } from "../../db/transaction.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { recordContext } from "../api/v1/records.ts";
import { IMPORTABLE } from "./pages.tsx";

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_ROWS = 5000;

interface RowResult {
  line: number;
  title: string;
  errors: string[];
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

function messagesOf(err: unknown): string[] {
  if (err instanceof AppError) {
    const details = err.details as Record<string, unknown> | undefined;
    const fields = details && typeof details === "object"
      ? Object.entries(details).filter(([, v]) => Array.isArray(v)).map(([k, v]) =>
        `${k}: ${(v as string[]).join(" ")}`
      )
      : [];
    return fields.length ? fields : [err.message];
  }
  throw err;
}

/** Tries every row; with `commit`, keeps them only if all succeeded. */
async function runImport(
  c: AppContext,
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
  const ctx = recordContext(c);
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
          result.errors = Object.entries(issuesByField(parsed.error)).map(([k, v]) =>
            `${k}: ${v.join(" ")}`
          );
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
          result.errors = messagesOf(err);
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

async function readUpload(c: AppContext): Promise<{ text: string; confirm: boolean }> {
  // Browsers send the length of a form upload: refuse a large one before reading it.
  const length = Number(c.req.header("content-length") ?? 0);
  if (length > MAX_BYTES + 64 * 1024) {
    throw new InvalidError("The file is larger than 2 MB.", undefined, 413);
  }
  const form = await c.req.parseBody();
  let text = typeof form.csv === "string" ? form.csv : "";
  const file = form.file;
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_BYTES) {
      throw new InvalidError("The file is larger than 2 MB.", undefined, 413);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.includes(0)) throw new InvalidError("That file is not a CSV text file.");
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      text = new TextDecoder("windows-1252").decode(bytes); // Excel's "CSV" on Windows
    }
  }
  if (!text.trim()) throw new InvalidError("Choose a CSV file or paste its contents.");
  return { text, confirm: form.confirm === "1" };
}

function ImportForm(props: { def: RecordDef; csrf: string }) {
  const headers = props.def.fields.filter((f) => !f.computed).map((f) => f.label);
  return (
    <form
      method="post"
      action={`/${props.def.collection}/import`}
      enctype="multipart/form-data"
      class="card"
    >
      <CsrfInput token={props.csrf} />
      <p>
        The first row names the columns, by label or API name. Columns this form knows:{" "}
        <span class="muted">{headers.join(", ")}</span>. Money in dollars; several values separated
        by semicolons; references by name.
      </p>
      <div class="field">
        <label for="import-file">CSV file (up to 2 MB)</label>
        <input id="import-file" type="file" name="file" accept=".csv,text/csv,text/plain" />
      </div>
      <div class="field">
        <label for="import-csv">Or paste the rows</label>
        <textarea id="import-csv" name="csv" rows={6}></textarea>
      </div>
      <button class="button primary" type="submit">Preview</button>
    </form>
  );
}

const app = new Hono<AppEnv>();

for (const collection of IMPORTABLE) {
  const def = recordType(collection)!;
  const path = `/${collection}/import`;
  app.use(path, memberPage());
  const guard = (c: AppContext) => {
    const role = principalOf(c).role;
    if (!role || !can(role, def.permission)) {
      throw new ForbiddenError(`Your role cannot import ${def.plural.toLowerCase()}.`);
    }
  };

  app.get(path, (c) => {
    guard(c);
    return renderApp(
      c,
      `Import ${def.plural.toLowerCase()}`,
      <>
        <p class="breadcrumb">
          <a href={`/${collection}`}>{def.plural}</a>
        </p>
        <h1>Import {def.plural.toLowerCase()}</h1>
        <ImportForm def={def} csrf={c.get("csrfToken")} />
      </>,
    );
  });

  app.post(
    path,
    async (c) => {
      guard(c);
      tenantOf(c);
      let upload;
      let outcome;
      try {
        upload = await readUpload(c);
        outcome = await runImport(c, def, upload.text, upload.confirm);
      } catch (err) {
        if (!(err instanceof InvalidError)) throw err;
        return renderApp(
          c,
          `Import ${def.plural.toLowerCase()}`,
          <>
            <h1>Import {def.plural.toLowerCase()}</h1>
            <div class="flash error" role="alert">
              <p>{err.message} Nothing was imported.</p>
            </div>
            <ImportForm def={def} csrf={c.get("csrfToken")} />
          </>,
          err.status as 400,
        );
      }
      if (outcome.imported) {
        return c.redirect(`/${collection}?imported=${outcome.rows.length}`, 303);
      }
      const bad = outcome.rows.filter((r) => r.errors.length);
      return renderApp(
        c,
        `Import ${def.plural.toLowerCase()}`,
        <>
          <p class="breadcrumb">
            <a href={`/${collection}`}>{def.plural}</a>
          </p>
          <h1>Import {def.plural.toLowerCase()}: preview</h1>
          {outcome.unknownHeaders.length
            ? (
              <p class="flash warning">
                Ignored columns: {outcome.unknownHeaders.join(", ")}.
              </p>
            )
            : null}
          {bad.length
            ? (
              <div class="flash error" role="alert">
                <p>
                  {bad.length} of {outcome.rows.length}{" "}
                  rows have problems. Nothing was imported: fix the file and preview again.
                </p>
              </div>
            )
            : (
              <form method="post" action={path} class="flash success">
                <CsrfInput token={c.get("csrfToken")} />
                <input type="hidden" name="confirm" value="1" />
                <textarea name="csv" hidden aria-hidden="true">{upload.text}</textarea>
                <p>All {outcome.rows.length} rows are valid.</p>
                <button class="button primary" type="submit">
                  Import {outcome.rows.length} {def.plural.toLowerCase()}
                </button>
              </form>
            )}
          <div class="table-wrap">
            <table class="records" data-import-preview>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">{def.singular}</th>
                  <th scope="col">Problems</th>
                </tr>
              </thead>
              <tbody>
                {outcome.rows.map((r) => (
                  <tr key={r.line} class={r.errors.length ? "has-error" : undefined}>
                    <td data-label="Line">{r.line}</td>
                    <th scope="row">{r.title}</th>
                    <td data-label="Problems">
                      {r.errors.length ? <span class="error">{r.errors.join("; ")}</span> : "OK"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {bad.length ? <ImportForm def={def} csrf={c.get("csrfToken")} /> : null}
        </>,
        bad.length ? 422 : 200,
      );
    },
  );
}

export default app;
