/**
 * @module bench/heap_census
 * What the heap of a server under the mixed load is made of: one bench server with the
 * inspector, the tenants provisioned and warmed as `deno task bench` does, the mix for a while,
 * then a heap snapshot after a full collection, counted by kind of object. Every full collection
 * walks every live object, so the count (not only the bytes) is what its pauses grow with. A
 * developer's tool, outside `deno task bench`:
 *
 *   deno run -A bench/heap_census.ts [tenants=300] [seconds=5] [top=25] [snapshot-file]
 *
 * With a file name the snapshot is kept there (Chrome DevTools opens it); else it is removed.
 */
import { startBenchServer } from "./api_throughput.ts";
import { provisionMixedTenants, runMixedLoad, warmMixedLoad } from "./mixed_load.ts";

interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** One kind of object in the census: how many there are and their own bytes. */
export interface CensusRow {
  kind: string;
  count: number;
  bytes: number;
}

/**
 * Objects by kind: constructor name for objects, the text for short strings (a string repeated
 * thousands of times is a copy per owner where one would do), a bucket by size for long ones.
 */
export function heapCensus(snapshot: HeapSnapshot): CensusRow[] {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const rows = new Map<string, CensusRow>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!;
    const name = strings[nodes[i + nameAt]!]!;
    const bytes = nodes[i + sizeAt]!;
    let kind: string;
    if (type === "string" || type === "concatenated string" || type === "sliced string") {
      kind = bytes < 64
        ? `string ${JSON.stringify(name.slice(0, 40))}`
        : "string (64 bytes or more)";
    } else if (type === "object" || type === "closure" || type === "native") {
      kind = `${type} ${name.slice(0, 60)}`;
    } else {
      kind = `(${type})`;
    }
    const row = rows.get(kind) ?? { kind, count: 0, bytes: 0 };
    row.count++;
    row.bytes += bytes;
    rows.set(kind, row);
  }
  return [...rows.values()].sort((a, b) => b.count - a.count);
}

/** The census as a table, most numerous first, with the totals. */
export function censusTable(rows: CensusRow[], top: number): string {
  const count = rows.reduce((sum, r) => sum + r.count, 0);
  const bytes = rows.reduce((sum, r) => sum + r.bytes, 0);
  const lines = rows.slice(0, top).map((r) =>
    `${String(r.count).padStart(9)}  ${(r.bytes / 1e6).toFixed(2).padStart(7)} MB  ${r.kind}`
  );
  return [
    `${count} objects, ${(bytes / 1e6).toFixed(1)} MB of their own`,
    ...lines,
  ].join("\n");
}

/** Takes a heap snapshot through the inspector on `port` into `file`, after a full collection. */
async function snapshotTo(port: number, file: string): Promise<void> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  const out = await Deno.open(file, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  try {
    const done = new Promise<void>((resolve) => {
      ws.onmessage = (e) => {
        const msg = JSON.parse(e.data);
        if (msg.method === "HeapProfiler.addHeapSnapshotChunk") {
          out.writeSync(encoder.encode(msg.params.chunk));
        }
        if (msg.id === 2) resolve();
      };
    });
    ws.send(JSON.stringify({ id: 1, method: "HeapProfiler.collectGarbage" }));
    ws.send(JSON.stringify({ id: 2, method: "HeapProfiler.takeHeapSnapshot" }));
    await done;
  } finally {
    out.close();
    ws.close();
  }
}

if (import.meta.main) {
  const [tenantCount = 300, seconds = 5, top = 25] = Deno.args.slice(0, 3).map(Number);
  const keep = Deno.args[3];
  const file = keep ?? await Deno.makeTempFile({ suffix: ".heapsnapshot" });
  const inspectPort = 9300 + Math.floor(Math.random() * 500);
  const server = await startBenchServer({ TENANT_POOL_SIZE: String(tenantCount + 24) }, {
    inspectPort,
  });
  try {
    const tenants = await provisionMixedTenants(server.port, tenantCount, { runs: 3 });
    await warmMixedLoad(server.ownPort, tenants);
    await runMixedLoad(server.port, tenants, { run: 0, seconds });
    await snapshotTo(inspectPort, file);
  } finally {
    await server.stop();
  }
  const snapshot = JSON.parse(await Deno.readTextFile(file)) as HeapSnapshot;
  if (!keep) await Deno.remove(file);
  console.log(`${tenantCount} tenants after ${seconds} s of the mixed load:`);
  console.log(censusTable(heapCensus(snapshot), top));
}
