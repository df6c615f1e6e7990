/**
 * @module components/Form
 * Form building blocks: labelled fields whose error text is tied to the input for screen
 * readers, the hidden CSRF input every form carries, and a form-level error message.
 */
import type { JSX } from "preact";
import { useT } from "./Words.tsx";
import { CATALOGUES } from "../i18n/mod.ts";
import { translateErrorText } from "../domain/error_text.ts";

/**
 * A thrown or zod-written English error text in the page's language (domain/error_text.ts): the
 * forms that are not record forms (sign-up, settings) show their checks' messages through it.
 */
function useErrorText(text: string | undefined): string | undefined {
  const t = useT();
  return text ? translateErrorText(text, CATALOGUES.en, t) : text;
}

/** The hidden `_csrf` input (every POST form needs it). */
export function CsrfInput(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

export interface FieldProps {
  label: string;
  name: string;
  id?: string;
  type?: string;
  value?: string;
  error?: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  inputMode?: JSX.HTMLAttributes<HTMLInputElement>["inputMode"];
}

/** The label, hint and error around a control, tied to it for screen readers. */
function Labelled(
  props: FieldProps & {
    control: (
      a11y: { id: string; "aria-invalid"?: "true"; "aria-describedby"?: string },
    ) => JSX.Element;
  },
) {
  const error = useErrorText(props.error);
  const id = props.id ?? props.name;
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  return (
    <div class={props.error ? "field has-error" : "field"}>
      <label for={id}>
        {props.label}
        {props.required ? <span class="required" aria-hidden="true">*</span> : null}
      </label>
      {props.control({
        id,
        "aria-invalid": props.error ? "true" : undefined,
        "aria-describedby": describedBy,
      })}
      {props.hint ? <p class="hint" id={hintId}>{props.hint}</p> : null}
      {error ? <p class="error" id={errorId}>{error}</p> : null}
    </div>
  );
}

/** A labelled input with optional hint and inline error (aria-invalid, aria-describedby). */
export function Field(props: FieldProps) {
  return (
    <Labelled
      {...props}
      control={(a11y) => (
        <input
          {...a11y}
          name={props.name}
          type={props.type ?? "text"}
          value={props.value}
          required={props.required}
          autocomplete={props.autocomplete}
          inputMode={props.inputMode}
        />
      )}
    />
  );
}

/** A message about the whole form, announced to screen readers. */
export function FormErrors(props: { message?: string }) {
  const message = useErrorText(props.message);
  if (!message) return null;
  return <p class="flash error" role="alert">{message}</p>;
}

/** A labelled multi-line input with optional hint and inline error, like `Field`. */
export function TextAreaField(props: Omit<FieldProps, "type" | "inputMode"> & { rows?: number }) {
  return (
    <Labelled
      {...props}
      control={(a11y) => (
        <textarea
          {...a11y}
          name={props.name}
          rows={props.rows ?? 3}
          required={props.required}
          autocomplete={props.autocomplete}
        >
          {props.value ?? ""}
        </textarea>
      )}
    />
  );
}

/** A labelled select with optional hint and inline error, like `Field`. */
export function SelectField(
  props: Omit<FieldProps, "type" | "inputMode"> & {
    options: ReadonlyArray<{ value: string; label: string }>;
  },
) {
  return (
    <Labelled
      {...props}
      control={(a11y) => (
        <select {...a11y} name={props.name} required={props.required}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
  );
}
