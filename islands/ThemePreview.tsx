/**
 * @module islands/ThemePreview
 * The colour fields of Settings → Configuration with a live preview: each change restyles a
 * sample (button, text, notices) through CSS custom properties set on it from script (the CSP
 * allows that, not inline style attributes) and says at once which text/background pair falls
 * below WCAG AA. Saving goes through the form; the server checks the same rule.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import {
  AA_NORMAL_TEXT,
  contrastRatio,
  formatRatio,
  TEXT_PAIRS,
} from "../customization/document/contrast.ts";

export interface PreviewColour {
  key: string;
  token: string;
  label: string;
  value: string;
}

export default function ThemePreview(
  props: { colours: PreviewColour[]; field: "colors" | "dark_colors"; legend: string },
) {
  const [values, setValues] = useState<Record<string, string>>(
    Object.fromEntries(props.colours.map((c) => [c.key, c.value])),
  );
  const sample = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = sample.current;
    if (!el) return;
    for (const c of props.colours) el.style.setProperty(c.token, values[c.key] ?? c.value);
  }, [values]);
  const failures = TEXT_PAIRS.flatMap(([text, background]) => {
    const fg = values[text];
    const bg = values[background];
    if (!fg || !bg) return [];
    const ratio = contrastRatio(fg, bg);
    return ratio < AA_NORMAL_TEXT ? [`${text} on ${background}: ${formatRatio(ratio)}`] : [];
  });
  return (
    <div class="theme-editor">
      <fieldset class="form-group colour-fields">
        <legend>{props.legend}</legend>
        {props.colours.map((c) => (
          <label key={c.key} class="colour-field">
            <input
              type="color"
              name={`${props.field}.${c.key}`}
              value={values[c.key]}
              onInput={(e) =>
                setValues({ ...values, [c.key]: (e.target as HTMLInputElement).value })}
            />
            <span>{c.label}</span>
          </label>
        ))}
      </fieldset>
      <div class="theme-sample" ref={sample} data-theme-sample={props.field}>
        <p class="theme-sample-title">Preview</p>
        <p>
          Body text on a card. <span class="muted">A hint in muted text.</span>{" "}
          <a href="#preview">A link</a>
        </p>
        <button type="button" class="button primary">Primary button</button>
        <p class="flash success">Saved.</p>
        <p class="flash warning">Check the pickup date.</p>
        <p class="flash error">Credit hold.</p>
      </div>
      <p class={failures.length ? "flash error" : "muted"} aria-live="polite" data-contrast>
        {failures.length
          ? `Below WCAG AA (${AA_NORMAL_TEXT}:1): ${failures.join("; ")}. Saving will be refused.`
          : "Every text colour reaches WCAG AA on its background."}
      </p>
    </div>
  );
}
