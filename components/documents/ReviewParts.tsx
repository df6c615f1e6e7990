/**
 * @module components/documents/ReviewParts
 * The pieces of a document's review page: the document preview, one draft field as a control
 * (low-confidence values highlighted with a note), and the lines editor.
 */
import type { RecordDef } from "../../domain/records/definition.ts";
import type { FieldDef } from "../../domain/records/fields.ts";
import { formValue } from "../../domain/records/form_input.ts";
import type { Draft } from "../../domain/documents/draft.ts";
import type { DocumentRecord } from "../../domain/documents/repository.ts";
import { useT } from "../Words.tsx";
import { readerText } from "../../ai/reader_text.ts";

/** Below this confidence a value is highlighted for the reviewer to check. */
export const LOW = 0.8;

function inputType(field: FieldDef): string {
  return field.kind === "date" ? "date" : field.kind === "datetime" ? "datetime-local" : "text";
}

/**
 * The reader's reason for a confidence, as a sentence ("Label matched loosely; read by OCR.");
 * callers hand it already in the page's language (ai/reader_text.ts).
 */
export function reason(why: string | undefined): string | undefined {
  const text = why?.trim();
  if (!text) return undefined;
  return `${text[0]!.toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}`;
}

/**
 * One draft field as a form control, highlighted when it was read with low confidence; the
 * reader's reason (`why`) is said under it, tied to the control for screen readers.
 */
export function FieldInput(
  props: {
    field: FieldDef;
    name: string;
    value: unknown;
    confidence?: number;
    why?: string;
    error?: string[];
  },
) {
  const { field, name } = props;
  const low = props.confidence !== undefined && props.confidence < LOW;
  const id = `f-${name.replace(/\./g, "-")}`;
  const empty = props.value === null || props.value === undefined || props.value === "";
  const t = useT();
  const because = empty ? undefined : reason(props.why && readerText(props.why, t));
  const hint = props.confidence === undefined || !low
    ? because &&
      t("documents.read_with", { percent: Math.round((props.confidence ?? 1) * 100), because })
    : empty
    ? t("documents.not_in_document")
    : t("documents.check_this", { percent: Math.round(props.confidence * 100) }) +
      (because ? ` ${because}` : "");
  const value = formValue(field, props.value);
  const described = [props.error ? `${id}-error` : "", hint ? `${id}-note` : ""].filter(Boolean)
    .join(" ") || undefined;
  return (
    <div
      class={`field${low ? " low-confidence" : ""}${props.error ? " has-error" : ""}`}
      data-field={name}
      data-confidence={props.confidence}
    >
      <label for={id}>{field.label}</label>
      {field.kind === "enum"
        ? (
          <select id={id} name={name} aria-describedby={described}>
            <option value="">—</option>
            {(field.values ?? []).map((v) => (
              <option key={v.value} value={v.value} selected={v.value === value}>{v.label}</option>
            ))}
          </select>
        )
        : (
          <input
            id={id}
            name={name}
            type={inputType(field)}
            value={value}
            aria-invalid={props.error ? "true" : undefined}
            aria-describedby={described}
          />
        )}
      {props.error ? <p class="error" id={`${id}-error`}>{props.error.join(" ")}</p> : null}
      {hint ? <p class="hint" id={`${id}-note`}>{hint}</p> : null}
    </div>
  );
}

/** The fields a review form always shows per record type (others only when the draft has them). */
export const SHOWN: Record<string, string[]> = {
  "purchase-orders": [
    "number",
    "order_date",
    "pickup_date",
    "supplier_confirmation",
    "carrier_release",
    "payment_terms",
  ],
  loads: [
    "number",
    "bol_number",
    "seal_number",
    "pickup_appointment",
    "delivery_appointment",
    "setpoint_temp_f",
    "pickup_temp_f",
    "delivery_temp_f",
    "freight_cents",
    "status",
  ],
  invoices: ["number", "invoice_date", "due_date", "ship_date", "payment_terms", "tax_cents"],
  bills: ["kind", "number", "bill_date", "due_date", "payment_terms", "charges_cents"],
  "sales-orders": ["number", "order_date", "delivery_date", "customer_po"],
};

/** The document beside its draft: the PDF or image, a link to the original and its text. */
export function Preview(props: { doc: DocumentRecord }) {
  const { doc } = props;
  const src = `/documents/${doc.id}/file`;
  const t = useT();
  return (
    <section class="card document-preview">
      <h2>{doc.name}</h2>
      {doc.content_type === "application/pdf"
        ? (
          <iframe
            src={src}
            title={t("documents.the_document", { name: doc.name })}
            class="document-frame"
          />
        )
        : doc.content_type.startsWith("image/")
        ? (
          <img
            src={src}
            alt={t("documents.the_document", { name: doc.name })}
            class="document-image"
          />
        )
        : null}
      <p>
        <a href={src} target="_blank" rel="noopener">{t("documents.open_original")}</a>
      </p>
      <details open={!doc.content_type.startsWith("application/pdf")}>
        <summary>{t("documents.text_read")}</summary>
        <pre class="document-text">{doc.text ?? ""}</pre>
      </details>
    </section>
  );
}

/** The draft's lines as an editable table, with one blank row to add a line. */
export function LinesEditor(
  props: { def: RecordDef; draft: Draft; errors: Record<string, string[]> },
) {
  const fields = props.def.lines!.fields.filter((f) => !f.computed && f.kind !== "ref");
  const rows = [...props.draft.lines, {}];
  const t = useT();
  return (
    <div class="table-wrap">
      <input type="hidden" name="_has.lines" value="1" />
      <table class="lines-edit">
        <caption>{t("documents.lines_caption")}</caption>
        <thead>
          <tr>{fields.map((f) => <th scope="col" key={f.name}>{f.label}</th>)}</tr>
        </thead>
        <tbody>
          {rows.map((line, i) => (
            <tr key={i}>
              {fields.map((f) => {
                const v = (line as Draft["lines"][number])[f.name];
                const low = v && v.confidence < LOW;
                const error = props.errors[`lines.${i}.${f.name}`];
                const because = low ? reason(v.why && readerText(v.why, t)) : undefined;
                const noteId = `line-${i}-${f.name}-note`;
                return (
                  <td key={f.name} class={low ? "low-confidence" : undefined}>
                    {f.kind === "enum"
                      ? (
                        <select
                          name={`lines.${i}.${f.name}`}
                          aria-label={t("documents.line_field", { field: f.label, number: i + 1 })}
                        >
                          {(f.values ?? []).map((o) => (
                            <option
                              key={o.value}
                              value={o.value}
                              selected={o.value === (v?.value ?? f.defaultValue)}
                            >
                              {o.label}
                            </option>
                          ))}
                        </select>
                      )
                      : (
                        <input
                          name={`lines.${i}.${f.name}`}
                          value={formValue(f, v?.value)}
                          aria-label={t("documents.line_field", { field: f.label, number: i + 1 })}
                          aria-invalid={error ? "true" : undefined}
                          aria-describedby={because ? noteId : undefined}
                          title={because}
                        />
                      )}
                    {because
                      ? (
                        <span class="visually-hidden" id={noteId}>
                          {t("documents.check_because", { because })}
                        </span>
                      )
                      : null}
                    {error ? <span class="error">{error.join(" ")}</span> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
