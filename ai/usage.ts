/**
 * @module ai/usage
 * A tenant's AI usage by month, provider and model (requests, tokens, cost), kept in the tenant's
 * own database so it can be shown to the tenant and reported on.
 */
import type { Executor } from "../db/transaction.ts";
import type { Usage } from "./provider.ts";

/** Adds one call's usage to this month's counters. */
export async function recordAiUsage(db: Executor, usage: Usage, now = new Date()): Promise<void> {
  await db.execute({
    sql: `INSERT INTO ai_usage (period, provider, model, requests, input_tokens, output_tokens,
            cost_microdollars) VALUES (?, ?, ?, 1, ?, ?, ?)
          ON CONFLICT (period, provider, model) DO UPDATE SET requests = requests + 1,
            input_tokens = input_tokens + excluded.input_tokens,
            output_tokens = output_tokens + excluded.output_tokens,
            cost_microdollars = cost_microdollars + excluded.cost_microdollars`,
    args: [
      now.toISOString().slice(0, 7),
      usage.provider,
      usage.model,
      usage.inputTokens,
      usage.outputTokens,
      usage.costMicrodollars,
    ],
  });
}

/** Usage rows, newest month first. */
export async function aiUsage(db: Executor) {
  const rs = await db.execute("SELECT * FROM ai_usage ORDER BY period DESC, provider, model");
  return rs.rows.map((r) => ({
    period: String(r.period),
    provider: String(r.provider),
    model: String(r.model),
    requests: Number(r.requests),
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costMicrodollars: Number(r.cost_microdollars),
  }));
}
