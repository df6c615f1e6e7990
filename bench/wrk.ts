/**
 * @module bench/wrk
 * Runs wrk (Debian's package) against a loopback URL and reads throughput and latency
 * percentiles from its `--latency` report.
 */

export interface WrkResult {
  requestsPerSecond: number;
  /** Requests completed in the run (wrk's "N requests in"). */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
}

function toMs(value: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(value.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === "us" ? n / 1000 : m[2] === "s" ? n * 1000 : n;
}

/** Parses wrk's text report. */
export function parseWrk(out: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const requests = Number(/(\d+) requests in /.exec(out)?.[1] ?? NaN);
  const p50 = toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? "");
  const p99 = toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? "");
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  return { requestsPerSecond: rps, requests, p50Ms: p50, p99Ms: p99, non2xx };
}

/** Runs wrk with 50 connections (by default) and returns its figures. */
export async function runWrk(
  url: string,
  opts: { headers?: Record<string, string>; seconds?: number; connections?: number } = {},
): Promise<WrkResult> {
  const connections = opts.connections ?? 50;
  const args = [
    `-t${Math.min(2, connections)}`,
    `-c${connections}`,
    `-d${opts.seconds ?? 8}s`,
    "--latency",
  ];
  for (const [k, v] of Object.entries(opts.headers ?? {})) args.push("-H", `${k}: ${v}`);
  args.push(url);
  const out = await new Deno.Command("wrk", { args, stdout: "piped", stderr: "piped" }).output();
  if (!out.success) throw new Error(`wrk failed: ${new TextDecoder().decode(out.stderr)}`);
  return parseWrk(new TextDecoder().decode(out.stdout));
}

/** True when wrk is installed. */
export async function hasWrk(): Promise<boolean> {
  try {
    return (await new Deno.Command("wrk", { args: ["-v"], stdout: "null", stderr: "null" })
      .output()).code !== 127;
  } catch {
    return false;
  }
}
