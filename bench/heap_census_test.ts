import assert from "node:assert/strict";
import { censusTable, heapCensus } from "./heap_census.ts";

/** A heap snapshot of five nodes in V8's layout: type, name, id, self size, edge count. */
function snapshot() {
  const types = ["hidden", "object", "string", "closure", "code"];
  const strings = ["Statement", "TEXT", "x".repeat(100), "makeRow", ""];
  const node = (type: number, name: number, size: number) => [type, name, 0, size, 0];
  return {
    snapshot: {
      meta: {
        node_fields: ["type", "name", "id", "self_size", "edge_count"],
        node_types: [types] as [string[]],
      },
    },
    nodes: [
      ...node(1, 0, 40),
      ...node(1, 0, 40),
      ...node(2, 1, 20),
      ...node(2, 1, 20),
      ...node(2, 1, 20),
      ...node(2, 2, 120),
      ...node(3, 3, 32),
      ...node(4, 4, 500),
    ],
    strings,
  };
}

Deno.test("the heap census counts objects by constructor and repeated short strings by text", () => {
  const rows = heapCensus(snapshot());
  assert.deepEqual(rows.map((r) => [r.kind, r.count, r.bytes]), [
    ['string "TEXT"', 3, 60],
    ["object Statement", 2, 80],
    ["string (64 bytes or more)", 1, 120],
    ["closure makeRow", 1, 32],
    ["(code)", 1, 500],
  ]);
  const table = censusTable(rows, 2);
  assert.match(table, /^8 objects, 0\.0 MB of their own/);
  assert.equal(table.split("\n").length, 3);
});
