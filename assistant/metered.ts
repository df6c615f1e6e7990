/**
 * @module assistant/metered
 * Asking the assistant on a tenant's behalf: the provider this app is configured with, the
 * tenant's business day, and the AI tokens of the answer counted against the plan's monthly
 * allowance (billing/entitlements.ts). Pages and the API call this, so no handler meters usage.
 */
import type { z } from "zod";
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { recordUsage } from "../billing/entitlements.ts";
import { ask, type MessageSchema, type Reply } from "./conversations.ts";
import { activeConfiguration } from "../customization/cache.ts";
import { builtInWords } from "../customization/terms.ts";
import { loadFormatSettings } from "../domain/format.ts";
import { formatsFor, type Language } from "../i18n/mod.ts";

/**
 * Answers `input` for `userId` in the tenant's database and meters the tokens it used. A question
 * in the tenant's words ("open shipments for Polar Freight") is read in the built-in ones. The
 * reply is written in `language` (the asker's), amounts and dates in the workspace's formats.
 */
export async function askForTenant(
  services: Services,
  tenant: { id: string; db: Client; today: string; timeZone: string },
  userId: string,
  input: z.infer<typeof MessageSchema>,
  onDelta?: (text: string) => void,
  language: Language = "en",
): Promise<Reply> {
  const [{ document }, format] = await Promise.all([
    activeConfiguration(services.readCache, tenant.db, tenant.id),
    loadFormatSettings(tenant.db),
  ]);
  const reply = await ask(tenant.db, userId, input, {
    provider: services.chat,
    today: tenant.today,
    onDelta,
    understand: (text) => builtInWords(document, text),
    words: { language, format: formatsFor(format, language), timeZone: tenant.timeZone },
  });
  if (reply.tokens > 0) services.metrics.aiTokens.inc({ feature: "assistant" }, reply.tokens);
  await recordUsage(services, tenant.id, "aiTokensPerMonth", reply.tokens);
  return reply;
}
