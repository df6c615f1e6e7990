/**
 * @module ai/process
 * The "document.process" job: reads the stored file, gets its text (PDF text layer or OCR),
 * asks the configured provider for a classification and fields, turns that into a checked draft
 * and puts the document up for review. Idempotent: a document already processed is left alone,
 * so a job run twice after a crash changes nothing more. A file that cannot be read is marked
 * failed at once (retrying would not help); other errors retry, and the last attempt marks it.
 * Budgets: only the first DOCUMENT_MAX_PAGES pages are read (the draft says so), and a reading
 * that runs out of the job's time is stopped and marked failed with that reason.
 */
import { type JobContext, JobTimeoutError } from "../workers/runner.ts";
import { AppError } from "../domain/errors.ts";
import { finalizeDraft } from "../domain/documents/draft.ts";
import { getDocument, saveExtraction, setStatus } from "../domain/documents/repository.ts";
import { documentText } from "./text.ts";
import { learnedLabels } from "../domain/documents/layout_memory.ts";
import { imageLimits } from "../domain/documents/image_size.ts";
import { type ExtractionProvider, providerFor } from "./provider.ts";
import { offlineProvider } from "./offline/mod.ts";
import { recordAiUsage } from "./usage.ts";
import { mayUseAiTokens, recordUsage } from "../billing/entitlements.ts";
import type { Services } from "../services.ts";
import { pluginReading, readerPages } from "../plugins/host/readers.ts";
import { activeConfiguration } from "../customization/cache.ts";
import { withCustomFields } from "../customization/fields.ts";

const OPEN = new Set(["queued", "processing", "failed"]);

/** Runs the processing of one document (the job handler). */
export async function processDocumentJob(
  { job, services, tenantDb, signal, control }: JobContext,
): Promise<void> {
  if (!tenantDb) throw new Error("document.process needs a tenant.");
  const id = String(job.payload.document_id ?? "");
  const doc = await getDocument(tenantDb, id).catch(() => null);
  if (!doc || !OPEN.has(doc.status)) return;
  await setStatus(tenantDb, id, "processing", null, services.clock);
  const started = performance.now();
  try {
    const bytes = await services.storage.get(doc.storage_key);
    const reading = performance.now();
    const text = await documentText(bytes, doc.content_type, {
      ocr: services.config.OCR_ENABLED,
      maxPages: services.config.DOCUMENT_MAX_PAGES,
      imageLimits: imageLimits(services.config),
      signal,
    });
    countReading(services, text.method, text.pages, (performance.now() - reading) / 1000);
    signal.throwIfAborted();
    if (text.method === "none") {
      await saveExtraction(tenantDb, id, {
        status: "needs_ocr",
        message: text.reason ?? "No text could be read.",
        pages: text.pages,
        textMethod: text.method,
        text: "",
        classification: "other",
        confidence: 0,
        provider: "none",
        draft: { collection: null, fields: {}, lines: [], parties: {}, refs: {}, warnings: [] },
        ms: Math.round(performance.now() - started),
      }, services.clock);
      return;
    }
    // A plugin's reader for a layout the built-in reader does not know goes first (plugins/).
    const fromPlugin = await pluginReading(services, job.tenantId, tenantDb, {
      name: doc.name,
      text: text.text,
      pages: readerPages(text.words),
    });
    const { provider, warning } = fromPlugin
      ? { provider: null, warning: null }
      : await providerForTenant(services, job.tenantId);
    // The workspace's custom fields: the reader fills them, the draft's check knows them.
    const customFields = job.tenantId
      ? (await activeConfiguration(services.readCache, tenantDb, job.tenantId)).document
        .custom_fields
      : undefined;
    const { raw, usage } = fromPlugin
      ? { raw: fromPlugin.raw, usage: undefined }
      : await provider!.extract({
        text: text.text,
        pages: text.pages,
        name: doc.name,
        method: text.method,
        us: await workspaceName(job.tenantId, control),
        learned: await learnedLabels(tenantDb, text.text),
        customFields,
      });
    const draft = await finalizeDraft(tenantDb, raw, {
      recordType: (def) => withCustomFields(def, customFields),
    });
    if (text.reason) draft.warnings.unshift(text.reason);
    if (warning) draft.warnings.unshift(warning);
    await saveExtraction(tenantDb, id, {
      status: "review",
      message: null,
      pages: text.pages,
      textMethod: text.method,
      text: text.text.slice(0, 200_000),
      classification: raw.classification,
      confidence: raw.confidence,
      provider: fromPlugin ? `plugin:${fromPlugin.plugin}` : provider!.name,
      draft,
      ms: Math.round(performance.now() - started),
    }, services.clock);
    if (usage) {
      services.metrics.aiTokens.inc(
        { feature: "documents" },
        usage.inputTokens + usage.outputTokens,
      );
      services.metrics.aiCost.inc({ feature: "documents" }, usage.costMicrodollars / 1e6);
      await recordAiUsage(tenantDb, usage);
      // The plan's monthly AI allowance counts the same tokens (billing/entitlements.ts).
      if (job.tenantId) {
        await recordUsage(
          services,
          job.tenantId,
          "aiTokensPerMonth",
          usage.inputTokens + usage.outputTokens,
        );
      }
    }
  } catch (err) {
    if (signal.aborted) {
      // Out of time: say so on the document and end the job (another attempt would time out
      // too). Handed back or taken over: leave the document to the worker that runs it next.
      if (!(signal.reason instanceof JobTimeoutError)) throw err;
      await setStatus(tenantDb, id, "failed", timedOut(signal.reason.seconds), services.clock);
      return;
    }
    const permanent = err instanceof AppError && err.status < 500;
    const last = job.attempts >= job.maxAttempts;
    if (permanent || last) {
      const message = err instanceof Error ? err.message : String(err);
      await setStatus(tenantDb, id, "failed", message.slice(0, 500), services.clock);
    }
    if (!permanent) throw err;
  }
}

/** The workspace's name (an invoice billed to it is a bill to pay); null when unknown. */
async function workspaceName(
  tenantId: string | null,
  control: JobContext["control"],
): Promise<string | undefined> {
  if (!tenantId) return undefined;
  const rs = await control.execute({
    sql: "SELECT name FROM tenants WHERE id = ?",
    args: [tenantId],
  })
    .catch(() => null);
  const name = rs?.rows[0]?.name;
  return typeof name === "string" ? name : undefined;
}

/** Pages read and, when OCR read some of them, the reading's seconds (ops/metrics.ts). */
function countReading(services: Services, method: string, pages: number, seconds: number): void {
  if (pages > 0) services.metrics.documentPages.inc({ method }, pages);
  if (method.includes("ocr")) services.metrics.ocrSeconds.inc(seconds);
}

/** The document's message when reading it ran out of time. */
export function timedOut(seconds: number): string {
  return `Reading this document took longer than ${seconds} seconds (the limit per document) ` +
    "and was stopped. Split it into smaller files, or upload only the pages that matter.";
}

/**
 * The configured provider, unless it spends AI tokens and the tenant's monthly allowance is used
 * up (or the workspace is read-only): then the offline rules, which use none, so the document is
 * still read.
 */
async function providerForTenant(
  services: Services,
  tenantId: string | null,
): Promise<{ provider: ExtractionProvider; warning: string | null }> {
  const provider = providerFor(services.config);
  if (provider === offlineProvider || !tenantId) return { provider, warning: null };
  const tokens = await mayUseAiTokens(services, tenantId);
  if (tokens.allowed) return { provider, warning: null };
  return {
    provider: offlineProvider,
    warning: "Read by the built-in rules: this month's AI allowance is used up.",
  };
}
