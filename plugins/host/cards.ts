/**
 * @module plugins/host/cards
 * Dashboard cards from plugins: each card's handler answers data plus a declarative spec, a table
 * (`columns`, `rows`) or bars (`bars`: label and value), which the app renders itself; a plugin
 * never sends markup to the dashboard. A card that fails or breaks a limit shows why, alone.
 */
import { z } from "zod";
import type { Executor } from "../../db/transaction.ts";
import type { Installation } from "./installations.ts";
import type { PluginRuntime } from "./runtime.ts";
import { PluginError } from "./sandbox.ts";

const cell = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);
export const cardSpecSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("table"),
    columns: z.array(z.object({ key: z.string().max(60), label: z.string().max(60) })).min(1)
      .max(8),
    rows: z.array(z.record(z.string(), cell)).max(50),
  }),
  z.object({
    kind: z.literal("bars"),
    bars: z.array(z.object({ label: z.string().max(60), value: z.number().min(0) })).max(20),
  }),
]);
export type CardSpec = z.infer<typeof cardSpecSchema>;

export interface RenderedCard {
  plugin: string;
  title: string;
  spec: CardSpec | null;
  error: string | null;
}

/** Every enabled card of the workspace, answered one after the other within 1 s each. */
export async function pluginCards(
  runtime: PluginRuntime,
  tenantId: string,
  today: string,
  installed: Installation[],
  db: Executor,
): Promise<RenderedCard[]> {
  const out: RenderedCard[] = [];
  for (const plugin of installed) {
    for (const card of plugin.manifest.entryPoints.cards) {
      const base = { plugin: plugin.name, title: card.title };
      try {
        const answer = await runtime.call(
          tenantId,
          plugin,
          card.handler,
          {},
          {
            read: db,
            write: null,
          },
          today,
          { timeMs: 1000 },
        );
        const spec = cardSpecSchema.safeParse(answer);
        out.push(
          spec.success
            ? { ...base, spec: spec.data, error: null }
            : { ...base, spec: null, error: "The plugin answered a card the app cannot show." },
        );
      } catch (err) {
        out.push({
          ...base,
          spec: null,
          error: err instanceof PluginError ? err.message : "The card could not be loaded.",
        });
      }
    }
  }
  return out;
}
