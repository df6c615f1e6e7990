/**
 * @module ai/offline/custom
 * A workspace's own fields read from a document: the field's label, or one of the other labels
 * its configuration lists (`document_labels`), beside its value ("Container No: MSCU1234567",
 * "Cntr #   MSCU1234567") or above it (a row of labels over a row of values). Labels are compared
 * as the vocabulary compares them (case, punctuation and "No"/"#"/"Number" ignored), then loosely
 * (two letters off) at a lower confidence. The value is read as the field's type and must match
 * its `document_pattern` (its first match is taken) and its `pattern`; with no label found, a
 * `document_pattern` alone finds the value anywhere on the page, at a low confidence a reviewer
 * sees. The reader knows nothing of the document's layout: no rule here is written for one.
 */
import type { DraftValue } from "../../domain/documents/draft.ts";
import type { CustomFieldSpec } from "../../customization/document/fields_schema.ts";
import { tenantPattern } from "../../customization/document/patterns.ts";
import type { Cell, Line } from "./layout.ts";
import { typed } from "./fields.ts";
import { isLabelCell } from "./pairs.ts";
import { editDistance, normalizeLabel } from "./vocabulary.ts";

interface Spot {
  value: string;
  label: string;
  where: "beside" | "above";
  loose: boolean;
}

/** How sure a reading is, by how its label matched and where its value sat. */
const CONFIDENCE = { beside: 0.9, above: 0.85, loose: 0.7, pattern: 0.6 } as const;

/** A cell that is a label, never a value: marked with ":" or "#", or one the vocabulary knows. */
function labelCell(text: string): boolean {
  return /[:#]\s*$/.test(text) || isLabelCell(text);
}

/** A row of labels (short, no digits, marked or in capitals): its values are on the next row. */
function headerRow(line: Line): boolean {
  return line.cells.length > 1 &&
    line.cells.every((c) =>
      c.text.length < 40 && !/\d/.test(c.text) &&
      (/[:#.]\s*$/.test(c.text) || c.text === c.text.toUpperCase())
    );
}

function below(lines: Line[], i: number, cell: Cell): string | null {
  for (let j = i + 1; j < Math.min(lines.length, i + 3); j++) {
    const found = lines[j]!.cells.find((c) =>
      Math.abs(c.start - cell.start) <= 3 || (c.start < cell.end + 1 && c.end > cell.start - 1)
    );
    if (found) return found.text;
  }
  return null;
}

/** Does `head` (a cell's first words) name the field: exactly, loosely, or not at all. */
function matches(head: string, wanted: string[]): "exact" | "loose" | null {
  const norm = normalizeLabel(head);
  if (!norm) return null;
  if (wanted.includes(norm)) return "exact";
  return norm.length >= 6 && wanted.some((w) => w.length >= 6 && editDistance(norm, w, 2) <= 2)
    ? "loose"
    : null;
}

/** Every place a label of the field sits with a value beside or under it, best first. */
function spots(lines: Line[], labels: string[]): Spot[] {
  const wanted = [...new Set(labels.map(normalizeLabel).filter(Boolean))];
  const out: Spot[] = [];
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.cells;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!;
      const text = cell.text.replace(/#(?=\S)/g, "# ").replace(/(?<=[A-Za-z.)]):(?=\S)/g, ": ");
      const colon = /^([^:]{1,40}?)\s*:\s*(.*)$/.exec(text);
      const words = text.split(/\s+/);
      const heads = colon
        ? [[colon[1]!, colon[2]!]]
        : [...Array(Math.min(6, words.length)).keys()].map((i) => {
          const k = Math.min(6, words.length) - i; // the longest run of first words first
          return [words.slice(0, k).join(" "), words.slice(k).join(" ")];
        });
      for (const [head, rest] of heads) {
        const how = matches(head!, wanted);
        if (!how) continue;
        const loose = how === "loose";
        const inline = rest!.replace(/^[:#.\-–\s]+/, "").trim();
        if (inline) out.push({ value: inline, label: head!, where: "beside", loose });
        else {
          const right = headerRow(lines[i]!) ? undefined : cells[c + 1];
          if (right && !labelCell(right.text)) {
            out.push({ value: right.text, label: head!, where: "beside", loose });
          }
          const under = below(lines, i, cell);
          if (under && !labelCell(under)) {
            out.push({ value: under, label: head!, where: "above", loose });
          }
        }
        break;
      }
    }
  }
  return out.sort((a, b) => Number(a.loose) - Number(b.loose));
}

/** The value as the field's type; null when it is not one. */
export function customValue(spec: CustomFieldSpec, raw: string): string | number | boolean | null {
  let text = raw.trim();
  if (spec.document_pattern) {
    const m = tenantPattern(spec.document_pattern).first(text);
    if (m === null) return null;
    text = m;
  }
  switch (spec.type) {
    case "text": {
      const value = typed("text", text)?.value;
      if (typeof value !== "string") return null;
      if (spec.pattern && !tenantPattern(spec.pattern).test(value)) return null;
      return value;
    }
    case "number": {
      const m = /-?\d[\d,]*(\.\d+)?/.exec(text);
      const n = m ? Number(m[0].replace(/,/g, "")) : NaN;
      return Number.isFinite(n) ? n : null;
    }
    case "money":
    case "date": {
      const value = typed(spec.type, text)?.value;
      return value === undefined ? null : value;
    }
    case "yes_no":
      return /^(y|yes|true|x|✓|✔)$/i.test(text)
        ? true
        : /^(n|no|false)$/i.test(text)
        ? false
        : null;
    case "choice":
      return spec.choices.find((c) => c.toLowerCase() === text.toLowerCase()) ?? null;
    default: // multi-choice and links are chosen by the reviewer
      return null;
  }
}

function readOne(spec: CustomFieldSpec, lines: Line[]): DraftValue | null {
  for (const spot of spots(lines, [spec.label, ...spec.document_labels])) {
    const value = customValue(spec, spot.value);
    if (value === null) continue;
    const label = spot.label.trim().replace(/[\s:#]+$/, "");
    return spot.loose
      ? {
        value,
        confidence: CONFIDENCE.loose,
        why: `label matched loosely ("${label}" for ${spec.label})`,
      }
      : { value, confidence: CONFIDENCE[spot.where], why: `label "${label}" ${spot.where} it` };
  }
  if (!spec.document_pattern) return null;
  const re = tenantPattern(spec.document_pattern); // RE2: linear time, whatever the tenant wrote
  for (const line of lines) {
    for (const m of re.all(line.text)) {
      const value = customValue(spec, m);
      if (value !== null) {
        return { value, confidence: CONFIDENCE.pattern, why: "found by its pattern, no label" };
      }
    }
  }
  return null;
}

/** The custom fields of the document's record type that its text fills. */
export function readCustomFields(
  specs: readonly CustomFieldSpec[],
  lines: Line[],
  opts: { ocr?: boolean } = {},
): Record<string, DraftValue> {
  const out: Record<string, DraftValue> = {};
  for (const spec of specs) {
    const found = readOne(spec, lines);
    if (!found) continue;
    // Names and numbers read from an image are checked by a person: OCR confuses letters.
    out[spec.key] = opts.ocr && found.confidence > 0.75
      ? { ...found, confidence: 0.75, why: `${found.why}; read by OCR` }
      : found;
  }
  return out;
}
