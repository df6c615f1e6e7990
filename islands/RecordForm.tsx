/**
 * @module islands/RecordForm
 * The create/edit form of any record type, built from its description. On the server it renders
 * a plain form that posts without JavaScript; hydrated, it checks the fields before submitting
 * (a slim check that words its messages as the API does; the server validates in full), shows
 * each message beside its field, and edits PO/SO/invoice lines with live amounts, total and
 * weight. It receives its record type's fields as plain data (`FormSpec`), never the catalog or
 * zod, which keeps its bundle small (framework/build_test.ts holds it under 30 KB gzipped).
 */
import { useContext, useEffect, useRef, useState } from "preact/hooks";
import { createContext, type JSX } from "preact";
import { isLanguage, type Messages, type Translate, translatorOf } from "../i18n/format.ts";
import { groupedAmount } from "../domain/format.ts";
import { formToInput, formValue } from "../domain/records/form_input.ts";
import { checkForm, type FormField, type FormSpec } from "../domain/records/form_check.ts";
import { translateErrorDetails } from "../domain/error_text.ts";
import { isCells, pasteLines } from "../domain/flows/paste_lines.ts";
import Combobox from "./Combobox.tsx";
import { lineAfterInput, type WeightUnit } from "../domain/units.ts";
import { convertCents, rateText } from "../domain/exchange_math.ts";
import { centsOf } from "../domain/rules/line_amount.ts";

export interface RecordFormProps {
  [key: string]: unknown;
  /** The record type's input fields (`formSpec(def)`). */
  form: FormSpec;
  action: string;
  csrf: string;
  mode: "create" | "edit";
  values: Record<string, unknown>;
  errors: Record<string, string[]>;
  message?: string;
  /** Option list values by list key. */
  options: Record<string, string[]>;
  /** Choices for reference fields: collection -> [id, title][]. */
  refs: Record<string, Array<[string, string]>>;
  cancelHref: string;
  /** Show the margin over the cost each line carries (`cost_cents`, a sales order from a PO). */
  margin?: boolean;
  /** Each product's weight unit: choosing a product on a line weighs the line in it. */
  productUnits?: Record<string, WeightUnit>;
  /**
   * With `margin`: the sale is in the chosen customer's currency and the cost in the workspace's,
   * so the margin converts the sale at the rate of the day (domain/exchange.ts), or says it
   * cannot. Customers billed in the workspace's currency are not listed.
   */
  exchange?: {
    workspace: string;
    rates: Record<string, number>;
    customers: Record<string, string>;
  };
  /** The page's language and the form's messages (RECORD_FORM_MESSAGES); English without. */
  language?: string;
  messages?: Messages;
  /**
   * The checks' messages in another language than English: the `error.*` messages in English
   * (to recognize a check's text) and in the page's language (domain/error_text.ts).
   */
  errorMessages?: { en: Messages; own: Messages };
}

/** Every message the form shows (the page hands it these, in the reader's language). */
export const RECORD_FORM_MESSAGES: readonly string[] = [
  "form.choose",
  "form.needs_attention",
  "form.lines",
  "form.amount",
  "form.remove",
  "form.remove_line",
  "form.add_line",
  "form.total",
  "form.margin",
  "exchange.not_converted",
  "form.create",
  "form.save_changes",
  "form.cancel",
  "form.details",
  "form.of_sale",
  "form.set_sale_prices",
  "form.cost",
];

const ENGLISH: Messages = {
  "form.choose": "Choose…",
  "form.needs_attention": "Some fields need attention.",
  "form.lines": "Lines",
  "form.amount": "Amount",
  "form.remove": "Remove",
  "form.remove_line": "Remove line {number}",
  "form.add_line": "Add line",
  "form.total": "Total",
  "form.margin": "Margin",
  "exchange.not_converted": "{amount} not converted: no rate",
  "form.create": "Create {name}",
  "form.save_changes": "Save changes",
  "form.cancel": "Cancel",
  "form.details": "Details",
  "form.of_sale": "{percent}% of sale",
  "form.set_sale_prices": "set the sale prices",
  "form.cost": "cost {amount}",
};

/** The form's `t`, for the inputs deep inside it. */
const FormWords = createContext<Translate>(translatorOf("en", ENGLISH));

type LineState = Record<string, string>;

const LB_PER_KG = 2.20462262185;
const BLANK_LINES = 3;

function toLineState(line: Record<string, unknown>, fields: readonly FormField[]): LineState {
  const out: LineState = {};
  // What the line cost (a sales order from a PO): kept beside the fields for the margin.
  if (line.cost_cents !== undefined && line.cost_cents !== null) {
    out.cost_cents = String(line.cost_cents);
  }
  for (const f of fields) {
    out[f.name] = line[f.name] === undefined
      ? String(f.defaultValue ?? "")
      : formValue(f, line[f.name]);
  }
  return out;
}

/** As the server computes it: exactly on the decimals typed, half up (domain/rules/line_amount.ts). */
function lineAmount(line: LineState): number {
  const qty = line.price_basis === "case" ? line.cases : line.weight;
  const cents = centsOf(line.price || 0, qty || 0);
  return Number.isFinite(cents) ? cents : 0;
}

function ErrorText(props: { id: string; messages?: string[] }) {
  if (!props.messages?.length) return null;
  return <p class="error" id={props.id}>{props.messages.join(" ")}</p>;
}

function Input(
  props: {
    field: FormField;
    name: string;
    id: string;
    value: string;
    invalid: boolean;
    describedBy?: string;
    options: Record<string, string[]>;
    refs: Record<string, Array<[string, string]>>;
    onInput?: (value: string) => void;
    compact?: boolean;
    /** Running in the browser: reference fields become searchable pickers. */
    live?: boolean;
  },
) {
  const { field, name, id, value } = props;
  const t = useContext(FormWords);
  const common = {
    id,
    name,
    "aria-invalid": props.invalid ? ("true" as const) : undefined,
    "aria-describedby": props.describedBy,
    "aria-label": props.compact ? field.label : undefined,
    onInput: props.onInput
      ? (e: JSX.TargetedEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
        props.onInput!(e.currentTarget.value)
      : undefined,
  };
  // Line cells are controlled (their state drives live totals); other fields are left to the
  // browser, so that a re-render of the island never resets what the user typed or picked.
  const controlled = Boolean(props.onInput);
  const valueProps = controlled ? { value } : { defaultValue: value };
  const choose = (choices: Array<[string, string]>) => {
    const known = choices.some(([v]) => v === value);
    return (
      <select {...common} {...(controlled ? { value } : {})} required={field.required}>
        <option value="" selected={!controlled && !value}>
          {field.required ? t("form.choose") : "—"}
        </option>
        {!known && value ? <option value={value} selected={!controlled}>{value}</option> : null}
        {choices.map(([v, label]) => (
          <option key={v} value={v} selected={!controlled && v === value}>{label}</option>
        ))}
      </select>
    );
  };
  switch (field.kind) {
    case "longtext":
      return <textarea {...common} rows={3} {...valueProps} maxLength={field.max ?? 5000} />;
    case "enum":
      return choose((field.values ?? []).map((v) => [v.value, v.label]));
    case "option":
      return choose((props.options[field.list!] ?? []).map((v) => [v, v]));
    case "ref":
      if (props.live) {
        return (
          <Combobox
            id={id}
            name={name}
            collection={field.ref!}
            value={value}
            choices={props.refs[field.ref!] ?? []}
            required={field.required}
            invalid={props.invalid}
            describedBy={props.describedBy}
            ariaLabel={props.compact ? field.label : undefined}
            onChange={props.onInput}
          />
        );
      }
      return choose(props.refs[field.ref!] ?? []);
    case "date":
      return <input {...common} type="date" {...valueProps} required={field.required} />;
    case "datetime":
      return <input {...common} type="datetime-local" {...valueProps} />;
    case "email":
      return <input {...common} type="email" {...valueProps} autocomplete="off" />;
    case "phone":
      return <input {...common} type="tel" {...valueProps} />;
    case "integer":
    case "decimal":
    case "money":
      return (
        <input
          {...common}
          type="text"
          inputMode="decimal"
          {...valueProps}
          class={field.kind === "money" ? "money-input" : "num-input"}
          required={field.required}
        />
      );
    default:
      return (
        <input
          {...common}
          type="text"
          {...valueProps}
          required={field.required && !(field.name === "number")}
          maxLength={field.max ?? 200}
        />
      );
  }
}

function FieldRow(
  props: {
    field: FormField;
    values: Record<string, unknown>;
    errors: Record<string, string[]>;
    options: Record<string, string[]>;
    refs: Record<string, Array<[string, string]>>;
    live: boolean;
  },
) {
  const { field, values, errors } = props;
  const id = `f-${field.name}`;
  const messages = errors[field.name];
  const hintId = field.hint ? `${id}-hint` : undefined;
  const errorId = messages ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  if (field.kind === "boolean") {
    return (
      <div class={messages ? "field check has-error" : "field check"}>
        <input type="hidden" name={`_has.${field.name}`} value="1" />
        <label>
          <input
            type="checkbox"
            name={field.name}
            value="true"
            defaultChecked={Boolean(values[field.name])}
            aria-describedby={describedBy}
          />{" "}
          {field.label}
        </label>
        {field.hint ? <p class="hint" id={hintId}>{field.hint}</p> : null}
        <ErrorText id={`${id}-error`} messages={messages} />
      </div>
    );
  }
  if (field.kind === "options") {
    const chosen = new Set((values[field.name] as string[] | undefined) ?? []);
    // A custom multi-choice field lists its own choices; others come from an option list.
    const offered = field.values
      ? field.values.map((v) => v.value)
      : props.options[field.list!] ?? [];
    const all = [...new Set([...offered, ...chosen])];
    return (
      <fieldset class={messages ? "field choices has-error" : "field choices"}>
        <legend>{field.label}</legend>
        <input type="hidden" name={`_has.${field.name}`} value="1" />
        {all.map((v) => (
          <label key={v} class="choice">
            <input type="checkbox" name={field.name} value={v} defaultChecked={chosen.has(v)} /> {v}
          </label>
        ))}
        <ErrorText id={`${id}-error`} messages={messages} />
      </fieldset>
    );
  }
  return (
    <div class={messages ? "field has-error" : "field"}>
      <label for={id}>
        {field.label}
        {field.kind === "money" ? " ($)" : ""}
        {field.required && field.name !== "number"
          ? <span class="required" aria-hidden="true">*</span>
          : null}
      </label>
      <Input
        field={field}
        name={field.name}
        id={id}
        value={formValue(
          field,
          // Numbers start empty (the server fills 0); a prefilled "0.00" gets typed into.
          values[field.name] ?? (field.kind === "enum" ? field.defaultValue : null) ?? null,
        )}
        invalid={Boolean(messages)}
        describedBy={describedBy}
        options={props.options}
        refs={props.refs}
        live={props.live}
      />
      {field.hint ? <p class="hint" id={hintId}>{field.hint}</p> : null}
      <ErrorText id={`${id}-error`} messages={messages} />
    </div>
  );
}

export default function RecordForm(props: RecordFormProps) {
  const language = isLanguage(props.language) ? props.language : "en";
  const t = translatorOf(language, props.messages ?? ENGLISH);
  const def = props.form;
  const lineFields = def.lines?.fields ?? [];
  const initialLines = ((props.values.lines as Record<string, unknown>[] | undefined) ?? []).map((
    l,
  ) => toLineState(l, lineFields));
  const [lines, setLines] = useState<LineState[]>(() => [
    ...initialLines,
    ...Array.from(
      { length: initialLines.length ? 1 : BLANK_LINES },
      () => toLineState({}, lineFields),
    ),
  ]);
  const [errors, setErrors] = useState(props.errors);
  const [message, setMessage] = useState(props.message);
  const formRef = useRef<HTMLFormElement>(null);
  // The server renders selects (they work without JavaScript); once running, pickers search.
  const [live, setLive] = useState(false);
  useEffect(() => setLive(true), []);
  // The customer chosen, for the margin's currency (the header fields are not otherwise tracked).
  const [customerId, setCustomerId] = useState(String(props.values.customer_id ?? ""));
  const onFieldChange = (e: Event) => {
    const target = e.target as HTMLInputElement | null;
    if (target?.name === "customer_id") setCustomerId(target.value);
  };

  const groups = new Map<string, FormField[]>();
  for (const field of def.fields) {
    const group = field.group ?? t("form.details");
    groups.set(group, [...(groups.get(group) ?? []), field]);
  }

  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement>) => {
    const form = e.currentTarget;
    const entries = [...new FormData(form).entries()].map(([k, v]) => [k, String(v)]) as Array<
      [string, string]
    >;
    const found = checkForm(def, formToInput(def, entries), props.mode);
    if (Object.keys(found).length === 0) return;
    e.preventDefault();
    const words = props.errorMessages;
    setErrors(
      words ? translateErrorDetails(found, words.en, translatorOf(language, words.own)) : found,
    );
    setMessage(t("form.needs_attention"));
    requestAnimationFrame(() => {
      const first = form.querySelector<HTMLElement>("[aria-invalid='true'], .has-error input");
      first?.focus();
    });
  };

  const setLine = (index: number, name: string, value: string) =>
    setLines((all) =>
      all.map((l, i) => (i === index ? lineAfterInput(l, name, value, props.productUnits) : l))
    );

  // Cells pasted from a spreadsheet fill this line and the ones below, adding lines as needed.
  const onPaste = (e: JSX.TargetedClipboardEvent<HTMLTableSectionElement>) => {
    const text = e.clipboardData?.getData("text/plain") ?? "";
    const m = /^lines\.(\d+)\.(\w+)$/.exec((e.target as HTMLInputElement).name ?? "");
    if (!m || !isCells(text)) return;
    const pasted = pasteLines(text, lineFields, m[2]!, props.refs);
    if (!pasted.length) return;
    e.preventDefault();
    const at = Number(m[1]);
    setLines((all) => {
      const next = [...all];
      pasted.forEach((cells, k) => {
        next[at + k] = { ...(next[at + k] ?? toLineState({}, lineFields)), ...cells };
      });
      return [...next, toLineState({}, lineFields)];
    });
  };

  const totalCents = lines.reduce((sum, l) => sum + lineAmount(l), 0);
  const costCents = lines.reduce((sum, l) => sum + Number(l.cost_cents || 0), 0);
  // The sale in the chosen customer's currency, converted into the cost's (the workspace's).
  const saleCurrency = props.exchange?.customers[customerId] ?? props.exchange?.workspace;
  const rate = saleCurrency && saleCurrency !== props.exchange?.workspace
    ? props.exchange?.rates[saleCurrency] ?? null
    : 1_000_000;
  const saleConverted = rate === null ? null : convertCents(totalCents, rate);
  const marginCents = (saleConverted ?? totalCents) - costCents;
  const totalLb = lines.reduce(
    (sum, l) => sum + Number(l.weight || 0) * (l.weight_unit === "KG" ? LB_PER_KG : 1),
    0,
  );

  return (
    <FormWords.Provider value={t}>
      <form
        method="post"
        action={props.action}
        class="record-form"
        data-live={live ? "true" : undefined}
        ref={formRef}
        onSubmit={onSubmit}
        onChange={props.exchange ? onFieldChange : undefined}
        onInput={props.exchange ? onFieldChange : undefined}
        noValidate
      >
        <input type="hidden" name="_csrf" value={props.csrf} />
        {props.values.version
          ? <input type="hidden" name="version" value={String(props.values.version)} />
          : null}
        {message
          ? (
            <div class="flash error" role="alert">
              <p>{message}</p>
              {errors._ ? <p>{errors._.join(" ")}</p> : null}
            </div>
          )
          : null}
        <div class="form-groups">
          {[...groups].map(([group, fields]) => (
            <fieldset class="form-group" key={group}>
              <legend>{group}</legend>
              {fields.map((field) => (
                <FieldRow
                  key={field.name}
                  field={field}
                  values={props.values}
                  errors={errors}
                  options={props.options}
                  refs={props.refs}
                  live={live}
                />
              ))}
            </fieldset>
          ))}
        </div>
        {def.lines
          ? (
            <fieldset class="lines-editor">
              <legend>{t("form.lines")}</legend>
              <input type="hidden" name="_has.lines" value="1" />
              <div class="table-wrap">
                <table class="lines">
                  <thead>
                    <tr>
                      {lineFields.map((f) => <th scope="col" key={f.name}>{f.label}</th>)}
                      <th scope="col" class="num">{t("form.amount")}</th>
                      <th scope="col">
                        <span class="visually-hidden">{t("form.remove")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody onPaste={onPaste}>
                    {lines.map((line, i) => (
                      <tr key={i} data-line={i}>
                        {lineFields.map((f) => {
                          const key = `lines.${i}.${f.name}`;
                          const messages = errors[key];
                          return (
                            <td
                              key={f.name}
                              class={messages ? `has-error cell-${f.kind}` : `cell-${f.kind}`}
                              data-label={f.label}
                            >
                              <Input
                                field={f}
                                name={key}
                                id={`f-${key}`}
                                value={line[f.name] ?? ""}
                                invalid={Boolean(messages)}
                                describedBy={messages ? `f-${key}-error` : undefined}
                                options={props.options}
                                refs={props.refs}
                                onInput={(v) => setLine(i, f.name, v)}
                                compact
                                live={live}
                              />
                              <ErrorText id={`f-${key}-error`} messages={messages} />
                            </td>
                          );
                        })}
                        <td class="num" data-line-amount data-label="Amount">
                          {groupedAmount(lineAmount(line))}
                          {props.margin && line.cost_cents
                            ? (
                              <input
                                type="hidden"
                                name={`lines.${i}.cost_cents`}
                                value={line.cost_cents}
                              />
                            )
                            : null}
                        </td>
                        <td>
                          <button
                            type="button"
                            class="button small secondary"
                            aria-label={t("form.remove_line", { number: i + 1 })}
                            onClick={() => setLines((all) => all.filter((_, j) => j !== i))}
                          >
                            ×
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <td colSpan={lineFields.length - 1}>
                        <button
                          type="button"
                          class="button small secondary"
                          onClick={() => setLines((all) => [...all, toLineState({}, lineFields)])}
                          data-add-line
                        >
                          {t("form.add_line")}
                        </button>
                      </td>
                      <th scope="row">{t("form.total")}</th>
                      <td class="num" data-lines-total>
                        <strong>{groupedAmount(totalCents)}</strong>
                        <br />
                        <small data-lines-weight>{totalLb.toFixed(2)} lb</small>
                      </td>
                      <td />
                    </tr>
                    {props.margin
                      ? (
                        <tr class="margin-row">
                          <td colSpan={lineFields.length - 1} />
                          <th scope="row">{t("form.margin")}</th>
                          <td class="num" data-lines-margin aria-live="polite">
                            {saleConverted === null
                              ? (
                                <strong data-not-converted={saleCurrency}>
                                  {t("exchange.not_converted", {
                                    amount: `${saleCurrency} ${groupedAmount(totalCents)}`,
                                  })}
                                </strong>
                              )
                              : (
                                <strong class={marginCents < 0 ? "negative" : undefined}>
                                  {groupedAmount(marginCents)}
                                </strong>
                              )}
                            <br />
                            <small>
                              {saleConverted !== null && saleCurrency !== props.exchange?.workspace
                                ? `${saleCurrency} ${groupedAmount(totalCents)} × ${
                                  rateText(rate!)
                                } = ${props.exchange?.workspace} ${groupedAmount(saleConverted)}; `
                                : ""}
                              {totalCents > 0 && saleConverted !== null
                                ? t("form.of_sale", {
                                  percent: (marginCents / saleConverted * 100).toFixed(1),
                                })
                                : t("form.set_sale_prices")}; {t("form.cost", {
                                  amount: groupedAmount(costCents),
                                })}
                            </small>
                          </td>
                          <td />
                        </tr>
                      )
                      : null}
                  </tfoot>
                </table>
              </div>
              <ErrorText id="lines-error" messages={errors.lines} />
            </fieldset>
          )
          : null}
        <div class="form-actions">
          <button class="button primary" type="submit">
            {props.mode === "create"
              ? t("form.create", { name: def.singular.toLowerCase() })
              : t("form.save_changes")}
          </button>
          <a class="button secondary" href={props.cancelHref}>{t("form.cancel")}</a>
        </div>
      </form>
    </FormWords.Provider>
  );
}
