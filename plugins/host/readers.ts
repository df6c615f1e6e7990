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
import type { Services } from "../../services.ts";
import { businessDay } from "../../domain/clock.ts";

/**
 * What a reader is given: the text, and per page the words with their boxes (API 1.1: `w` and
 * `h`; 1.0 promised `str`, `x`, `y` and gave no pages). Units are the page's own: points for a PDF's
 * text layer, pixels for OCR; y grows down from the top of the page.
 */
export interface ReaderInput {
  name: string;
  text: string;
  pages: Array<{ items: Array<{ str: string; x: number; y: number; w?: number; h?: number }> }>;
}

/** Word boxes, as document reading has them (ai/text.ts), in the readers' shape. */
export function readerPages(
  words: ReadonlyArray<
    ReadonlyArray<{ text: string; x: number; y: number; w: number; h: number }>
  > = [],
): ReaderInput["pages"] {
  // A page's words are capped: a reader's input must stay within the sandbox's message limit.
  return words.map((page) => ({
    items: page.slice(0, 5000).map((w) => ({ str: w.text, x: w.x, y: w.y, w: w.w, h: w.h })),
  }));
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

/**
 * The document reading step for plugins: when the workspace's plan includes plugins and an enabled
 * plugin has a reader that recognises the document, its draft; otherwise null (the built-in
 * reader goes on). A failing reader counts as "not recognised".
 */
export async function pluginReading(
  services: Pick<Services, "billing" | "plugins" | "clock" | "registry" | "control" | "config">,
  tenantId: string | null,
  db: Executor,
  input: ReaderInput,
): Promise<{ plugin: string; raw: RawExtraction } | null> {
  if (!tenantId) return null;
  const billing = await services.billing.current(services, tenantId).catch(() => null);
  if (!billing?.entitlements.plugins) return null;
  const readers = (await services.plugins.enabled(tenantId, db))
    .filter((p) => p.manifest.entryPoints.readers.length > 0);
  if (readers.length === 0) return null;
  const today = businessDay(services.clock, services.registry.timeZoneOf(tenantId));
  return await readWithPlugins(services.plugins, tenantId, today, readers, db, input);
}
