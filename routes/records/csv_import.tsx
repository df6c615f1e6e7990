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
import {
  IMPORTABLE,
  importCsv,
  problemText,
  type RowProblem,
} from "../../domain/records/csv_import.ts";
import { translateErrorText } from "../../domain/error_text.ts";
import { CATALOGUES, type Translate } from "../../i18n/mod.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { recordContext } from "../../http/records.ts";
import { requireFeature } from "../../customization/middleware.ts";
import { recordTypeFor } from "../../customization/terms.ts";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { translateRecordType } from "../../i18n/records.ts";
import { useLanguage, useT } from "../../components/Words.tsx";

const MAX_BYTES = 2 * 1024 * 1024;
async function readUpload(c: AppContext): Promise<{ text: string; confirm: boolean }> {
  // Browsers send the length of a form upload: refuse a large one before reading it.
  const length = Number(c.req.header("content-length") ?? 0);
  if (length > MAX_BYTES + 64 * 1024) {
    throw new InvalidError(tOf(c)("csv_import.too_large"), undefined, 413);
  }
  const form = await c.req.parseBody();
  let text = typeof form.csv === "string" ? form.csv : "";
  const file = form.file;
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_BYTES) {
      throw new InvalidError(tOf(c)("csv_import.too_large"), undefined, 413);
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    // Excel's "Unicode text" and some exports are UTF-16 with a byte order mark.
    const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe
      ? "utf-16le"
      : bytes[0] === 0xfe && bytes[1] === 0xff
      ? "utf-16be"
      : null;
    if (utf16) {
      try {
        text = new TextDecoder(utf16, { fatal: true }).decode(bytes);
      } catch {
        throw new InvalidError(tOf(c)("csv_import.not_csv"));
      }
      if (text.includes("\0")) throw new InvalidError(tOf(c)("csv_import.not_csv"));
    } else {
      if (bytes.includes(0)) throw new InvalidError(tOf(c)("csv_import.not_csv"));
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
      } catch {
        text = new TextDecoder("windows-1252").decode(bytes); // Excel's "CSV" on Windows
      }
    }
  }
  if (!text.trim()) throw new InvalidError(tOf(c)("csv_import.choose"));
  return { text, confirm: form.confirm === "1" };
}

/**
 * A row's problems in the reader's language: the column kept by its API name (what the file may
 * name it in every language), each message through domain/error_text.ts.
 */
function rowProblems(problems: readonly RowProblem[], t: Translate): string {
  return problemText(problems.map((p) => ({
    field: p.field,
    messages: p.messages.map((m) => translateErrorText(m, CATALOGUES.en, t)),
  })));
}

function ImportForm(props: { def: RecordDef; csrf: string }) {
  const t = useT();
  // The importer reads English labels and API names: a reader of another language is shown the
  // API names, which work in every language.
  const english = useLanguage() === "en";
  const headers = props.def.fields.filter((f) => !f.computed).map((f) =>
    english ? f.label : f.name
  );
  return (
    <form
      method="post"
      action={`/${props.def.collection}/import`}
      enctype="multipart/form-data"
      class="card"
    >
      <CsrfInput token={props.csrf} />
      <p>
        {t("csv_import.columns")} <span class="muted">{headers.join(", ")}</span>
        {t("csv_import.columns_tail")}
      </p>
      <div class="field">
        <label for="import-file">{t("csv_import.file")}</label>
        <input id="import-file" type="file" name="file" accept=".csv,text/csv,text/plain" />
      </div>
      <div class="field">
        <label for="import-csv">{t("csv_import.paste")}</label>
        <textarea id="import-csv" name="csv" rows={6}></textarea>
      </div>
      <button class="button primary" type="submit">{t("csv_import.preview")}</button>
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
      throw new ForbiddenError(
        tOf(c)("csv_import.role", {
          types: translateRecordType(def, languageOf(c)).plural.toLowerCase(),
        }),
      );
    }
  };

  app.get(path, (c) => {
    const def = recordTypeFor(c.get("configuration")?.document, builtIn);
    guard(c);
    const t = tOf(c);
    const shown = translateRecordType(def, languageOf(c));
    const title = t("csv_import.title", { types: shown.plural.toLowerCase() });
    return renderApp(
      c,
      title,
      <>
        <p class="breadcrumb">
          <a href={`/${collection}`}>{shown.plural}</a>
        </p>
        <h1>{title}</h1>
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
      const t = tOf(c);
      const shown = translateRecordType(def, languageOf(c));
      const types = shown.plural.toLowerCase();
      let upload;
      let outcome;
      try {
        upload = await readUpload(c);
        outcome = await importCsv(recordContext(c), def, upload.text, upload.confirm);
      } catch (err) {
        if (!(err instanceof InvalidError)) throw err;
        return renderApp(
          c,
          t("csv_import.title", { types }),
          <>
            <h1>{t("csv_import.title", { types })}</h1>
            <div class="flash error" role="alert">
              <p>
                {t("csv_import.nothing_imported", {
                  message: translateErrorText(err.message, CATALOGUES.en, t),
                })}
              </p>
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
        t("csv_import.title", { types }),
        <>
          <p class="breadcrumb">
            <a href={`/${collection}`}>{shown.plural}</a>
          </p>
          <h1>{t("csv_import.preview_title", { types })}</h1>
          {outcome.unknownHeaders.length
            ? (
              <p class="flash warning">
                {t("csv_import.ignored", { columns: outcome.unknownHeaders.join(", ") })}
              </p>
            )
            : null}
          {bad.length
            ? (
              <div class="flash error" role="alert">
                <p>
                  {t("csv_import.bad_rows", { bad: bad.length, total: outcome.rows.length })}
                </p>
              </div>
            )
            : (
              <form method="post" action={path} class="flash success">
                <CsrfInput token={c.get("csrfToken")} />
                <input type="hidden" name="confirm" value="1" />
                <textarea name="csv" hidden aria-hidden="true">{upload.text}</textarea>
                <p>{t("csv_import.all_valid", { count: outcome.rows.length })}</p>
                <button class="button primary" type="submit">
                  {t("csv_import.import_n", { count: outcome.rows.length, types })}
                </button>
              </form>
            )}
          <div class="table-wrap">
            <table class="records" data-import-preview>
              <thead>
                <tr>
                  <th scope="col">{t("csv_import.line")}</th>
                  <th scope="col">{shown.singular}</th>
                  <th scope="col">{t("csv_import.problems")}</th>
                </tr>
              </thead>
              <tbody>
                {outcome.rows.map((r) => (
                  <tr key={r.line} class={r.errors.length ? "has-error" : undefined}>
                    <td data-label={t("csv_import.line")}>{r.line}</td>
                    <th scope="row">{r.title}</th>
                    <td data-label={t("csv_import.problems")}>
                      {r.errors.length
                        ? <span class="error">{rowProblems(r.errors, t)}</span>
                        : t("csv_import.ok")}
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
