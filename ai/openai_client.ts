/**
 * @module ai/openai_client
 * The OpenAI client both AI features share: document extraction and the chat assistant.
 */
// Only the type at start: the SDK (~27 MB) is loaded when the first request reaches OpenAI.
import type OpenAI from "openai";

export interface OpenAiOptions {
  apiKey: string;
  /** Tests point this at a loopback double. */
  baseURL?: string;
  model: string;
  timeoutMs: number;
  maxRetries: number;
}

/** A client made on first use, then reused. */
export function lazyOpenAiClient(opts: OpenAiOptions): () => Promise<OpenAI> {
  let client: Promise<OpenAI> | null = null;
  return () =>
    client ??= import("openai").then(({ default: OpenAI }) =>
      new OpenAI({
        apiKey: opts.apiKey,
        baseURL: opts.baseURL,
        timeout: opts.timeoutMs,
        maxRetries: opts.maxRetries,
      })
    ).catch((err) => {
      client = null;
      throw err;
    });
}
