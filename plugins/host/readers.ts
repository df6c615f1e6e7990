/**
 * @module plugins/host/readers
 * Document readers from plugins: the document's text and the positions of its words go in, a
 * draft comes out in the shape the built-in readers give (domain/documents/draft.ts), checked here
 * before anything uses it. The first enabled reader that says `matched` wins.
 */
import { z } from "zod";
import { CLASSIFICATIONS, type RawExtraction } from "../../domain/documents/draft.ts";
import type { Executor } from "../../db/transaction.ts";
import type { Installation } from "./installations.ts";
import type { PluginRuntime } from "./runtime.ts";

/** What a reader is given: the text, and per page the words with their positions. */
export interface ReaderInput {
  name: string;
  text: string;
  pages: Array<{ items: Array<{ str: string; x: number; y: number }> }>;
}

const scalar = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
const value = z.object({ value: scalar, confidence: z.number().min(0).max(1) });
const answerSchema = z.union([
  z.object({ matched: z.literal(false) }).passthrough(),
  z.object({
    matched: z.literal(true),
    classification: z.enum(CLASSIFICATIONS),
    confidence: z.number().min(0).max(1),
    fields: z.record(z.string(), value).default({}),
    lines: z.array(z.record(z.string(), value)).max(500).default([]),
    parties: z.record(
      z.string(),
      z.object({
        name: z.string().max(300).nullable(),
        est_number: z.string().max(20).nullable().optional(),
        mc_number: z.string().max(20).nullable().optional(),
        dot_number: z.string().max(20).nullable().optional(),
        confidence: z.number().min(0).max(1),
      }),
    ).default({}),
    refs: z.record(z.string(), z.object({ number: z.string().max(60), confidence: z.number() }))
      .default({}),
    warnings: z.array(z.string().max(300)).max(20).default([]),
  }),
]);

/** Asks each enabled reader in turn; the first match as a raw extraction, or null. */
export async function readWithPlugins(
  runtime: PluginRuntime,
  tenantId: string,
  today: string,
  installed: Installation[],
  db: Executor,
  input: ReaderInput,
): Promise<{ plugin: string; raw: RawExtraction } | null> {
  for (const plugin of installed) {
    for (const reader of plugin.manifest.entryPoints.readers) {
      const answer = answerSchema.safeParse(
        await runtime.call(
          tenantId,
          plugin,
          reader.handler,
          input,
          { read: db, write: null },
          today,
        )
          .catch(() => ({ matched: false })),
      );
      if (!answer.success || !answer.data.matched) continue;
      const { matched: _matched, ...raw } = answer.data;
      return { plugin: plugin.name, raw: raw as RawExtraction };
    }
  }
  return null;
}
