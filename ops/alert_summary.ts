/**
 * @module ops/alert_summary
 * With `OPENAI_API_KEY`, a few plain sentences on top of an alert notification: what changed,
 * what it likely means and where to look first. The statistics decide what fires (ops/anomaly.ts);
 * the model only words it, from the alerts' own fields (rule, workspace slug, signal, value, usual
 * value), never from workspace data. Without a key, or when the call fails or takes longer than
 * 15 seconds, notifications go out without it: an alert is never held back by its summary.
 */
import type { Config } from "../config.ts";
import { lazyOpenAiClient } from "../ai/openai_client.ts";

/** What the summary reads of an alert event (ops/alert_channels.ts sends these). */
export interface SummarizedEvent {
  status: string;
  severity: string;
  rule: string;
  tenant: string | null;
  signal: string;
  value: number | null;
  expected: number | null;
  summary: string;
}

const PROMPT =
  "You help the on-call operator of a multi-tenant SaaS for meat brokers. Given alert " +
  "events as JSON (workspace slug, signal, value, usual value, rule), write at most three short " +
  "plain sentences: what changed, whether several alerts share a cause, and what to check first " +
  "(the workspace's jobs page, recent deploys, its integration). No markdown, no greeting.";

/** Summarizes `events` in plain words, or null (no key, failure, time out). */
export type AlertSummarizer = (events: SummarizedEvent[]) => Promise<string | null>;

/** The summarizer for this configuration: OpenAI when a key is set, else none. */
export function alertSummarizer(
  config: Pick<
    Config,
    "OPENAI_API_KEY" | "OPENAI_BASE_URL" | "OPENAI_MODEL" | "OPENAI_MAX_RETRIES"
  >,
  log?: { warn(message: string, fields?: Record<string, unknown>): void },
): AlertSummarizer {
  if (!config.OPENAI_API_KEY) return () => Promise.resolve(null);
  const client = lazyOpenAiClient({
    apiKey: config.OPENAI_API_KEY,
    baseURL: config.OPENAI_BASE_URL,
    model: config.OPENAI_MODEL,
    timeoutMs: 15_000,
    maxRetries: Math.min(config.OPENAI_MAX_RETRIES, 1),
  });
  return async (events) => {
    if (!events.length) return null;
    try {
      const facts = events.map((e) => ({
        status: e.status,
        severity: e.severity,
        rule: e.rule,
        workspace: e.tenant,
        signal: e.signal,
        value: e.value,
        usual: e.expected,
        summary: e.summary,
      }));
      const res = await (await client()).chat.completions.create({
        model: config.OPENAI_MODEL,
        temperature: 0.2,
        max_tokens: 200,
        messages: [
          { role: "system", content: PROMPT },
          { role: "user", content: JSON.stringify(facts) },
        ],
      });
      const text = res.choices[0]?.message?.content?.trim();
      return text ? text.slice(0, 800) : null;
    } catch (err) {
      log?.warn("alert summary not written", { error: String(err) });
      return null;
    }
  };
}
