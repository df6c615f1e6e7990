/**
 * @module ai/provider
 * The one interface every document provider implements: given a document's text (untrusted),
 * return its classification and raw field values. `offline` is deterministic and local; `openai`
 * asks a model for structured output validated by zod. Either way the result only ever becomes a
 * draft through `finalizeDraft`.
 */
import type { Config } from "../config.ts";
import { offlineProvider } from "./offline/mod.ts";
import { openAiProvider } from "./openai.ts";

export type { ExtractionInput, ExtractionProvider, Usage } from "./extraction.ts";
import type { ExtractionProvider } from "./extraction.ts";

/** The provider this process uses: openai when configured (and a key is set), else offline. */
export function providerFor(config: Config): ExtractionProvider {
  const wanted = config.AI_PROVIDER ?? (config.OPENAI_API_KEY ? "openai" : "offline");
  if (wanted === "openai" && config.OPENAI_API_KEY) return openAiProvider(config);
  return offlineProvider;
}
