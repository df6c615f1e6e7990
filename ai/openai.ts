/**
 * @module ai/openai
 * The OpenAI provider (placeholder until implemented: falls back to offline rules).
 */
import type { Config } from "../config.ts";
import type { ExtractionProvider } from "./provider.ts";
import { offlineProvider } from "./offline/mod.ts";

export function openAiProvider(_config: Config): ExtractionProvider {
  return offlineProvider;
}
