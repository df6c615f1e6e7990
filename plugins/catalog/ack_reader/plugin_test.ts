/**
 * The order acknowledgement reader in the sandbox, through the host's reader call: a page laid
 * out in columns becomes a draft purchase order; any other document is left to the built-in reader.
 */
import assert from "node:assert/strict";
import { catalogBundle } from "../../host/bundle.ts";
import type { Installation } from "../../host/installations.ts";
import { type ReaderInput, readWithPlugins } from "../../host/readers.ts";
import { PluginRuntime } from "../../host/runtime.ts";
import { isoDate } from "./plugin.js";

async function installed(): Promise<Installation> {
  const b = (await catalogBundle("ack-reader"))!;
  return {
    name: b.manifest.name,
    source: "catalog",
    version: b.manifest.version,
    manifest: b.manifest,
    code: b.code,
    views: {},
    permissions: [],
    domains: [],
    settings: {},
    enabled: true,
    installedAt: "",
    installedBy: null,
    updatedAt: "",
  };
}

/** Words at positions, as the PDF text layer gives them (y grows down the page). */
function page(rows: Array<[number, Array<[number, string]>]>): ReaderInput["pages"][number] {
  return { items: rows.flatMap(([y, cells]) => cells.map(([x, str]) => ({ str, x, y }))) };
}

const ACK: ReaderInput = {
  name: "ack-5521.pdf",
  text: [
    "Prairie Packing Co.",
    "EST. 245C",
    "ORDER ACKNOWLEDGEMENT",
    "Ack No: 5521    Order Date: 11/03/2026",
    "Ship Date: 11/06/26",
    "ITEM DESCRIPTION BOXES NET LBS $/LB",
  ].join("\n"),
  pages: [page([
    [100, [[40, "ITEM"], [90, "DESCRIPTION"], [300, "BOXES"], [360, "NET LBS"], [440, "$/LB"]]],
    [115, [[40, "1180"], [90, "Beef chuck roll"], [150, "choice"], [300, "800"], [360, "40,120"], [
      440,
      "2.1500",
    ]]],
    [130, [[40, "1220"], [90, "Brisket"], [300, "420"], [360, "21,000.5"], [440, "$2.40"]]],
    [150, [[40, "TOTAL"], [300, "1220"], [360, "61,120.5"]]],
  ])],
};

const noDb = { execute: () => Promise.reject(new Error("no database")) };

Deno.test("isoDate() reads MM/DD/YYYY and MM/DD/YY", () => {
  assert.equal(isoDate("11/03/2026"), "2026-11-03");
  assert.equal(isoDate("1/6/26"), "2026-01-06");
  assert.equal(isoDate("soon"), null);
});

Deno.test("the reader turns an order acknowledgement into a draft purchase order", async () => {
  const runtime = new PluginRuntime();
  try {
    const found = await readWithPlugins(
      runtime,
      "t1",
      "2026-11-20",
      [await installed()],
      noDb,
      ACK,
    );
    assert.ok(found);
    assert.equal(found.plugin, "ack-reader");
    const raw = found.raw;
    assert.equal(raw.classification, "sales_confirmation");
    assert.deepEqual(raw.fields, {
      supplier_confirmation: { value: "5521", confidence: 0.9 },
      order_date: { value: "2026-11-03", confidence: 0.9 },
      pickup_date: { value: "2026-11-06", confidence: 0.8 },
    });
    assert.deepEqual(raw.parties.supplier, {
      name: "Prairie Packing Co.",
      est_number: "245C",
      confidence: 0.8,
    });
    assert.deepEqual(
      raw.lines.map((l) => [l.description!.value, l.cases!.value, l.weight!.value, l.price!.value]),
      [["1180 Beef chuck roll choice", 800, 40120, 2.15], ["1220 Brisket", 420, 21000.5, 2.4]],
    );
    assert.deepEqual(raw.warnings, []);
  } finally {
    runtime.close();
  }
});

Deno.test("another kind of document is not matched", async () => {
  const runtime = new PluginRuntime();
  try {
    const other = { name: "bol.pdf", text: "STRAIGHT BILL OF LADING\nShipper: X", pages: [] };
    assert.equal(
      await readWithPlugins(runtime, "t1", "2026-11-20", [await installed()], noDb, other),
      null,
    );
  } finally {
    runtime.close();
  }
});

Deno.test("without word positions the reader takes the lines from the text", async () => {
  const runtime = new PluginRuntime();
  try {
    const text = [
      "Prairie Packing Co.",
      "ORDER ACKNOWLEDGEMENT",
      "Ack No: 5522",
      "ITEM   DESCRIPTION            BOXES   NET LBS    $/LB",
      "1180   Beef chuck roll        800     40,120     2.1500",
      "TOTAL                         800     40,120",
    ].join("\n");
    const found = await readWithPlugins(runtime, "t1", "2026-11-20", [await installed()], noDb, {
      name: "ack.txt",
      text,
      pages: [],
    });
    assert.deepEqual(
      found!.raw.lines.map((
        l,
      ) => [l.description!.value, l.cases!.value, l.weight!.value, l.price!.value]),
      [["1180 Beef chuck roll", 800, 40120, 2.15]],
    );
  } finally {
    runtime.close();
  }
});
