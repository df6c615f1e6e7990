import assert from "node:assert/strict";
import { shownSubtitle, snippetParts, splitSnippet } from "./search.ts";

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
