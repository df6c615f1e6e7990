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
import { ForbiddenError, InvalidError } from "../../domain/errors.ts";
import { recordType } from "../../domain/catalog.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import { IMPORTABLE, importCsv } from "../../domain/records/csv_import.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { recordContext } from "../../http/records.ts";
import { requireFeature } from "../../customization/middleware.ts";
import { recordTypeFor } from "../../customization/terms.ts";

const MAX_BYTES = 2 * 1024 * 1024;
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
  const builtIn = recordType(collection)!;
  const path = `/${collection}/import`;
  app.use(path, memberPage(), requireFeature("csv_import"));
  const guard = (c: AppContext) => {
    const def = recordTypeFor(c.get("configuration")?.document, builtIn);
    const role = principalOf(c).role;
    if (!role || !can(role, def.permission)) {
      throw new ForbiddenError(`Your role cannot import ${def.plural.toLowerCase()}.`);
    }
  };

  app.get(path, (c) => {
    const def = recordTypeFor(c.get("configuration")?.document, builtIn);
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
      const def = recordTypeFor(c.get("configuration")?.document, builtIn);
      guard(c);
      tenantOf(c);
      let upload;
      let outcome;
      try {
        upload = await readUpload(c);
        outcome = await importCsv(recordContext(c), def, upload.text, upload.confirm);
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
