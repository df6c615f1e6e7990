import assert from "node:assert/strict";
import {
  shownSubtitle,
  snippetParts,
  splitSnippet,
  titlesFromFormats,
  withShownTitles,
} from "./search.ts";
import type { Executor } from "../../db/transaction.ts";

Deno.test("splitSnippet() returns plain text and where the matches are, brackets left alone", () => {
  const hit = splitSnippet("Order \uE000PO\uE001-\uE00010301\uE001 [rush]");
  assert.equal(hit.snippet, "Order PO-10301 [rush]");
  assert.deepEqual(hit.highlights, [[6, 8], [9, 14]]);
});

Deno.test("snippetParts() flags the matched pieces and keeps the text in order", () => {
  const parts = snippetParts(splitSnippet("\uE000PO\uE001-\uE00010301\uE001 from Acme"));
  assert.deepEqual(parts, [
    { text: "PO", match: true },
    { text: "-", match: false },
    { text: "10301", match: true },
    { text: " from Acme", match: false },
  ]);
  assert.deepEqual(snippetParts({ snippet: "plain", highlights: [] }), [
    { text: "plain", match: false },
  ]);
  assert.deepEqual(
    snippetParts({ snippet: "abc", highlights: [[1, 9]] }),
    [{ text: "abc", match: false }],
    "an offset beyond the text is ignored",
  );
});

Deno.test("shownSubtitle() replaces only the leading built-in type name, never the record's data", () => {
  assert.equal(
    shownSubtitle("Purchase order · Prairie Purchase order Co", ["Purchase order"], "Compra"),
    "Compra · Prairie Purchase order Co",
  );
  assert.equal(shownSubtitle("Carrier", ["Carrier"], "Transportista"), "Transportista");
  assert.equal(shownSubtitle("", ["Carrier"], "Transportista"), "Transportista");
  assert.equal(shownSubtitle("Prairie Packers", ["Customer"], "Cliente"), "Prairie Packers");
});

Deno.test("shownSubtitle() also reads a subtitle indexed under the workspace's English name of the time", () => {
  assert.equal(
    shownSubtitle("Buy · Prairie", ["Purchase order", "Buy"], "Compra"),
    "Compra · Prairie",
  );
});

Deno.test("withShownTitles() writes a payment's title again from its record, whatever was stored, and leaves other hits alone", async () => {
  const asked: string[] = [];
  const db = {
    execute: (q: { sql: string; args: unknown[] }) => {
      asked.push(`${q.sql} ${q.args.join(",")}`);
      return Promise.resolve({ rows: [{ id: "p1", reference: "W-1", amount_cents: 500 }] });
    },
  } as unknown as Executor;
  const hits = [
    { collection: "payments", id: "p1", title: "W-1 · $5.00 on Oct 20, 2026" },
    { collection: "customers", id: "c1", title: "Prairie on Oct" },
  ];
  assert.equal(titlesFromFormats(hits), true);
  assert.equal(titlesFromFormats([hits[1]!]), false);
  const shown = await withShownTitles(
    db,
    hits,
    (def, row) => `${def.collection}:${row.reference}:${row.amount_cents}`,
  );
  assert.deepEqual(shown, [
    { collection: "payments", id: "p1", title: "payments:W-1:500" },
    { collection: "customers", id: "c1", title: "Prairie on Oct" },
  ]);
  assert.equal(asked.length, 1, "one query, for the payments only");
  assert.match(asked[0]!, /FROM payments WHERE id IN \(\?\) p1$/);
  assert.deepEqual(await withShownTitles(db, [hits[1]!], () => "x"), [hits[1]]);
  assert.equal(asked.length, 1, "no query without a payment");
});
