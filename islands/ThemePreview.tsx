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
import { type Language, type Messages, translatorOf } from "../i18n/format.ts";

/** The messages the island shows (a page passes `messagesFor(language, THEME_PREVIEW_MESSAGES)`). */
export const THEME_PREVIEW_MESSAGES = [
  "theme.preview",
  "theme.body_text",
  "theme.hint",
  "theme.link",
  "theme.button",
  "theme.saved",
  "theme.warning",
  "theme.error",
  "theme.below_aa",
  "theme.all_aa",
  "theme.pair",
] as const;

/** The island's English, when a page hands it no messages. */
const ENGLISH: Messages = {
  "theme.preview": "Preview",
  "theme.body_text": "Body text on a card.",
  "theme.hint": "A hint in muted text.",
  "theme.link": "A link",
  "theme.button": "Primary button",
  "theme.saved": "Saved.",
  "theme.warning": "Check the pickup date.",
  "theme.error": "Credit hold.",
  "theme.below_aa": "Below WCAG AA ({ratio}:1): {failures}. Saving will be refused.",
  "theme.all_aa": "Every text colour reaches WCAG AA on its background.",
  "theme.pair": "{text} on {background}: {ratio}",
};

export interface PreviewColour {
  key: string;
  token: string;
  label: string;
  value: string;
}

export default function ThemePreview(
  props: {
    colours: PreviewColour[];
    field: "colors" | "dark_colors";
    legend: string;
    language?: Language;
    messages?: Messages;
  },
) {
  const t = translatorOf(props.language ?? "en", props.messages ?? ENGLISH);
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
    return ratio < AA_NORMAL_TEXT
      ? [t("theme.pair", { text, background, ratio: formatRatio(ratio) })]
      : [];
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
        <p class="theme-sample-title">{t("theme.preview")}</p>
        <p>
          {t("theme.body_text")} <span class="muted">{t("theme.hint")}</span>{" "}
          <a href="#preview">{t("theme.link")}</a>
        </p>
        <button type="button" class="button primary">{t("theme.button")}</button>
        <p class="flash success">{t("theme.saved")}</p>
        <p class="flash warning">{t("theme.warning")}</p>
        <p class="flash error">{t("theme.error")}</p>
      </div>
      <p class={failures.length ? "flash error" : "muted"} aria-live="polite" data-contrast>
        {failures.length
          ? t("theme.below_aa", { ratio: AA_NORMAL_TEXT, failures: failures.join("; ") })
          : t("theme.all_aa")}
      </p>
    </div>
  );
}
