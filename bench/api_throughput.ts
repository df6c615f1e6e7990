/**
 * @module bench/api_throughput
 * Throughput and p99 of an authenticated tenant API route beside a bare Hono route, both served
 * by one child process and measured by wrk at 50 connections in the same run.
 */
import { hostFetch } from "../tests/helpers/http.ts";
import { runWrk, type WrkResult } from "./wrk.ts";
import { percentile } from "./stats.ts";
import { benchPort } from "./ports.ts";

export interface BenchServer {
  port: number;
  /** A port this process alone serves the app on (the main one may be shared: SO_REUSEPORT). */
  ownPort: number;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
}

/** The `--v8-flags` of deno.json's `start` task: the bench server runs as production does. */
export async function startV8Flags(): Promise<string[]> {
  const deno = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  const flags = /--v8-flags=(\S+)/.exec(deno.tasks.start)?.[1];
  if (!flags) throw new Error("deno.json's start task has no --v8-flags");
  return flags.split(",");
}

/** Starts bench/server.ts in a child process on a free port with its own data folder. */
export async function startBenchServer(
  env: Record<string, string> = {},
  opts: {
    keepDataDir?: boolean;
    inspectPort?: number;
    /** More V8 flags (e.g. `--trace-gc`), after `--expose-gc`. */
    v8Flags?: string[];
    /**
     * Told each chunk of the server's stdout after "ready" (else it is discarded). The server
     * then runs under `stdbuf -oL`, so V8's own lines (`--trace-gc`) arrive as they are printed.
     */
    onStdout?: (text: string) => void;
  } = {},
): Promise<BenchServer> {
  const dataDir = env.DATA_DIR ?? await Deno.makeTempDir({ prefix: "pm-bench-" });
  const port = benchPort();
  let ownPort = benchPort();
  while (Math.abs(ownPort - port) < 2) ownPort = benchPort();
  const lineBuffered = opts.onStdout ? ["-oL", Deno.execPath()] : [];
  const child = new Deno.Command(opts.onStdout ? "stdbuf" : Deno.execPath(), {
    // --unstable-net: reusePort (the two-process mixed load) is still behind that flag.
    args: [
      ...lineBuffered,
      "run",
      "-A",
      "--unstable-net",
      // The V8 flags `deno task start` gives the app (deno.json), then any of the caller's.
      `--v8-flags=${[...await startV8Flags(), ...opts.v8Flags ?? []].join(",")}`,
      // bench/profile_mixed.ts takes a CPU profile through the inspector.
      ...(opts.inspectPort ? [`--inspect=127.0.0.1:${opts.inspectPort}`] : []),
      new URL("./server.ts", import.meta.url).pathname,
    ],
    env: {
      PORT: String(port),
      LOG_LEVEL: "silent",
      SEED_DEMO: "false",
      RUN_WORKERS: "false",
      PASSWORD_SCRYPT_N: "1024",
      RATE_LIMIT_PER_IP: "100000000",
      RATE_LIMIT_PER_TENANT: "100000000",
      // The benchmarks sign up hundreds of workspaces from this one address.
      SIGNUP_LIMIT_PER_IP: "100000000",
      SIGNUP_LIMIT_PER_EMAIL: "100000000",
      ...env,
      DATA_DIR: dataDir,
      BENCH_OWN_PORT: String(ownPort),
    },
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("ready")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("bench server exited before it was ready");
    seen += value;
  }
  if (opts.onStdout) {
    const onStdout = opts.onStdout;
    onStdout(seen.slice(seen.indexOf("ready") + "ready".length));
    void (async () => {
      for (let r = await reader.read(); !r.done; r = await reader.read()) onStdout(r.value);
    })().catch(() => {});
  } else {
    reader.releaseLock();
    void child.stdout.cancel().catch(() => {});
  }
  return {
    port: Number(env.PORT ?? port),
    ownPort,
    pid: child.pid,
    dataDir,
    async stop() {
      child.kill("SIGTERM");
      await child.status;
      if (!opts.keepDataDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Signs up a tenant on a bench server and returns a bearer token for it. */
export async function benchTenant(port: number, slug: string): Promise<string> {
  return (await benchTenantWithId(port, slug)).token;
}

/** Signs up a tenant and returns its id (to find its database) and a bearer token. */
export async function benchTenantWithId(
  port: number,
  slug: string,
): Promise<{ token: string; tenantId: string }> {
  const password = "bench password 2026";
  const email = `owner@${slug}.bench`;
  const signup = await hostFetch(port, "localhost", "/api/v1/signup", {
    method: "POST",
    json: { company_name: `${slug} Foods`, slug, owner_name: "Bench", email, password },
  });
  if (signup.status !== 201) throw new Error(`signup: ${signup.status} ${await signup.text()}`);
  const tenantId: string = (await signup.json()).tenant.id;
  const res = await hostFetch(port, `${slug}.localhost`, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email, password, name: "bench" },
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  return { token: (await res.json()).token, tenantId };
}

export interface ThroughputFigures {
  /** The round whose api / bare-with-nosniff ratio is the median of all rounds. */
  bare: WrkResult;
  /** The bare route plus a middleware adding the nosniff header every app response carries. */
  bareNosniff: WrkResult;
  api: WrkResult;
  /** Every round's api / bare-with-nosniff throughput ratio, in the order run. */
  ratios: number[];
  /** The server's CPU time per request (all its threads), median over the rounds, us. */
  cpuUs: { bare: number; bareNosniff: number; api: number };
}

/** CPU nanoseconds used so far by every thread of process `pid` (NaN where /proc is missing). */
export async function processCpuNs(pid: number): Promise<number> {
  let total = 0;
  try {
    for await (const task of Deno.readDir(`/proc/${pid}/task`)) {
      // A thread may end between the listing and the read; its time is then not counted.
      const text = await Deno.readTextFile(`/proc/${pid}/task/${task.name}/schedstat`)
        .catch(() => "0");
      total += Number(text.split(" ")[0]);
    }
  } catch {
    return NaN;
  }
  return total;
}

const median = (xs: number[]) => percentile(xs, 50);

/**
 * Measures the bare route, the bare route with nosniff and `path` on a tenant with a bearer token,
 * in `rounds` rounds of the three in turn (`seconds` each), on one server. On a shared 2-vCPU
 * machine one run of each swings by +-15 points from a neighbour's burst; alternating short
 * rounds and taking the median ratio, with the server's CPU per request beside it, does not.
 */
export async function measureApi(
  server: { port: number; pid: number },
  slug: string,
  token: string,
  path = "/api/v1/me",
  seconds = 3,
  rounds = 5,
): Promise<ThroughputFigures> {
  const port = server.port;
  const measured = async (url: string, headers?: Record<string, string>) => {
    const before = await processCpuNs(server.pid);
    const result = await runWrk(url, { seconds, headers });
    const ns = await processCpuNs(server.pid) - before;
    return { result, cpuUs: ns / 1000 / Math.max(result.requests, 1) };
  };
  const all: Array<Record<"bare" | "bareNosniff" | "api", Awaited<ReturnType<typeof measured>>>> =
    [];
  for (let round = 0; round < rounds; round++) {
    all.push({
      bare: await measured(`http://127.0.0.1:${port + 1}/`),
      bareNosniff: await measured(`http://127.0.0.1:${port + 1}/nosniff`),
      api: await measured(`http://127.0.0.1:${port}${path}`, {
        Host: `${slug}.localhost:${port}`,
        Authorization: `Bearer ${token}`,
      }),
    });
  }
  const ratios = all.map((r) =>
    r.api.result.requestsPerSecond / r.bareNosniff.result.requestsPerSecond
  );
  const middle = all[ratios.indexOf(median(ratios))]!;
  return {
    bare: middle.bare.result,
    bareNosniff: middle.bareNosniff.result,
    api: middle.api.result,
    ratios,
    cpuUs: {
      bare: median(all.map((r) => r.bare.cpuUs)),
      bareNosniff: median(all.map((r) => r.bareNosniff.cpuUs)),
      api: median(all.map((r) => r.api.cpuUs)),
    },
  };
}
