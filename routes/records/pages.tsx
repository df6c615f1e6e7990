/**
 * @module routes/records/pages
 * The pages of every record type: list (search, filters, sort, pages, chosen columns, CSV),
 * detail (fields, lines, related records, history), and create/edit forms (the RecordForm
 * island). Forms post to these routes and work without JavaScript; errors come back in place.
 */
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { flashParams, flashText } from "../../http/flash.ts";
import { renderApp } from "../../http/page.tsx";
import { can } from "../../auth/roles.ts";
import { AppError, ForbiddenError } from "../../domain/errors.ts";
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { fieldOf, inputFields, type RecordDef } from "../../domain/records/definition.ts";
import type { FieldDef } from "../../domain/records/fields.ts";
import * as fmt from "../../domain/format.ts";
import { inCurrency } from "../../domain/currency.ts";
import { createSchema, issuesByField, updateSchema } from "../../domain/records/schema.ts";
import { type FormEntries, formToInput } from "../../domain/records/form_input.ts";
import { formSpec } from "../../domain/records/form_check.ts";
import { filterFields, type ListQuery } from "../../domain/records/query.ts";
import {
  countRecords,
  createRecord,
  deleteRecord,
  getRecord,
  historyOf,
  listRecords,
  recordTitle,
  relatedRecords,
  setArchived,
  titlesOf,
  updateRecord,
} from "../../domain/records/repository.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { optionChoices, refChoices, refFilterChoices } from "../../domain/records/choices.ts";
import { getPreference, setPreference } from "../../domain/preferences.ts";
import { listMembers } from "../../auth/members.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { FieldValue } from "../../components/records/FieldValue.tsx";
import { RecordHistory } from "../../components/records/RecordHistory.tsx";
import { ActivityCard } from "../../components/records/ActivityCard.tsx";
import { CameraCapture } from "../../components/CameraCapture.tsx";
import { activityItems, mergeTimeline } from "../../domain/activity/timeline.ts";
import { BillMatchNotice } from "../../components/payables/BillMatchNotice.tsx";
import { matchBill } from "../../domain/payables/match.ts";
import { InvoiceDisputes } from "../../components/records/InvoiceDisputes.tsx";
import { disputesOfInvoice } from "../../domain/disputes.ts";
import { productUnits } from "../../domain/units.ts";
import { historyRefIds } from "../../domain/records/history.ts";
import { ListFilters } from "../../components/records/ListFilters.tsx";
import { Island } from "../../framework/island.tsx";
import RecordForm, { RECORD_FORM_MESSAGES } from "../../islands/RecordForm.tsx";
import { parseListQuery, pluginActions, recordContext } from "../../http/records.ts";
import { IMPORTABLE } from "../../domain/records/csv_import.ts";
import { creditProblem, creditStanding } from "../../domain/rules/credit.ts";
import { exportCsv } from "./_csv_export.ts";
import { PluginActionButtons } from "../../components/plugins/PluginActionButtons.tsx";
// Documents attached to a record (issue 4): one query and one card on the detail page.
import { documentsOf } from "../../domain/documents/repository.ts";
import { LinkedDocuments } from "../../components/DocumentList.tsx";
import { PaperworkLink } from "../../components/records/PaperworkLink.tsx";
import { paperworkPath } from "../../paperwork/mod.ts";
import { RuleNotes } from "../../components/records/RuleNotes.tsx";
import { ruleNotesOf } from "../../domain/approvals/store.ts";
import { FlowActions, MailLog } from "../../components/records/FlowActions.tsx";
import { ListPager, parseViews, SavedViews } from "../../components/records/ListPager.tsx";
import { mailOf } from "../../domain/flows/mailing.ts";
import type { Configuration } from "../../customization/document/schema.ts";
import {
  defaultFilters,
  layoutFields,
  listColumns,
  messagesInWords,
  recordTypeFor,
  recordTypeIn,
  words,
} from "../../customization/terms.ts";
import { featureOn } from "../../customization/features.ts";
import { requireFeature } from "../../customization/middleware.ts";
import { T } from "../../components/Words.tsx";
import { translateFields, translateRecordType } from "../../i18n/records.ts";
import { recordType } from "../../domain/catalog.ts";
import {
  CATALOGUES,
  formatsFor,
  type Language,
  messagesFor,
  workspaceWords,
} from "../../i18n/mod.ts";
import {
  errorMessageKeys,
  translateErrorDetails,
  translateErrorText,
} from "../../domain/error_text.ts";
import { localizedError } from "../../http/errors.ts";
import { languageOf, tOf } from "../../i18n/middleware.ts";

function configOf(c: AppContext): Configuration | undefined {
  return c.get("configuration")?.document;
}

/** A record type as the tenant names it, in the reader's language (its own words there too). */
function pageDef(c: AppContext, builtIn: RecordDef): RecordDef {
  return recordTypeIn(configOf(c), builtIn, languageOf(c));
}

/** A fixed phrase in the tenant's words and the reader's language ("Details", "Totals"). */
function phrase(c: AppContext, text: string): string {
  const config = configOf(c);
  return workspaceWords(
    languageOf(c),
    config?.terminology.phrases ?? {},
    (english) => words(config, english),
  )(text);
}

/** The fields of the tenant's layout in the reader's language. */
function shownLayout(c: AppContext, def: RecordDef): FieldDef[] {
  const language = languageOf(c);
  return translateFields(def.collection, layoutFields(configOf(c), def, language), language);
}

/** "New purchase order" in the reader's language; "New <name>" for a renamed record type. */
function newTitle(c: AppContext, def: RecordDef): string {
  const t = tOf(c);
  const builtIn = recordType(def.collection);
  const key = `record.new.${def.collection.replaceAll("-", "_")}`;
  const own = t(key);
  const renamed = !builtIn || translateRecordType(builtIn, languageOf(c)).singular !== def.singular;
  return own !== key && !renamed ? own : t("record.new", { name: def.singular.toLowerCase() });
}

/** A record's status as its type's choice reads in the reader's language ("confirmed"). */
function statusLabel(c: AppContext, target: RecordDef, status: string): string {
  const field = translateRecordType(target, languageOf(c)).fields.find((f) => f.name === "status");
  const label = field?.values?.find((v) => v.value === status)?.label;
  return label ? label.toLowerCase() : status.replaceAll("_", " ");
}

/** The form's fields in the tenant's layout; ungrouped ones in its word for "Details". */
function formFields(c: AppContext, def: RecordDef): FieldDef[] {
  const details = phrase(c, "Details");
  return shownLayout(c, def).map((f) => f.group ? f : { ...f, group: details });
}

function roleMayWrite(c: AppContext, def: RecordDef): boolean {
  const role = principalOf(c).role;
  return Boolean(role && can(role, def.permission));
}

/**
 * Whether to offer New/Edit/Archive: the role allows it and the workspace is not read-only
 * (billing/middleware.ts refuses the writes themselves with 402).
 */
function canWrite(c: AppContext, def: RecordDef): boolean {
  return roleMayWrite(c, def) && c.get("billing")?.access.mode !== "read_only";
}

function requireWrite(c: AppContext, def: RecordDef): void {
  if (!roleMayWrite(c, def)) {
    throw new ForbiddenError(
      tOf(c)("record.role_cannot_change", { plural: def.plural.toLowerCase() }),
    );
  }
}

/** Titles for every reference in these rows (and their lines), by collection. */
async function refTitles(
  c: AppContext,
  fields: readonly FieldDef[],
  rows: RecordValues[],
): Promise<Map<string, string>> {
  const idsByCollection = new Map<string, string[]>();
  for (const field of fields) {
    if (field.kind !== "ref") continue;
    const ids = idsByCollection.get(field.ref!) ?? [];
    for (const row of rows) if (row[field.name]) ids.push(String(row[field.name]));
    idsByCollection.set(field.ref!, ids);
  }
  const all = new Map<string, string>();
  for (const [collection, ids] of idsByCollection) {
    for (const [id, title] of await titlesOf(tenantOf(c).db, collection, ids)) all.set(id, title);
  }
  return all;
}

/** Query values from the page URL, without the empty ones a GET form sends. */
function pageQuery(c: AppContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.query())) {
    if (v !== "" && k !== "imported") out[k] = v; // "imported" is the flash after an import
  }
  return out;
}

function withParams(path: string, params: Record<string, string | undefined>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== "") qs.set(k, v);
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

async function chosenColumns(c: AppContext, def: RecordDef): Promise<FieldDef[]> {
  const pref = await getPreference(
    tenantOf(c).db,
    principalOf(c).userId,
    `columns:${def.collection}`,
  );
  const names = pref ? pref.split(",") : listColumns(configOf(c), def, principalOf(c).role);
  const fields = names
    ? names.map((name) => fieldOf(def, name)).filter((f): f is FieldDef => Boolean(f))
    : def.fields.filter((f) => f.column);
  return fields.filter((f) => f.name !== def.titleField);
}

async function listPage(c: AppContext, def: RecordDef): Promise<Response> {
  // A list opened without any query starts with the role's default filters (layouts).
  const raw = new URL(c.req.url).search
    ? pageQuery(c)
    : defaultFilters(configOf(c), def, principalOf(c).role);
  const query: ListQuery = parseListQuery(def, raw);
  const db = tenantOf(c).db;
  const [result, columns, options, refs, format, total, views] = await Promise.all([
    listRecords(db, def, query),
    chosenColumns(c, def),
    optionChoices(db),
    refFilterChoices(db, filterFields(def), query.filters),
    fmt.loadFormatSettings(db, configOf(c)?.formats).then((f) => formatsFor(f, languageOf(c))),
    countRecords(db, def, query), // the list's count and page numbers (issue 17)
    getPreference(db, principalOf(c).userId, `views:${def.collection}`).then(parseViews),
  ]);
  const titles = await refTitles(c, columns, result.data);
  const base = `/${def.collection}`;
  const sort = query.sort ?? def.defaultSort;
  const { cursor: _cursor, page: _page, ...withoutCursor } = raw;
  const sortLink = (field: FieldDef) => {
    const next = sort === field.name ? `-${field.name}` : field.name;
    return withParams(base, { ...withoutCursor, sort: next });
  };
  const writable = canWrite(c, def);
  const actions = await pluginActions(c, def.collection);
  const allColumns = def.fields.filter((f) => f.name !== def.titleField);
  const titleField = fieldOf(def, def.titleField);
  return renderApp(
    c,
    def.plural,
    <>
      <div class="page-head">
        <h1>{def.plural}</h1>
        <div class="actions">
          {writable ? <a class="button primary" href={`${base}/new`}>{newTitle(c, def)}</a> : null}
          {writable && IMPORTABLE.has(def.collection) &&
              featureOn(configOf(c), undefined, "csv_import")
            ? (
              <a class="button secondary" href={`${base}/import`}>
                <T>Import CSV</T>
              </a>
            )
            : null}
          {featureOn(configOf(c), undefined, "csv_export")
            ? (
              <a class="button secondary" href={withParams(`${base}/export.csv`, withoutCursor)}>
                <T>Export CSV</T>
              </a>
            )
            : null}
          <PluginActionButtons actions={actions} csrf={c.get("csrfToken")} />
        </div>
      </div>
      {c.req.query("imported")
        ? (
          <div class="flash success" role="status">
            <p>
              {tOf(c)("record.imported", {
                count: Number(c.req.query("imported")),
                plural: def.plural.toLowerCase(),
              })}
            </p>
          </div>
        )
        : null}
      <ListFilters
        base={base}
        plural={def.plural}
        fields={filterFields(def)}
        query={raw}
        archived={query.archived}
        options={options}
        refs={refs}
      />
      <SavedViews
        base={base}
        views={views}
        current={new URLSearchParams(withoutCursor).toString()}
        csrf={c.get("csrfToken")}
      />
      <details class="column-chooser">
        <summary>
          <T>Columns</T>
        </summary>
        <form method="post" action={`${base}/columns`}>
          <CsrfInput token={c.get("csrfToken")} />
          <fieldset>
            <legend>
              <T>Show these columns</T>
            </legend>
            {allColumns.map((f) => (
              <label key={f.name} class="choice">
                <input
                  type="checkbox"
                  name="columns"
                  value={f.name}
                  checked={columns.some((col) => col.name === f.name)}
                />{" "}
                {f.label}
              </label>
            ))}
          </fieldset>
          <button class="button small primary" type="submit">
            <T>Save columns</T>
          </button>
        </form>
      </details>
      {result.data.length === 0
        ? (
          <div class="empty-state">
            <p>{tOf(c)("record.none_match", { plural: def.plural.toLowerCase() })}</p>
          </div>
        )
        : (
          <div class="table-wrap">
            <table class="records" data-collection={def.collection}>
              <thead>
                <tr>
                  <th scope="col">
                    {titleField?.sort
                      ? (
                        <a href={sortLink(titleField)}>
                          {titleField.label}
                          {sortMark(sort, def.titleField)}
                        </a>
                      )
                      : titleField?.label ?? tOf(c)("record.name")}
                  </th>
                  {columns.map((f) => (
                    <th scope="col" key={f.name} class={isNumeric(f) ? "num" : undefined}>
                      {f.sort
                        ? <a href={sortLink(f)}>{f.label}{sortMark(sort, f.name)}</a>
                        : f.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.data.map((row) => (
                  <tr key={String(row.id)}>
                    <th scope="row">
                      <a href={`${base}/${row.id}`}>{recordTitle(def, row, format)}</a>
                      {row.archived_at
                        ? <span class="badge">{tOf(c)("record.archived")}</span>
                        : null}
                    </th>
                    {columns.map((f) => (
                      <td
                        key={f.name}
                        class={isNumeric(f) ? "num" : undefined}
                        data-label={f.label}
                      >
                        <FieldValue
                          field={f}
                          value={row[f.name]}
                          titles={titles}
                          t={tOf(c)}
                          format={inCurrency(format, row.currency)}
                        />
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <ListPager
        base={base}
        plural={def.plural}
        total={total}
        limit={query.limit}
        page={raw.cursor ? null : query.page ?? 1}
        params={withoutCursor}
        nextCursor={result.next_cursor}
        onFirstPage={!raw.cursor}
      />
    </>,
  );
}

function sortMark(sort: string, name: string): string {
  return sort === name ? " ▲" : sort === `-${name}` ? " ▼" : "";
}

function isNumeric(field: FieldDef): boolean {
  return field.kind === "money" || field.kind === "decimal" || field.kind === "integer";
}

async function formPage(
  c: AppContext,
  def: RecordDef,
  opts: {
    mode: "create" | "edit";
    values: RecordValues;
    errors?: Record<string, string[]>;
    message?: string;
    id?: string;
  },
  status = 200,
): Promise<Response> {
  const db = tenantOf(c).db;
  const [options, refs, units] = await Promise.all([
    optionChoices(db),
    refChoices(db, def, opts.values),
    def.lines ? productUnits(db) : undefined, // a product picked on a line brings its unit
  ]);
  const base = `/${def.collection}`;
  const title = opts.mode === "create"
    ? newTitle(c, def)
    : tOf(c)("record.edit", { title: recordTitle(def, opts.values) });
  return renderApp(
    c,
    title,
    <>
      <p class="breadcrumb">
        <a href={base}>{def.plural}</a>
      </p>
      <h1>{title}</h1>
      <Island
        name="RecordForm"
        component={RecordForm}
        props={{
          form: formSpec({ ...def, fields: formFields(c, def) }),
          action: opts.mode === "create" ? base : `${base}/${opts.id}`,
          csrf: c.get("csrfToken"),
          mode: opts.mode,
          values: opts.values,
          errors: opts.errors ?? {},
          message: opts.message,
          options,
          refs,
          productUnits: units,
          cancelHref: opts.mode === "create" ? base : `${base}/${opts.id}`,
          language: languageOf(c),
          messages: messagesInWords(
            configOf(c),
            messagesFor(languageOf(c), RECORD_FORM_MESSAGES),
            messagesFor("en", RECORD_FORM_MESSAGES),
            languageOf(c),
          ),
          // The form's own checks, in the reader's language too (domain/error_text.ts).
          errorMessages: languageOf(c) === "en" ? undefined : {
            en: messagesFor("en", errorMessageKeys(CATALOGUES.en)),
            own: messagesFor(languageOf(c), errorMessageKeys(CATALOGUES.en)),
          },
        }}
      />
    </>,
    status,
  );
}

async function formEntries(c: AppContext): Promise<FormEntries> {
  const body = await c.req.parseBody({ all: true });
  const entries: FormEntries = [];
  for (const [k, v] of Object.entries(body)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item === "string") entries.push([k, item]);
    }
  }
  return entries;
}

/** Per-field messages of a refused write, for the form, in the reader's language. */
function errorsOf(
  err: unknown,
  language: Language,
): { errors: Record<string, string[]>; message: string } | null {
  if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) return null;
  const shown = localizedError(err, language);
  const details = shown.details && typeof shown.details === "object" &&
      !Array.isArray(shown.details)
    ? Object.fromEntries(
      Object.entries(shown.details as Record<string, unknown>).filter(([, v]) => Array.isArray(v)),
    ) as Record<string, string[]>
    : {};
  return { errors: details, message: shown.message };
}

/** The schema's per-field messages in the reader's language (domain/error_text.ts). */
function shownErrors(c: AppContext, errors: Record<string, string[]>): Record<string, string[]> {
  return languageOf(c) === "en" ? errors : translateErrorDetails(errors, CATALOGUES.en, tOf(c));
}

async function detailPage(c: AppContext, def: RecordDef, id: string): Promise<Response> {
  const db = tenantOf(c).db;
  const record = await getRecord(db, def, id);
  const lines = (record.lines as RecordValues[] | undefined) ?? [];
  const titles = await refTitles(c, [...def.fields, ...(def.lines?.fields ?? [])], [
    record,
    ...lines,
  ]);
  const [history, members, tenantFormat] = await Promise.all([
    historyOf(
      db,
      def.collection,
      id,
      c.get("billing")?.entitlements.auditRetentionDays,
      c.get("services").clock.now(),
    ),
    listMembers(c.get("services").control, tenantOf(c).id),
    fmt.loadFormatSettings(db, configOf(c)?.formats).then((f) => formatsFor(f, languageOf(c))),
  ]);
  // A customer's, sales order's or invoice's amounts read in its own currency (CA$, MX$).
  const format = inCurrency(tenantFormat, record.currency);
  const names = new Map(members.map((m) => [m.user_id, m.name]));
  const historyTitles = new Map<string, string>();
  for (const [collection, ids] of historyRefIds(def, history.entries)) {
    for (const [refId, refTitle] of await titlesOf(db, collection, ids)) {
      historyTitles.set(refId, refTitle);
    }
  }
  const documents = await documentsOf(db, def.collection, id); // documents attached (issue 4)
  // Activity (issue 17): notes, calls, e-mails and documents with the changes, newest first.
  const activity = mergeTimeline(history, await activityItems(db, def.collection, id));
  const base = `/${def.collection}`;
  const title = recordTitle(def, record, format);
  const writable = canWrite(c, def);
  const pdf = featureOn(configOf(c), undefined, "paperwork")
    ? paperworkPath(def.collection, id)
    : null;

  const groups = new Map<string, FieldDef[]>();
  for (const field of shownLayout(c, def)) {
    const group = field.group ?? phrase(c, field.computed ? "Totals" : "Details");
    groups.set(group, [...(groups.get(group) ?? []), field]);
  }

  const related: Array<{ label: string; href: string; rows: RecordValues[]; target: RecordDef }> =
    [];
  for (const { ref, target, rows } of await relatedRecords(db, def, id)) {
    related.push({
      label: ref.label,
      href: withParams(`/${ref.collection}`, { [ref.column]: id, archived: "include" }),
      rows,
      target,
    });
  }

  let notice: ComponentChildren = null;
  if (def.collection === "customers") {
    const standing = await creditStanding(db, id, null);
    const problem = creditProblem(standing, 0);
    notice = (
      <div class={problem ? "flash warning" : "flash"} role="status">
        <p>
          {tOf(c)("detail.exposure", { amount: fmt.money(standing.exposureCents, format) })}
          {standing.limitCents !== null
            ? tOf(c)("detail.of_limit", { limit: fmt.money(standing.limitCents, format) })
            : ""}.
          {problem
            ? tOf(c)("detail.refused", {
              problem: translateErrorText(problem, CATALOGUES.en, tOf(c)),
            })
            : tOf(c)("detail.allowed")}
        </p>
      </div>
    );
  }
  if (def.collection === "carriers" && record.insurance_expiring) {
    notice = (
      <div class="flash warning" role="status">
        <p>
          {tOf(c)("detail.insurance_expires_soon", {
            date: fmt.date(record.insurance_expires, format),
          })}
        </p>
      </div>
    );
  }
  if (def.collection === "bills") {
    notice = <BillMatchNotice match={await matchBill(db, record)} format={format} />;
  }
  if (def.collection === "invoices") {
    // Lines the customer disputed from the invoice portal, and resolving them (domain/disputes.ts).
    notice = (
      <InvoiceDisputes
        invoiceId={id}
        disputes={await disputesOfInvoice(db, id)}
        format={format}
        csrf={writable ? c.get("csrfToken") : null}
        resolved={c.req.query("dispute")}
      />
    );
  }
  const saved = c.req.query("saved");
  const mail = await mailOf(db, def.collection, id); // e-mailed from the flows (issue 17)
  const ruleNotes = await ruleNotesOf(db, def.collection, id); // the tenant's rules (issue 13)
  const actions = await pluginActions(c, def.collection); // plugins' actions (issue 15)

  return renderApp(
    c,
    title,
    <>
      <p class="breadcrumb">
        <a href={base}>{def.plural}</a>
      </p>
      <div class="page-head">
        <h1>
          {def.singular} {title} {record.archived_at ? <span class="badge">archived</span> : null}
        </h1>
        {writable
          ? (
            <div class="actions">
              <PaperworkLink href={pdf} />
              <PluginActionButtons actions={actions} ids={[id]} csrf={c.get("csrfToken")} />
              <a class="button primary" href={`${base}/${id}/edit`}>
                <T>Edit</T>
              </a>
              <form
                method="post"
                action={`${base}/${id}/${record.archived_at ? "restore" : "archive"}`}
              >
                <CsrfInput token={c.get("csrfToken")} />
                <button class="button secondary" type="submit">
                  <T>{record.archived_at ? "Restore" : "Archive"}</T>
                </button>
              </form>
              <details class="danger-zone">
                <summary class="button secondary">
                  <T>Delete…</T>
                </summary>
                <form method="post" action={`${base}/${id}/delete`}>
                  <CsrfInput token={c.get("csrfToken")} />
                  <p>
                    {tOf(c)("detail.delete_confirm", { title })}
                  </p>
                  <button class="button danger" type="submit">
                    <T>Delete</T>
                  </button>
                </form>
              </details>
            </div>
          )
          : (
            <div class="actions">
              <PaperworkLink href={pdf} />
            </div>
          )}
      </div>
      <FlowActions collection={def.collection} id={id} record={record} writable={writable} />
      {c.req.query("sent")
        ? (
          <div class="flash success" role="status">
            <p>{tOf(c)("record.sent")}</p>
          </div>
        )
        : null}
      {saved
        ? (
          <div class="flash success" role="status">
            <p>{tOf(c)("record.saved")}</p>
          </div>
        )
        : null}
      {flashText(c, "error")
        ? (
          <div class="flash error" role="alert">
            <p>{flashText(c, "error")}</p>
          </div>
        )
        : null}
      {notice}
      <RuleNotes {...ruleNotes} />
      <MailLog mail={mail} format={format} />
      <div class="detail-grid">
        {[...groups].map(([group, fields]) => (
          <section class="card" key={group}>
            <h2>{group}</h2>
            <dl class="facts">
              {fields.map((f) => (
                <div key={f.name} data-field={f.name}>
                  <dt>{f.label}</dt>
                  <dd>
                    <FieldValue
                      field={f}
                      value={record[f.name]}
                      titles={titles}
                      t={tOf(c)}
                      format={format}
                    />
                  </dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      {def.lines
        ? (
          <section class="card">
            <h2>
              <T>Lines</T>
            </h2>
            <div class="table-wrap">
              <table class="lines-view">
                <thead>
                  <tr>
                    {def.lines.fields.map((f) => (
                      <th scope="col" key={f.name} class={isNumeric(f) ? "num" : undefined}>
                        {f.label}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {lines.map((line, i) => (
                    <tr key={i}>
                      {def.lines!.fields.map((f) => (
                        <td
                          key={f.name}
                          class={isNumeric(f) ? "num" : undefined}
                          data-label={f.label}
                        >
                          <FieldValue
                            field={f}
                            value={line[f.name]}
                            titles={titles}
                            t={tOf(c)}
                            format={format}
                          />
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        )
        : null}
      {related.map((group) => (
        <section class="card related" key={group.label}>
          <h2>
            {group.label}{" "}
            <a class="small-link" href={group.href}>
              <T>See all</T>
            </a>
          </h2>
          <ul>
            {group.rows.map((row) => (
              <li key={String(row.id)}>
                <a href={`/${group.target.collection}/${row.id}`}>
                  {recordTitle(group.target, row, format)}
                </a>
                {row.status
                  ? (
                    <span class={`badge status-${row.status}`}>
                      {statusLabel(c, group.target, String(row.status))}
                    </span>
                  )
                  : null}
              </li>
            ))}
          </ul>
        </section>
      ))}
      {documents.length || def.collection === "loads"
        ? <LinkedDocuments documents={documents} />
        : null}
      {def.collection === "loads" && writable && featureOn(configOf(c), undefined, "documents")
        ? (
          <section class="card" id="documents" aria-labelledby="camera-title">
            <h2 id="camera-title">{tOf(c)("detail.camera_title")}</h2>
            {c.req.query("photo")
              ? <p class="flash success" role="status">{tOf(c)("detail.photo_uploaded")}</p>
              : null}
            <CameraCapture csrfToken={c.get("csrfToken")} loadId={id} />
          </section>
        )
        : null}
      <ActivityCard
        def={def}
        id={id}
        items={activity}
        names={names}
        titles={historyTitles}
        format={format}
        writable={canWrite(c, def)}
        csrfToken={c.get("csrfToken")}
      />
      <RecordHistory
        def={def}
        history={history}
        names={names}
        titles={historyTitles}
        format={format}
      />
    </>,
  );
}

function idParam(c: AppContext): string {
  return c.req.param("id") ?? "";
}

const app = new Hono<AppEnv>();

for (const builtIn of RECORD_TYPES) {
  const base = `/${builtIn.collection}`;
  app.use(base, memberPage());
  app.use(`${base}/*`, memberPage());

  app.get(base, (c) => listPage(c, pageDef(c, builtIn)));

  app.get(
    `${base}/export.csv`,
    requireFeature("csv_export"),
    (c) => {
      // The tenant's record type: filters and sorts on custom fields carry over from the list.
      const def = recordTypeFor(configOf(c), builtIn);
      return exportCsv(c, def, parseListQuery(def, pageQuery(c)));
    },
  );

  // Saved views per user (issue 17): a name for a list's query string.
  app.post(`${base}/views`, async (c) => {
    const entries = await formEntries(c);
    const get = (k: string) => entries.find(([name]) => name === k)?.[1]?.trim() ?? "";
    const db = tenantOf(c).db;
    const key = `views:${builtIn.collection}`;
    const userId = principalOf(c).userId;
    let views = parseViews(await getPreference(db, userId, key));
    const name = get("name").slice(0, 60);
    if (get("delete")) views = views.filter((v) => v.name !== get("delete"));
    else if (name) {
      const query = new URLSearchParams(get("query"));
      query.delete("cursor");
      query.delete("page");
      views = [...views.filter((v) => v.name !== name), { name, query: query.toString() }]
        .slice(-20);
    }
    await setPreference(db, userId, key, JSON.stringify(views));
    const kept = views.find((v) => v.name === name);
    return c.redirect(kept?.query ? `${base}?${kept.query}` : base, 303);
  });

  app.post(`${base}/columns`, async (c) => {
    const def = pageDef(c, builtIn);
    const entries = await formEntries(c);
    const chosen = entries.filter(([k]) => k === "columns").map(([, v]) => v).filter((name) =>
      def.fields.some((f) => f.name === name)
    );
    await setPreference(
      tenantOf(c).db,
      principalOf(c).userId,
      `columns:${def.collection}`,
      chosen.join(","),
    );
    return c.redirect(base, 303);
  });

  app.get(`${base}/new`, (c) => {
    const def = pageDef(c, builtIn);
    requireWrite(c, def);
    const values: RecordValues = {};
    // Prefill from the query (e.g. "New plant" on a supplier's page).
    for (const field of inputFields(def)) {
      const v = c.req.query(field.name);
      if (v) values[field.name] = v;
    }
    return formPage(c, def, { mode: "create", values });
  });

  app.post(base, async (c) => {
    const def = pageDef(c, builtIn);
    requireWrite(c, def);
    const input = formToInput(def, await formEntries(c));
    const parsed = createSchema(def).safeParse(input);
    if (!parsed.success) {
      return formPage(c, def, {
        mode: "create",
        values: input,
        errors: shownErrors(c, issuesByField(parsed.error)),
        message: tOf(c)("record.needs_attention"),
      }, 422);
    }
    try {
      const record = await createRecord(recordContext(c), def, parsed.data);
      return c.redirect(`${base}/${record.id}?saved=1`, 303);
    } catch (err) {
      const shown = errorsOf(err, languageOf(c));
      if (!shown) throw err;
      return formPage(c, def, { mode: "create", values: input, ...shown }, 422);
    }
  });

  app.get(`${base}/:id`, (c) => detailPage(c, pageDef(c, builtIn), idParam(c)));

  app.get(`${base}/:id/edit`, async (c) => {
    const def = pageDef(c, builtIn);
    requireWrite(c, def);
    const record = await getRecord(tenantOf(c).db, def, idParam(c));
    return formPage(c, def, { mode: "edit", values: record, id: idParam(c) });
  });

  app.post(`${base}/:id`, async (c) => {
    const def = pageDef(c, builtIn);
    requireWrite(c, def);
    const id = idParam(c);
    const existing = await getRecord(tenantOf(c).db, def, id);
    const input = formToInput(def, await formEntries(c));
    const parsed = updateSchema(def).safeParse(input);
    const shownValues = { ...existing, ...input };
    if (!parsed.success) {
      return formPage(c, def, {
        mode: "edit",
        id,
        values: shownValues,
        errors: shownErrors(c, issuesByField(parsed.error)),
        message: tOf(c)("record.needs_attention"),
      }, 422);
    }
    try {
      await updateRecord(recordContext(c), def, id, parsed.data);
      return c.redirect(`${base}/${id}?saved=1`, 303);
    } catch (err) {
      const shown = errorsOf(err, languageOf(c));
      if (!shown) throw err;
      return formPage(c, def, { mode: "edit", id, values: shownValues, ...shown }, 409);
    }
  });

  for (const action of ["archive", "restore"] as const) {
    app.post(`${base}/:id/${action}`, async (c) => {
      const def = pageDef(c, builtIn);
      requireWrite(c, def);
      await setArchived(recordContext(c), def, idParam(c), action === "archive");
      return c.redirect(`${base}/${idParam(c)}?saved=1`, 303);
    });
  }

  app.post(`${base}/:id/delete`, async (c) => {
    const def = pageDef(c, builtIn);
    requireWrite(c, def);
    try {
      await deleteRecord(recordContext(c), def, idParam(c));
    } catch (err) {
      if (err instanceof AppError && err.status === 409) {
        return c.redirect(
          withParams(`${base}/${idParam(c)}`, flashParams(c, "error", err.message)),
          303,
        );
      }
      throw err;
    }
    return c.redirect(base, 303);
  });
}

export default app;
