/**
 * @module ops/keyed_metrics
 * A counter and a histogram for the per-request series (ops/metrics.ts), registered in a
 * prom-client Registry like its own metrics and printed by it in the same text format (a test
 * checks the text byte for byte against prom-client's). Why not prom-client's: it finds a series
 * by hashing the label object on every call and keeps bucket counts under the bounds as string
 * keys, which made counting one request (a counter and two histograms) cost about 1.7 µs, 9% of an
 * authenticated API call in bench/metrics_overhead.ts.
 *
 * Here a series is an object the caller opens once (`open(labels)`) and keeps: counting is then
 * `inc(series)` or `observe(series, value)`, a field update with no lookup, no string and no
 * allocation; how to find the series again (nested maps of interned strings) is the caller's
 * business. The metric keeps its series in the order they were opened, which is the order
 * prom-client prints them in.
 */
import type { Registry } from "prom-client";

type Labels<L extends string> = Record<L, string>;

/** One value line as prom-client's registry prints it. */
interface ValueLine {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

/** One series of a KeyedCounter. */
export interface CounterSeries<L extends string> {
  readonly labels: Labels<L>;
  n: number;
}

/** One series of a KeyedHistogram. */
export interface HistogramSeries<L extends string> {
  readonly labels: Labels<L>;
  /** Observations per bucket (not cumulative), the last one above every bound (+Inf). */
  readonly buckets: number[];
  sum: number;
  count: number;
}

abstract class KeyedMetric<L extends string, S extends { labels: Labels<L> }> {
  /** Every series, in the order opened (a Set keeps it, and deletes in constant time). */
  protected series = new Set<S>();
  abstract readonly type: "counter" | "histogram";

  constructor(readonly name: string, readonly help: string, registry: Registry) {
    // The registry only asks a metric for its name, help, type and values (`get`).
    registry.registerMetric(this as unknown as Parameters<Registry["registerMetric"]>[0]);
  }

  /** Drops one series; the caller forgets its handle (a later `open` starts it afresh). */
  remove(series: S): void {
    this.series.delete(series);
  }

  /** Drops the series whose labels match; the caller must forget their handles too. */
  removeWhere(match: (labels: Labels<L>) => boolean): void {
    for (const s of this.series) if (match(s.labels)) this.series.delete(s);
  }

  /** Forgets every series. */
  reset(): void {
    this.series.clear();
  }

  /** The labels of every series kept. */
  labelSets(): Labels<L>[] {
    return [...this.series].map((s) => s.labels);
  }

  abstract get(): Promise<{ name: string; help: string; type: string; values: ValueLine[] }>;
}

/** A counter whose series the caller opens once and keeps. */
export class KeyedCounter<L extends string> extends KeyedMetric<L, CounterSeries<L>> {
  readonly type = "counter";

  /** Starts a series at 0 with these labels (printed once counted, like prom-client's). */
  open(labels: Labels<L>): CounterSeries<L> {
    const s = { labels, n: 0 };
    this.series.add(s);
    return s;
  }

  /** Adds one to `series`. */
  inc(series: CounterSeries<L>): void {
    series.n++;
  }

  get() {
    const values = [...this.series].map((s) => ({ labels: s.labels, value: s.n }));
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values });
  }
}

/** A histogram whose series the caller opens once and keeps. */
export class KeyedHistogram<L extends string> extends KeyedMetric<L, HistogramSeries<L>> {
  readonly type = "histogram";
  readonly #bounds: Float64Array;

  constructor(name: string, help: string, readonly bounds: readonly number[], registry: Registry) {
    super(name, help, registry);
    this.#bounds = Float64Array.from(bounds);
  }

  /** Starts an empty series with these labels. */
  open(labels: Labels<L>): HistogramSeries<L> {
    const s = {
      labels,
      buckets: new Array<number>(this.bounds.length + 1).fill(0),
      sum: 0,
      count: 0,
    };
    this.series.add(s);
    return s;
  }

  /** Records `value` in `series`: the first bound not below it takes it (le, as Prometheus). */
  observe(series: HistogramSeries<L>, value: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    series.buckets[i]!++;
    series.sum += value;
    series.count++;
  }

  get() {
    const values: ValueLine[] = [];
    for (const s of this.series) {
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += s.buckets[i]!;
        values.push({
          labels: { le, ...s.labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      });
      values.push({
        labels: { le: "+Inf", ...s.labels },
        value: s.count,
        metricName: `${this.name}_bucket`,
      });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, values });
  }
}
