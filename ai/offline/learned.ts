/**
 * @module ai/offline/learned
 * Labels a user taught by correcting a draft from the same sender: "Pack Ref" is this packer's
 * purchase order number. The learned label is looked for like any other (beside, right of or
 * over its value), the value checked by the field's type, and it wins over the vocabulary's
 * reading because the user said so for this sender's layout.
 */
import type { Classification, DraftValue } from "../../domain/documents/draft.ts";
import type { LearnedLabel } from "../extraction.ts";
import type { Line } from "./layout.ts";
import { isLabelCell } from "./pairs.ts";
import { FIELD_CONCEPTS, typed } from "./fields.ts";
import { CONCEPTS, normalizeLabel } from "./vocabulary.ts";

const DATETIME = new Set(["pickup_appointment", "delivery_appointment"]);

function valueOf(lines: Line[], label: string): string | null {
  const want = normalizeLabel(label);
  if (!want) return null;
  for (let i = 0; i < lines.length; i++) {
    const cells = lines[i]!.cells;
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c]!;
      const norm = normalizeLabel(cell.text);
      if (!norm.startsWith(want)) continue;
      const words = label.trim().split(/\s+/).length;
      const rest = cell.text.trim().split(/\s+/).slice(words).join(" ")
        .replace(/^[:#.\s]+/, "").trim();
      if (rest) return rest;
      const right = cells[c + 1];
      if (right && !isLabelCell(right.text)) return right.text;
      const below = lines[i + 1]?.cells.find((b) =>
        b.start < cell.end + 1 && b.end > cell.start - 1
      );
      if (below) return below.text;
    }
  }
  return null;
}

/** The fields that learned labels fill on this page. */
export function applyLearned(
  type: Classification,
  lines: Line[],
  learned: LearnedLabel[],
): Record<string, DraftValue> {
  const plan = FIELD_CONCEPTS[type] ?? {};
  const out: Record<string, DraftValue> = {};
  for (const { label, field, classification } of learned) {
    if (classification && classification !== type) continue;
    const concept = plan[field]?.[0];
    if (!concept || out[field]) continue;
    const raw = valueOf(lines, label);
    const kind = DATETIME.has(field) ? "datetime" : CONCEPTS[concept].kind;
    const t = raw === null ? null : typed(kind, raw);
    if (!t) continue;
    out[field] = { value: t.value, confidence: 0.95, why: "label learned from a correction" };
  }
  return out;
}
