/**
 * @module ops/metrics
 * The service's Prometheus metrics (docs/operations/metrics.md lists each one). One registry per
 * Services, never prom-client's global default, so two apps in one test process never share a
 * counter. Three ways values arrive:
 * - counted where they happen (requests, webhooks, documents, AI tokens, signups, job attempts);
 * - counters kept by their owner and read at scrape (the pool's opens and evictions, the read
 *   cache's hits and misses): the hot paths add one to a plain field, nothing more;
 * - gauges queried at scrape (jobs by kind and state, tenants, seats): two grouped queries on the
 *   control database per scrape, not work per job.
 * The `tenant` label follows ops/tenant_labels.ts: the busiest N by name, the rest `other`.
 */
import { Counter, Gauge, Registry } from "prom-client";
import {
  type CounterSeries,
  type HistogramSeries,
  KeyedCounter,
  KeyedHistogram,
} from "./keyed_metrics.ts";
import type { Client } from "../db/client.ts";
import type { ReadCache } from "../domain/read_cache.ts";
import type { TenantPool } from "../tenants/pool.ts";
import { TenantLabels } from "./tenant_labels.ts";
import { RequestTally, type Tally } from "./request_tally.ts";

/** What a scrape reads besides the counters: the pool, the read cache and the control database. */
export interface ScrapeSources {
  pool: TenantPool;
  readCache: ReadCache;
  control: Client;
}

type Counted = { opens: number; evictions: number; hits: number; misses: number };

/** The methods counted by name; any other is `other`. */
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
/** `status_class` by hundreds, made once rather than per request. */
const STATUS_CLASSES = Array.from({ length: 10 }, (_, i) => `${i}xx`);

/** The index of `method` in METHODS, or METHODS.length for any other method. */
function methodIndex(method: string): number {
  switch (method) {
    case "GET":
      return 0;
    case "HEAD":
      return 1;
    case "POST":
      return 2;
    case "PUT":
      return 3;
    case "PATCH":
      return 4;
    case "DELETE":
      return 5;
    case "OPTIONS":
      return 6;
    default:
      return METHODS.length;
  }
}

/** The series of one route template and method, and its request counters by status class. */
interface RouteSeries {
  method: string;
  latency: HistogramSeries<"route" | "method">;
  /** By `status / 100`: the request counter's series by tenant label. */
  byClass: (Map<string, CounterSeries<RequestLabel>> | undefined)[];
}

type RequestLabel = "route" | "method" | "status_class" | "tenant";

/**
 * What a tenant's slot keeps (ops/tenant_labels.ts clears it when the tenant's label changes):
 * the series its requests go to, its alert tally entry, and the last route it answered.
 */
interface SlotSeries {
  latency: HistogramSeries<"tenant">;
  tally: Tally;
  /** The tally's generation `tally` was read in; another one means it was taken since. */
  tallyGeneration: number;
  route: string | undefined;
  method: string | undefined;
  statusClass: number;
  byRoute: RouteSeries | undefined;
  requests: CounterSeries<RequestLabel> | undefined;
}
/** Seconds: a cached API read is ~1 ms, a cold tenant ~50 ms, a large upload seconds. */
const LATENCY_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The route label: Hono's matched template, `unmatched` when no route answered. */
export function routeLabel(routePath: string | undefined): string {
  return !routePath || routePath === "*" || routePath === "/*" ? "unmatched" : routePath;
}

/** Every metric of one running app or worker, in its own registry. */
export class Metrics {
  readonly registry = new Registry();
  readonly tenants: TenantLabels<SlotSeries>;
  /** Every workspace's requests and errors since the last flush, for the alerts (not top N). */
  readonly tally = new RequestTally();
  /** The owners' counters at the last scrape: each scrape adds the difference. */
  #counted: Counted = { opens: 0, evictions: 0, hits: 0, misses: 0 };
  /** The request series by route template, then by method (its index in METHODS). */
  #routes = new Map<string, (RouteSeries | undefined)[]>();
  /** The tenant histogram's series by tenant label. */
  #byTenant = new Map<string, HistogramSeries<"tenant">>();

  // Counted on every request through series handles kept in the maps above (ops/keyed_metrics.ts).
  readonly requests: KeyedCounter<RequestLabel>;
  readonly latency: KeyedHistogram<"route" | "method">;
  readonly tenantLatency: KeyedHistogram<"tenant">;
  readonly rateLimited: Counter<"tenant">;
  readonly poolOpen: Gauge;
  readonly poolCapacity: Gauge;
  readonly poolOpens: Counter;
  readonly poolEvictions: Counter;
  readonly cacheHits: Counter;
  readonly cacheMisses: Counter;
  readonly jobs: Gauge<"kind" | "state">;
  readonly jobsOldestQueued: Gauge<"kind">;
  readonly jobAttempts: Counter<"kind" | "outcome">;
  readonly webhookEvents: Counter<"type" | "outcome">;
  readonly outboundWebhooks: Counter<"outcome">;
  readonly documentPages: Counter<"method">;
  readonly ocrSeconds: Counter;
  readonly aiTokens: Counter<"feature">;
  readonly aiCost: Counter<"feature">;
  readonly signups: Counter;
  readonly tenantsByStatus: Gauge<"status">;
  readonly tenantsRecent: Gauge;
  readonly seats: Gauge;
  readonly scrapeErrors: Counter;

  constructor(topTenants: number) {
    this.tenants = new TenantLabels<SlotSeries>(topTenants);
    const registers = [this.registry];
    const counter = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Counter<L>({ name, help, labelNames, registers });
    const gauge = <L extends string>(name: string, help: string, labelNames: L[] = []) =>
      new Gauge<L>({ name, help, labelNames, registers });
    this.requests = new KeyedCounter(
      "pm_http_requests_total",
      "HTTP requests by route template, method, status class and tenant (busiest N, else other).",
      this.registry,
    );
    this.latency = new KeyedHistogram(
      "pm_http_request_duration_seconds",
      "Time to answer a request, by route template and method.",
      LATENCY_BUCKETS,
      this.registry,
    );
    this.tenantLatency = new KeyedHistogram(
      "pm_tenant_request_duration_seconds",
      "Time to answer a request, by tenant (busiest N, else other).",
      LATENCY_BUCKETS,
      this.registry,
    );
    this.rateLimited = counter(
      "pm_rate_limited_requests_total",
      "Requests refused with 429 (per-IP or per-tenant rate limit), by tenant.",
      ["tenant"],
    );
    this.poolOpen = gauge("pm_tenant_pool_open", "Tenant databases open in the pool now.");
    this.poolCapacity = gauge("pm_tenant_pool_capacity", "Most tenant databases kept open.");
    this.poolOpens = counter("pm_tenant_pool_opens_total", "Tenant databases opened (cold).");
    this.poolEvictions = counter(
      "pm_tenant_pool_evictions_total",
      "Tenant databases closed to make room (least recently used).",
    );
    this.cacheHits = counter("pm_read_cache_hits_total", "Reads answered from the read cache.");
    this.cacheMisses = counter("pm_read_cache_misses_total", "Reads computed (cache missed).");
    this.jobs = gauge("pm_jobs", "Jobs by kind and state (queued, running, dead).", [
      "kind",
      "state",
    ]);
    this.jobsOldestQueued = gauge(
      "pm_jobs_oldest_queued_age_seconds",
      "Age of the oldest due job still waiting, by kind (0 when none waits).",
      ["kind"],
    );
    this.jobAttempts = counter(
      "pm_job_attempts_total",
      "Job attempts finished by this process, by kind and outcome (done, retry, dead, lost).",
      ["kind", "outcome"],
    );
    this.webhookEvents = counter(
      "pm_webhook_events_total",
      "Stripe webhook deliveries by event type and outcome (accepted, duplicate, rejected).",
      ["type", "outcome"],
    );
    this.outboundWebhooks = counter(
      "pm_outbound_webhook_attempts_total",
      "Attempts to deliver workspaces' outbound webhooks, by outcome (delivered, failed).",
      ["outcome"],
    );
    this.documentPages = counter(
      "pm_document_pages_total",
      "Document pages read, by how (pdf, ocr, pdf+ocr, text, csv, none).",
      ["method"],
    );
    this.ocrSeconds = counter("pm_ocr_seconds_total", "Seconds spent reading documents by OCR.");
    this.aiTokens = counter("pm_ai_tokens_total", "AI tokens used, by feature.", ["feature"]);
    this.aiCost = counter("pm_ai_cost_dollars_total", "AI cost in US dollars, by feature.", [
      "feature",
    ]);
    this.signups = counter("pm_signups_total", "Workspaces created by signup in this process.");
    this.tenantsByStatus = gauge("pm_tenants", "Workspaces by status (active, suspended).", [
      "status",
    ]);
    this.tenantsRecent = gauge(
      "pm_tenants_recently_active",
      "Workspaces with requests to this process lately (the ones its tenant ranking remembers).",
    );
    this.seats = gauge("pm_seats", "Seats in use: memberships across all workspaces.");
    this.scrapeErrors = counter(
      "pm_metrics_collect_errors_total",
      "Scrapes whose control-database queries failed (their gauges kept the last values).",
    );
  }

  /**
   * Counts one answered request (http/middleware.ts calls it for every response). Once a route,
   * method, status class and tenant have been seen, this makes no string, no object and no map
   * entry. The tenant's slot (one map lookup by the slug the tenant record holds) keeps its
   * series and its tally entry, and the series of the last route, method and status class it
   * answered; only a different route looks further, through maps keyed by the route template
   * Hono registered and the tenant label, strings whose hash V8 keeps on them.
   */
  observeRequest(
    method: string,
    route: string,
    status: number,
    tenantSlug: string | undefined,
    seconds: number,
  ): void {
    const slot = this.tenants.slotFor(tenantSlug);
    const mine = slot.cache ??= this.#slotSeries(slot.label);
    if (mine.tallyGeneration !== this.tally.generation) {
      mine.tally = this.tally.entryFor(tenantSlug);
      mine.tallyGeneration = this.tally.generation;
    }
    RequestTally.count(mine.tally, status, seconds);
    const cls = (status / 100) | 0;
    if (mine.route !== route || mine.method !== method || mine.statusClass !== cls) {
      mine.byRoute = this.#route(method, route);
      mine.requests = this.#requestSeries(mine.byRoute, route, cls, slot.label);
      mine.route = route;
      mine.method = method;
      mine.statusClass = cls;
    }
    this.latency.observe(mine.byRoute!.latency, seconds);
    this.requests.inc(mine.requests!);
    this.tenantLatency.observe(mine.latency, seconds);
    if (status === 429) this.rateLimited.inc({ tenant: slot.label });
  }

  /** What a tenant's slot keeps for a new label: its latency series and nothing counted yet. */
  #slotSeries(label: string): SlotSeries {
    let latency = this.#byTenant.get(label);
    if (!latency) this.#byTenant.set(label, latency = this.tenantLatency.open({ tenant: label }));
    return {
      latency,
      tally: undefined!,
      tallyGeneration: -1,
      route: undefined,
      method: undefined,
      statusClass: -1,
      byRoute: undefined,
      requests: undefined,
    };
  }

  /** The request counter's series of a route and method, status class and tenant label. */
  #requestSeries(
    byRoute: RouteSeries,
    route: string,
    cls: number,
    label: string,
  ): CounterSeries<RequestLabel> {
    const byTenant = byRoute.byClass[cls] ??= new Map();
    let series = byTenant.get(label);
    if (!series) {
      series = this.requests.open({
        route,
        method: byRoute.method,
        status_class: STATUS_CLASSES[cls] ?? `${cls}xx`,
        tenant: label,
      });
      byTenant.set(label, series);
    }
    return series;
  }

  /** The series of one route and method, opened the first time. */
  #route(method: string, route: string): RouteSeries {
    const m = methodIndex(method);
    let byMethod = this.#routes.get(route);
    if (!byMethod) this.#routes.set(route, byMethod = []);
    let series = byMethod[m];
    if (!series) {
      const label = METHODS[m] ?? "other";
      series = byMethod[m] = {
        method: label,
        latency: this.latency.open({ route, method: label }),
        byClass: [],
      };
    }
    return series;
  }

  /** The metrics in the Prometheus text format, after reading the gauges' sources. */
  async scrape(sources: ScrapeSources): Promise<string> {
    this.#readCounters(sources);
    this.#retireTenants();
    try {
      await this.#queryControl(sources.control);
    } catch {
      this.scrapeErrors.inc();
    }
    return await this.registry.metrics();
  }

  /** Content-Type of the text `scrape` returns. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Forgets every series (closeServices). */
  close(): void {
    this.registry.clear();
  }

  #readCounters({ pool, readCache }: ScrapeSources): void {
    const add = (key: keyof Counted, now: number, to: Counter) => {
      const delta = now - this.#counted[key];
      if (delta > 0) to.inc(delta);
      this.#counted[key] = now;
    };
    add("opens", pool.opens, this.poolOpens);
    add("evictions", pool.evictions, this.poolEvictions);
    add("hits", readCache.hits, this.cacheHits);
    add("misses", readCache.misses, this.cacheMisses);
    this.poolOpen.set(pool.size);
    this.poolCapacity.set(pool.maxOpen);
  }

  /** Re-ranks tenants and removes the series of those now counted as `other`. */
  #retireTenants(): void {
    const dropped = new Set(this.tenants.rerank());
    this.tenantsRecent.set(this.tenants.tracked);
    if (!dropped.size) return;
    for (const byMethod of this.#routes.values()) {
      for (const byRoute of byMethod) {
        for (const byTenant of byRoute?.byClass ?? []) {
          for (const tenant of dropped) {
            const series = byTenant?.get(tenant);
            if (series) this.requests.remove(series);
            byTenant?.delete(tenant);
          }
        }
      }
    }
    for (const tenant of dropped) {
      const series = this.#byTenant.get(tenant);
      if (series) this.tenantLatency.remove(series);
      this.#byTenant.delete(tenant);
      this.rateLimited.remove({ tenant });
    }
  }

  async #queryControl(control: Client): Promise<void> {
    const now = new Date().toISOString();
    const [jobs, totals] = await control.batch([
      {
        sql: `SELECT kind, status, COUNT(*) AS n,
                MIN(CASE WHEN status = 'queued' AND run_at <= ? THEN run_at END) AS oldest
              FROM jobs WHERE status IN ('queued', 'running', 'dead') GROUP BY kind, status`,
        args: [now],
      },
      `SELECT (SELECT COUNT(*) FROM tenants WHERE status = 'active') AS active,
         (SELECT COUNT(*) FROM tenants WHERE status = 'suspended') AS suspended,
         (SELECT COUNT(*) FROM memberships) AS seats`,
    ], "read");
    // Every kind seen keeps its series at 0 when its jobs are gone, so alerts see a value.
    for (const v of (await this.jobs.get()).values) this.jobs.set(v.labels, 0);
    for (const v of (await this.jobsOldestQueued.get()).values) {
      this.jobsOldestQueued.set(v.labels, 0);
    }
    for (const r of jobs!.rows) {
      const kind = String(r.kind);
      this.jobs.set({ kind, state: String(r.status) }, Number(r.n));
      if (r.oldest !== null) {
        const age = (Date.parse(now) - Date.parse(String(r.oldest))) / 1000;
        this.jobsOldestQueued.set({ kind }, Math.max(0, age));
      } else if (r.status === "queued") this.jobsOldestQueued.set({ kind }, 0);
    }
    const t = totals!.rows[0]!;
    this.tenantsByStatus.set({ status: "active" }, Number(t.active));
    this.tenantsByStatus.set({ status: "suspended" }, Number(t.suspended));
    this.seats.set(Number(t.seats));
  }
}
