/**
 * @module bench/profile_mixed
 * Where the mixed load's time goes: starts one bench server with the inspector, provisions
 * tenants, takes a V8 CPU profile while wrk runs the mix, and prints the functions with the most
 * self time, grouped by module. A developer's tool, outside `deno task bench`:
 *
 *   deno run -A bench/profile_mixed.ts [tenants=300] [pool=128] [seconds=10] [out.cpuprofile]
 *
 * The pool smaller than the tenants keeps the churn of the real figure (1,000 tenants, pool 512).
 * The profile file opens in Chrome DevTools (Performance → Load profile).
 */
import { startBenchServer } from "./api_throughput.ts";
import { provisionMixedTenants, runMixedLoad, warmMixedLoad } from "./mixed_load.ts";
import { benchPort } from "./ports.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** A tiny Chrome DevTools Protocol client over the inspector's WebSocket. */
export async function inspector(port: number) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  let next = 1;
  const waiting = new Map<number, (result: unknown) => void>();
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)!(msg.result);
      waiting.delete(msg.id);
    }
  };
  return {
    send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
      const id = next++;
      ws.send(JSON.stringify({ id, method, params }));
      return new Promise((resolve) => waiting.set(id, resolve as (r: unknown) => void));
    },
    close: () => ws.close(),
  };
}

/** Self time per function and per module, in percent of all samples. */
export function summarize(profile: Profile, top = 40): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfHits = new Map<number, number>();
  for (const id of profile.samples) selfHits.set(id, (selfHits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  for (const [id, hits] of selfHits) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^.*\/(node_modules|main|deps)\//, "") || "(native)";
    const key = `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + hits);
    const module = file.replace(/\/[^/]*$/, "") || file;
    mod.set(module, (mod.get(module) ?? 0) + hits);
  }
  const lines = (m: Map<string, number>) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) =>
      `${(v / total * 100).toFixed(1).padStart(5)}%  ${k}`
    ).join("\n");
  return `samples: ${total}\n\nby function (self time)\n${lines(fn)}\n\nby folder\n${lines(mod)}`;
}

if (import.meta.main) {
  const [tenantCount = "300", pool = "128", seconds = "10", out = "mixed.cpuprofile"] = Deno.args;
  const inspectPort = 9300 + Math.floor(Math.random() * 500);
  const port = benchPort();
  const server = await startBenchServer({ PORT: String(port), TENANT_POOL_SIZE: pool }, {
    inspectPort,
  });
  try {
    const tenants = await provisionMixedTenants(port, Number(tenantCount), { runs: 2 });
    // Every tenant's reads once, then one unprofiled run: the JIT and the caches as the benchmark
    // measures them.
    await warmMixedLoad(server.ownPort, tenants);
    await runMixedLoad(port, tenants, { run: 0, seconds: 3 });
    const cdp = await inspector(inspectPort);
    await cdp.send("Profiler.enable");
    await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
    await cdp.send("Profiler.start");
    const result = await runMixedLoad(port, tenants, { run: 1, seconds: Number(seconds) });
    const { profile } = await cdp.send<{ profile: Profile }>("Profiler.stop");
    cdp.close();
    await Deno.writeTextFile(out, JSON.stringify(profile));
    console.log(
      `${
        result.requestsPerSecond.toFixed(0)
      } req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, non-2xx ${result.non2xx}`,
    );
    console.log(summarize(profile));
  } finally {
    await server.stop();
  }
}
