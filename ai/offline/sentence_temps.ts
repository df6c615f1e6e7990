/**
 * @module ai/offline/sentence_temps
 * Temperatures a document gives in its instructions rather than beside a label: "Keep at 28 F
 * continuous", "Driver to set reefer to -10°F, do not cycle", "Product was 31 F at receiving". A
 * clerk reads the first as the reefer's set point and the last as the temperature taken at
 * delivery; so does the reader, for fields still empty only (a labelled value, or one found by
 * position, always wins).
 *
 * Read in one cell's text, sentence by sentence: a temperature with its unit (a degree mark,
 * "deg" or F/C after the number), not right after a colon (a label with its value is no
 * sentence). A verb of setting the unit before it in its sentence (set, keep, maintain, run,
 * hold, pre-cool) makes it the set point; the word "temp" or "temperature" with a word of
 * arrival (receiving, receipt, arrival, delivery, unloading) makes it the temperature taken at
 * delivery, with a word of loading (loading, shipping, pickup) the one taken at pickup. At 0.65,
 * "read from a sentence".
 */
import type { Classification, DraftValue } from "../../domain/documents/draft.ts";
import type { Line } from "./layout.ts";
import { parseTemperature } from "./values.ts";

type Reading = "setpoint" | "pickup" | "delivery";

/** Per kind, the field each reading fills. */
const FIELD: Partial<Record<Classification, Partial<Record<Reading, string>>>> = {
  bill_of_lading: { setpoint: "setpoint_temp_f", pickup: "pickup_temp_f" },
  rate_confirmation: { setpoint: "setpoint_temp_f" },
  proof_of_delivery: { delivery: "delivery_temp_f" },
};

const TEMP = /(?<![\d.:])(-?\s?\d{1,2}(?:\.\d)?)\s*(?:°\s*|deg(?:rees)?\.?\s*)?([FC])\b/gi;
const SETTING = /\b(set|sets|keep|maintain|run|hold|pre-?cool(?:ed)?)\b/i;
const TAKEN = /\b(temp|temperature|temps)\b/i;
const ARRIVAL = /\b(receiving|receipt|received|arrival|arrived|delivery|delivered|unloading)\b/i;
const LOADING = /\b(loading|loaded|shipping|shipped|pickup|pick-?up)\b/i;
const SENTENCE_END = /[.!?;]\s+|\s{3,}/;

/** The readings of one cell's text, in reading order. */
export function tempsSaid(text: string): Array<{ reading: Reading; value: number }> {
  const out: Array<{ reading: Reading; value: number }> = [];
  let from = 0;
  for (const m of text.matchAll(TEMP)) {
    const before = text.slice(from, m.index);
    from = m.index! + m[0].length;
    // "Label: 28 F" is a label with its value, not a sentence.
    if (/:\s*$/.test(before)) continue;
    const sentence = before.split(SENTENCE_END).pop()!;
    const value = parseTemperature(m[0]);
    if (value === null || value < -40 || value > 80) continue;
    if (SETTING.test(sentence)) out.push({ reading: "setpoint", value });
    else if (TAKEN.test(sentence) && ARRIVAL.test(sentence)) {
      out.push({ reading: "delivery", value });
    } else if (TAKEN.test(sentence) && LOADING.test(sentence)) {
      out.push({ reading: "pickup", value });
    }
  }
  return out;
}

/** The temperature fields of kind `type` still empty in `fields` that a sentence gives. */
export function sentenceTemps(
  type: Classification,
  lines: Line[],
  fields: Record<string, DraftValue>,
): Record<string, DraftValue & { why: string }> {
  const map = FIELD[type] ?? {};
  const out: Record<string, DraftValue & { why: string }> = {};
  for (const cell of lines.flatMap((l) => l.cells)) {
    for (const said of tempsSaid(cell.text)) {
      const field = map[said.reading];
      if (!field || fields[field] || out[field]) continue;
      out[field] = { value: said.value, confidence: 0.65, why: "read from a sentence" };
    }
  }
  return out;
}
