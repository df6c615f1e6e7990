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
    });
    const warnings = unsure ? [unsure] : [];
    return Promise.resolve({
      raw: { classification: type, confidence, ...extracted, warnings },
    });
  },
};
