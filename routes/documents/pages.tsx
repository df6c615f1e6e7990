/**
 * @module routes/documents/pages
 * The documents pages: the list with the upload area (a drag-and-drop island over a plain
 * multipart form), and the review page that shows a document beside its draft, highlights
 * fields read with low confidence, and accepts (creating the record), attaches or rejects it.
 * It offers only what the user's role may do (domain/documents/access.ts decides, and refuses).
 */
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { AppError, InvalidError, NotFoundError } from "../../domain/errors.ts";
import { isId } from "../../db/ids.ts";
import { recordType } from "../../domain/catalog.ts";
import { inputFields } from "../../domain/records/definition.ts";
import { type FormEntries, formToInput } from "../../domain/records/form_input.ts";
import {
  type Classification,
  CLASSIFICATION_LABELS,
  type Draft,
} from "../../domain/documents/draft.ts";
import { readerText } from "../../ai/reader_text.ts";
import { getDocument, listDocuments } from "../../domain/documents/repository.ts";
import {
  acceptDocument,
  type AcceptInput,
  attachDocument,
  AttachSchema,
  recordWithNumber,
  rejectDocument,
} from "../../domain/documents/accept.ts";
import { matchOrder } from "../../domain/documents/parties.ts";
import {
  acceptRefusal,
  assertMayAttach,
  assertMayHandleDocuments,
  attachesToLoad,
  mayHandleDocuments,
  mayWrite,
} from "../../domain/documents/access.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { T } from "../../components/Words.tsx";
import { Island } from "../../framework/island.tsx";
import DocumentUpload, { DOCUMENT_UPLOAD_MESSAGES } from "../../islands/DocumentUpload.tsx";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { messagesFor, type Translate } from "../../i18n/mod.ts";
import { translateRecordType } from "../../i18n/records.ts";
import { fileResponse, takeUploads } from "../../http/documents.ts";
import { recordContext, tenantRecordType } from "../../http/records.ts";
import { ListTable } from "../../components/ListTable.tsx";
import {
  FieldInput,
  LinesEditor,
  LOW,
  Preview,
  SHOWN,
} from "../../components/documents/ReviewParts.tsx";
import { requireFeature } from "../../customization/middleware.ts";
import { activeConfiguration } from "../../customization/cache.ts";
import { recordTypeIn } from "../../customization/terms.ts";

const STATUS_CLASS: Record<string, string> = {
  review: "badge warn",
  accepted: "badge ok",
  failed: "badge danger",
  needs_ocr: "badge danger",
  rejected: "badge",
};

function label(t: Translate, c: string | null): string {
  const key = `doc_kind.${c ?? "other"}`;
  const text = t(key);
  return text !== key ? text : CLASSIFICATION_LABELS[(c ?? "other") as Classification] ?? c ?? "";
}

/** A document's status in the reader's language ("needs_ocr" -> "needs OCR"). */
function statusText(t: Translate, status: string): string {
  const key = `documents.status.${status}`;
  const text = t(key);
  return text === key ? status.replace("_", " ") : text;
}

/** A built-in record type's singular name in the reader's language. */
function typeName(c: AppContext, collection: string): string | undefined {
  const def = recordType(collection);
  return def ? translateRecordType(def, languageOf(c)).singular : undefined;
}

function canWrite(c: AppContext): boolean {
  return mayHandleDocuments(principalOf(c).role);
}

async function entries(c: AppContext): Promise<FormEntries> {
  const form = await c.req.formData();
  const out: FormEntries = [];
  for (const [k, v] of form) if (typeof v === "string") out.push([k, v]);
  return out;
}

async function listPage(c: AppContext, flash?: { ok?: string; error?: string }, status = 200) {
  const docs = await listDocuments(tenantOf(c).db, { limit: 100 });
  const maxMb = Math.round(c.get("services").config.DOCUMENT_MAX_BYTES / 1024 / 1024);
  const t = tOf(c);
  return renderApp(
    c,
    t("documents.title"),
    <>
      <div class="page-head">
        <h1>{t("documents.title")}</h1>
      </div>
      {flash?.ok ? <p class="flash success" role="status">{flash.ok}</p> : null}
      {flash?.error ? <p class="flash error" role="alert">{flash.error}</p> : null}
      {canWrite(c)
        ? (
          <section class="card">
            <h2>{t("documents.upload")}</h2>
            <p class="muted">{t("documents.upload_intro")}</p>
            <form method="post" action="/documents" enctype="multipart/form-data">
              <CsrfInput token={c.get("csrfToken")} />
              <Island
                name="DocumentUpload"
                component={DocumentUpload}
                props={{
                  csrf: c.get("csrfToken"),
                  maxMb,
                  language: languageOf(c),
                  messages: messagesFor(languageOf(c), DOCUMENT_UPLOAD_MESSAGES),
                }}
              />
              <noscript>
                <button class="button primary" type="submit">{t("documents.upload")}</button>
              </noscript>
            </form>
            <p>
              <a href="/documents/camera">
                <T>Photograph a BOL or POD for a load</T>
              </a>
            </p>
          </section>
        )
        : null}
      <section class="card">
        <ListTable
          caption={t("documents.caption")}
          columns={[
            t("documents.name"),
            t("documents.kind"),
            t("common.status"),
            t("documents.record"),
            t("documents.uploaded_at"),
          ]}
          empty={t("documents.none")}
          rows={docs.map((d) => (
            <tr key={d.id} data-document={d.id}>
              <td>
                <a href={`/documents/${d.id}`}>{d.name}</a>
              </td>
              <td>{d.classification ? label(t, d.classification) : "—"}</td>
              <td>
                <span class={STATUS_CLASS[d.status] ?? "badge"}>
                  {statusText(t, d.status)}
                </span>
              </td>
              <td>
                {d.record_collection && d.record_id
                  ? (
                    <a href={`/${d.record_collection}/${d.record_id}`}>
                      {typeName(c, d.record_collection) ?? t("documents.record")}
                    </a>
                  )
                  : "—"}
              </td>
              <td>{d.created_at.slice(0, 16).replace("T", " ")}</td>
            </tr>
          ))}
        />
      </section>
    </>,
    status,
  );
}

async function reviewPage(
  c: AppContext,
  id: string,
  extra: { errors?: Record<string, string[]>; message?: string; values?: Record<string, unknown> } =
    {},
  status = 200,
) {
  const doc = await getDocument(tenantOf(c).db, id);
  const draft: Draft = doc.draft ??
    { collection: null, fields: {}, lines: [], parties: {}, refs: {}, warnings: [] };
  // The tenant's record type: its words and its custom fields (the reader fills them too).
  const builtIn = draft.collection ? recordType(draft.collection) : undefined;
  const t = tOf(c);
  // In another language the built-in labels translated, the tenant's own names kept.
  const language = languageOf(c);
  const def = builtIn
    ? language === "en" ? await tenantRecordType(c, builtIn) : recordTypeIn(
      (c.get("configuration") ??
        await activeConfiguration(c.get("services").readCache, tenantOf(c).db, tenantOf(c).id))
        .document,
      builtIn,
      language,
    )
    : undefined;
  const csrf = c.get("csrfToken");
  const errors = extra.errors ?? {};
  const open = ["review", "needs_ocr", "failed", "rejected"].includes(doc.status) && canWrite(c);
  const role = principalOf(c).role;
  const refusal = def ? acceptRefusal(role, def) : null;
  const loads = recordType("loads")!;
  const attach = attachesToLoad(doc) && mayWrite(role, loads);
  const valueOf = (name: string) =>
    extra.values && name in extra.values ? extra.values[name] : draft.fields[name]?.value;
  // A draft whose number a record already has would be refused: say so before Accept.
  const duplicate = def && open
    ? await recordWithNumber(tenantOf(c).db, def, valueOf("number"))
    : null;
  return renderApp(
    c,
    t("documents.review_title", { name: doc.name }),
    <>
      <p class="breadcrumb">
        <a href="/documents">{t("documents.title")}</a>
      </p>
      <div class="page-head">
        <h1>
          {label(t, doc.classification)}: {doc.name}{" "}
          <span class={STATUS_CLASS[doc.status] ?? "badge"} data-status={doc.status}>
            {statusText(t, doc.status)}
          </span>
        </h1>
      </div>
      {doc.status_message
        ? <p class="flash warning" role="status">{readerText(doc.status_message, t)}</p>
        : null}
      {extra.message ? <p class="flash error" role="alert">{extra.message}</p> : null}
      {doc.record_collection && doc.record_id
        ? (
          <p class="flash success" role="status">
            {t("documents.linked_to")}{" "}
            <a href={`/${doc.record_collection}/${doc.record_id}`}>
              {t("documents.record_of", {
                type: typeName(c, doc.record_collection)?.toLowerCase() ?? "",
              })}
            </a>.
          </p>
        )
        : null}
      <div class="review-grid">
        <Preview doc={doc} />
        <section class="card">
          <h2>{t("documents.draft", { type: def ? def.singular.toLowerCase() : "" })}</h2>
          <p class="muted">
            {t("documents.read_by", {
              provider: !doc.provider || doc.provider === "offline"
                ? t("documents.offline")
                : doc.provider,
              sure: doc.classification_confidence !== null
                ? ` ${
                  t("documents.sure_of_kind", {
                    percent: Math.round(Number(doc.classification_confidence) * 100),
                  })
                }`
                : "",
            })}
          </p>
          {draft.warnings.length
            ? (
              <div class="flash warning" role="status" id="draft-warnings">
                <p>{t("documents.check_before")}</p>
                <ul class="warnings">
                  {draft.warnings.map((w, i) => <li key={i}>{readerText(w, t)}</li>)}
                </ul>
              </div>
            )
            : null}
          {def && duplicate
            ? (
              <div class="flash warning" role="status" id="duplicate-number">
                <p>
                  <a href={`/${duplicate.collection}/${duplicate.id}`}>
                    {def.singular} {duplicate.number}
                  </a>{" "}
                  {t("documents.already_exists", { type: def.singular.toLowerCase() })}
                </p>
                <form method="post" action={`/documents/${doc.id}/link`} class="inline-form">
                  <CsrfInput token={csrf} />
                  <input type="hidden" name="collection" value={duplicate.collection} />
                  <input type="hidden" name="record_id" value={duplicate.id} />
                  <button class="button secondary" type="submit">
                    {t("documents.link_to", {
                      type: def.singular.toLowerCase(),
                      number: String(duplicate.number),
                    })}
                  </button>
                </form>
              </div>
            )
            : null}
          {def && open
            ? (
              <form method="post" action={`/documents/${doc.id}/accept`} class="review-form">
                <CsrfInput token={csrf} />
                <input type="hidden" name="_collection" value={def.collection} />
                {Object.entries(draft.parties).map(([field, party]) => (
                  <fieldset key={field} class="party" data-party={field}>
                    <legend>
                      {def.fields.find((f) =>
                        f.name === field
                      )?.label ?? field}
                    </legend>
                    {party.match
                      ? (
                        <p>
                          {t("documents.matches")}{" "}
                          <a href={`/${party.collection}/${party.match.id}`}>{party.match.title}</a>
                          {" "}
                          {party.match.by === "name"
                            ? t("documents.by_name")
                            : t("documents.by_number", { kind: party.match.by.toUpperCase() })}
                          <input type="hidden" name={`party.${field}.id`} value={party.match.id} />
                        </p>
                      )
                      : (
                        <div class={`field${party.confidence < LOW ? " low-confidence" : ""}`}>
                          <label for={`p-${field}`}>
                            {t("documents.new_named", {
                              type: typeName(c, party.collection)?.toLowerCase() ?? "",
                            })}
                          </label>
                          <input
                            id={`p-${field}`}
                            name={`party.${field}.name`}
                            value={party.name ?? ""}
                          />
                          {party.est_number
                            ? (
                              <input
                                type="hidden"
                                name={`party.${field}.est_number`}
                                value={party.est_number}
                              />
                            )
                            : null}
                          {party.mc_number
                            ? (
                              <input
                                type="hidden"
                                name={`party.${field}.mc_number`}
                                value={party.mc_number}
                              />
                            )
                            : null}
                          {party.dot_number
                            ? (
                              <input
                                type="hidden"
                                name={`party.${field}.dot_number`}
                                value={party.dot_number}
                              />
                            )
                            : null}
                          <p class="hint">
                            {party.confidence < LOW
                              ? `${
                                t("documents.check_name", {
                                  percent: Math.round(party.confidence * 100),
                                })
                              } `
                              : ""}
                            {t("documents.no_match", {
                              details: (party.est_number ? `; EST ${party.est_number}` : "") +
                                (party.mc_number ? `; MC ${party.mc_number}` : ""),
                            })} {mayWrite(role, recordType(party.collection)!)
                              ? t("documents.created_on_accept")
                              : t("documents.role_cannot_create", {
                                types: translateRecordType(
                                  recordType(party.collection)!,
                                  languageOf(c),
                                ).plural.toLowerCase(),
                              })}
                          </p>
                        </div>
                      )}
                    {errors[`parties.${field}.name`] || errors[field]
                      ? (
                        <p class="error">
                          {(errors[field] ?? errors[`parties.${field}.name`])!.join(" ")}
                        </p>
                      )
                      : null}
                  </fieldset>
                ))}
                {Object.entries(draft.refs).map(([field, ref]) => (
                  <div
                    class={`field${!ref.match && ref.confidence < LOW ? " low-confidence" : ""}`}
                    key={field}
                    data-field={field}
                  >
                    <label for={`r-${field}`}>
                      {t("documents.ref_number", {
                        field: def.fields.find((f) => f.name === field)?.label ?? field,
                      })}
                    </label>
                    <input
                      id={`r-${field}`}
                      name={`ref.${field}`}
                      value={ref.match?.title ?? ref.number}
                    />
                    <p class="hint">
                      {ref.match ? t("documents.found") : t("documents.not_found")}
                    </p>
                    {errors[field] ? <p class="error">{errors[field]!.join(" ")}</p> : null}
                  </div>
                ))}
                <div class="form-grid">
                  {inputFields(def).filter((f) =>
                    f.kind !== "ref" &&
                    ((SHOWN[def.collection] ?? []).includes(f.name) || draft.fields[f.name])
                  ).map((f) => (
                    <FieldInput
                      key={f.name}
                      field={f}
                      name={f.name}
                      value={valueOf(f.name)}
                      confidence={draft.fields[f.name]?.confidence ??
                        (draft.fields[f.name] ? undefined : 0)}
                      why={draft.fields[f.name]?.why}
                      error={errors[f.name]}
                    />
                  ))}
                </div>
                {def.lines ? <LinesEditor def={def} draft={draft} errors={errors} /> : null}
                <div class="actions">
                  <button
                    class="button primary"
                    type="submit"
                    disabled={refusal !== null}
                    aria-describedby={refusal ? "accept-refusal" : undefined}
                  >
                    {t("documents.accept", { type: def.singular.toLowerCase() })}
                  </button>
                  {refusal ? <p class="hint" id="accept-refusal">{refusal}</p> : null}
                </div>
              </form>
            )
            : null}
          {open
            ? (
              <>
                {attach
                  ? (
                    <form
                      method="post"
                      action={`/documents/${doc.id}/attach`}
                      class="inline-form"
                    >
                      <CsrfInput token={csrf} />
                      <div class="field">
                        <label for="attach-load">
                          {t("documents.attach_label")}
                        </label>
                        <input
                          id="attach-load"
                          name="load"
                          value={draft.fields.bol_number?.value
                            ? String(draft.fields.bol_number.value)
                            : ""}
                        />
                      </div>
                      <button class="button secondary" type="submit">
                        {t("documents.attach")}
                      </button>
                    </form>
                  )
                  : null}
                <form method="post" action={`/documents/${doc.id}/reject`} class="inline-form">
                  <CsrfInput token={csrf} />
                  <button class="button danger" type="submit">{t("documents.reject")}</button>
                </form>
              </>
            )
            : null}
        </section>
      </div>
    </>,
    status,
  );
}

function docParam(c: AppContext): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw new NotFoundError(tOf(c)("documents.no_such"));
  return id;
}

function requireWrite(c: AppContext) {
  assertMayHandleDocuments(principalOf(c).role);
}

const app = new Hono<AppEnv>();
app.use("/documents", memberPage());
app.use("/documents/*", memberPage());
app.use("/documents", requireFeature("documents"));
app.use("/documents/*", requireFeature("documents"));

app.get(
  "/documents",
  (c) =>
    listPage(c, {
      ok: c.req.query("uploaded")
        ? tOf(c)("documents.files_uploaded", { count: Number(c.req.query("uploaded")) || 0 })
        : undefined,
    }),
);

app.post("/documents", async (c) => {
  requireWrite(c);
  const form = await c.req.formData();
  const files = form.getAll("file").filter((f): f is File => f instanceof File && f.size > 0);
  if (!files.length) return listPage(c, { error: tOf(c)("documents.choose_file") }, 422);
  try {
    const done = await takeUploads(c, files);
    return c.redirect(`/documents?uploaded=${done.length}`, 303);
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      return listPage(c, { error: err.message }, err.status);
    }
    throw err;
  }
});

app.get("/documents/:id", (c) => reviewPage(c, docParam(c)));

app.get("/documents/:id/file", async (c) => {
  return await fileResponse(c, await getDocument(tenantOf(c).db, docParam(c)));
});

app.post("/documents/:id/accept", async (c) => {
  requireWrite(c);
  const id = docParam(c);
  const form = await entries(c);
  const collection = form.find(([k]) => k === "_collection")?.[1] ?? "";
  const builtIn = recordType(collection);
  if (!builtIn) throw new InvalidError("Unknown record type.");
  const def = await tenantRecordType(c, builtIn);
  const values = formToInput(
    def,
    form.filter(([k]) => !k.startsWith("party.") && !k.startsWith("ref.")),
  );
  const parties: AcceptInput["parties"] = {};
  for (const [k, v] of form) {
    const m = /^party\.(\w+)\.(id|name|est_number|mc_number|dot_number)$/.exec(k);
    if (!m || !v.trim()) continue;
    if (m[2] === "id") parties[m[1]!] = { id: v };
    else {
      const current = parties[m[1]!];
      const create = current && "create" in current ? current.create : { name: "" };
      parties[m[1]!] = { create: { ...create, [m[2]!]: v.trim() } };
    }
  }
  const db = tenantOf(c).db;
  for (const [k, v] of form) {
    const m = /^ref\.(\w+)$/.exec(k);
    const target = m ? def.fields.find((f) => f.name === m[1] && f.kind === "ref")?.ref : undefined;
    if (!m || !target || !v.trim()) continue;
    const found = await matchOrder(db, target, v);
    if (found) values[m[1]!] = found.id;
  }
  try {
    const result = await acceptDocument(recordContext(c), id, {
      collection: def.collection as AcceptInput["collection"],
      values,
      parties,
    }, () => def);
    return c.redirect(`/${result.collection}/${result.id}?saved=1`, 303);
  } catch (err) {
    if (err instanceof AppError && [400, 403, 409, 422].includes(err.status)) {
      return reviewPage(c, id, {
        errors: err.status === 403 ? {} : (err.details ?? {}) as Record<string, string[]>,
        message: err.message,
        values,
      }, err.status === 403 ? 403 : 422);
    }
    throw err;
  }
});

app.post("/documents/:id/attach", async (c) => {
  assertMayAttach(principalOf(c).role, recordType("loads")!);
  const id = docParam(c);
  if (!attachesToLoad(await getDocument(tenantOf(c).db, id))) {
    throw new InvalidError(
      tOf(c)("documents.attach_only_load"),
      undefined,
      422,
    );
  }
  const form = await entries(c);
  const number = form.find(([k]) => k === "load")?.[1]?.trim() ?? "";
  const load = number ? await matchOrder(tenantOf(c).db, "loads", number) : null;
  if (!load) {
    return reviewPage(c, id, { message: tOf(c)("documents.no_load", { number }) }, 422);
  }
  await attachDocument(recordContext(c), id, { collection: "loads", id: load.id });
  return c.redirect(`/loads/${load.id}?saved=1`, 303);
});

// Links the document to an existing record of its kind (the review page offers it when the
// draft's number is already taken).
app.post("/documents/:id/link", async (c) => {
  requireWrite(c);
  const id = docParam(c);
  const form = await entries(c);
  const target = AttachSchema.safeParse({
    collection: form.find(([k]) => k === "collection")?.[1],
    id: form.find(([k]) => k === "record_id")?.[1],
  });
  if (!target.success) {
    return reviewPage(c, id, { message: tOf(c)("documents.choose_record") }, 422);
  }
  const linked = await attachDocument(recordContext(c), id, target.data);
  return c.redirect(`/${linked.collection}/${linked.id}?saved=1`, 303);
});

app.post("/documents/:id/reject", async (c) => {
  requireWrite(c);
  const id = docParam(c);
  await rejectDocument(recordContext(c), id);
  return c.redirect(`/documents/${id}`, 303);
});

export default app;
