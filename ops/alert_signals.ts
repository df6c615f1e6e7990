/**
 * @module ops/alert_signals
 * The signals alert rules watch, sampled per 5-minute bucket from the control database: every
 * machine's request tally (ops/request_tally.ts), jobs that died, workspace exports. Each signal
 * has the detector options that suit it (ops/anomaly.ts). Signals that live in the workspaces'
 * own databases (failed sign-ins, invoices created, extraction confidence) are not sampled yet:
 * reading them would open every workspace database every 5 minutes.
 */
import type { Client } from "../db/client.ts";
import { DETECTOR_DEFAULTS, type DetectorOptions } from "./anomaly.ts";

/** Length of one evaluated bucket. */
export const BUCKET_MS = 5 * 60_000;

export const SIGNALS = ["error_rate", "latency", "job_failures", "exports"] as const;
export type Signal = typeof SIGNALS[number];

/** One series' value in a bucket: `events` is what a rate or mean stands on (requests). */
export interface Sample {
  /** The workspace's slug, or `service` for the service-wide series. */
  series: string;
  tenantSlug: string | null;
  value: number;
  events: number;
}

/** How each signal is described, formatted and judged. */
export const SIGNAL_INFO: Record<
  Signal,
  { label: string; format: (v: number) => string; detector: DetectorOptions }
> = {
  error_rate: {
    label: "error rate (5xx share of requests)",
    format: (v) => `${(v * 100).toFixed(1)}%`,
    detector: DETECTOR_DEFAULTS.rate,
  },
  latency: {
    label: "mean response time",
    format: (v) => `${Math.round(v)} ms`,
    detector: { ...DETECTOR_DEFAULTS.level, minScale: 10, minDelta: 100, minEvents: 20 },
  },
  job_failures: {
    label: "jobs that failed for good",
    format: (v) => String(v),
    detector: { ...DETECTOR_DEFAULTS.count, slots: 1, warmup: 24, minDelta: 3 },
  },
  exports: {
    label: "workspace exports",
    format: (v) => String(v),
    detector: { ...DETECTOR_DEFAULTS.count, minDelta: 3 },
  },
};

const minute = (d: Date) => d.toISOString().slice(0, 16);

/** Samples `signal` in [from, to) per workspace (`tenant`) or for the whole service. */
export async function sampleSignal(
  control: Client,
  signal: Signal,
  scope: "tenant" | "service",
  from: Date,
  to: Date,
): Promise<Sample[]> {
  const perTenant = scope === "tenant";
  if (signal === "error_rate" || signal === "latency") {
    const rs = await control.execute({
      sql: `SELECT ${perTenant ? "tenant" : "'service'"} AS series, SUM(requests) AS requests,
              SUM(errors) AS errors, SUM(latency_ms) AS ms
            FROM ops_request_tally WHERE minute >= ? AND minute < ?
            ${perTenant ? "AND tenant != '' GROUP BY tenant" : ""}`,
      args: [minute(from), minute(to)],
    });
    return rs.rows.filter((r) => Number(r.requests) > 0).map((r) => {
      const requests = Number(r.requests);
      return {
        series: String(r.series),
        tenantSlug: perTenant ? String(r.series) : null,
        value: signal === "error_rate" ? Number(r.errors) / requests : Number(r.ms) / requests,
        events: requests,
      };
    });
  }
  const sql = signal === "job_failures"
    ? `SELECT ${perTenant ? "t.slug" : "'service'"} AS series, COUNT(*) AS n FROM jobs j
       ${perTenant ? "JOIN tenants t ON t.id = j.tenant_id" : ""}
       WHERE j.status = 'dead' AND j.updated_at >= ? AND j.updated_at < ?
       ${perTenant ? "GROUP BY t.slug" : ""}`
    : `SELECT ${perTenant ? "t.slug" : "'service'"} AS series, COUNT(*) AS n
       FROM workspace_exports e ${perTenant ? "JOIN tenants t ON t.id = e.tenant_id" : ""}
       WHERE e.created_at >= ? AND e.created_at < ? ${perTenant ? "GROUP BY t.slug" : ""}`;
  const rs = await control.execute({ sql, args: [from.toISOString(), to.toISOString()] });
  return rs.rows.filter((r) => Number(r.n) > 0).map((r) => ({
    series: String(r.series),
    tenantSlug: perTenant ? String(r.series) : null,
    value: Number(r.n),
    events: Number(r.n),
  }));
}
