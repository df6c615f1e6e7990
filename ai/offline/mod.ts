/**
 * @module ai/offline
 * The default provider: rules, no network, the same answer every time.
 */
import type { ExtractionProvider } from "../extraction.ts";
import { classify } from "./classify.ts";
import { extractFields } from "./extract.ts";

export const offlineProvider: ExtractionProvider = {
  name: "offline",
  extract(input) {
    const { type, confidence, unsure } = classify(input.text, { us: input.us });
    const extracted = extractFields(type, input.text, {
      ocr: input.method?.includes("ocr") ?? false,
      learned: input.learned,
      customFields: input.customFields,
      us: input.us,
    });
    const warnings = [...(unsure ? [unsure] : []), ...(extracted.warnings ?? [])];
    // Names and numbers read from an image are checked by a person: OCR confuses letters.
    if (input.method?.includes("ocr")) {
      for (const p of Object.values(extracted.parties)) p.confidence = Math.min(p.confidence, 0.75);
      for (const r of Object.values(extracted.refs)) r.confidence = Math.min(r.confidence, 0.75);
    }
    return Promise.resolve({
      raw: { classification: type, confidence, ...extracted, warnings },
    });
  },
};
