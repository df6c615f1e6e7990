import assert from "node:assert/strict";
import { wordsToText } from "./words.ts";

const word = (text: string, x: number, y: number) => ({ text, x, y, w: text.length * 8, h: 16 });

Deno.test("wordsToText() keeps side-by-side columns apart that OCR joins with one space", () => {
  const text = wordsToText([
    word("Vendor:", 40, 100),
    word("Prairie", 104, 101),
    word("Packing", 168, 99),
    word("PO", 400, 100),
    word("Number:", 424, 101),
    word("4512-A", 488, 100),
  ]);
  const [line] = text.split("\n");
  assert.match(line!, /Vendor: Prairie Packing {3,}PO Number: 4512-A/);
  assert.equal(text.split("\n").length, 1);
});

Deno.test("wordsToText() puts a value under its label on the next line", () => {
  const text = wordsToText([
    word("SEAL", 300, 100),
    word("NO.", 340, 100),
    word("S44120", 300, 130),
    word("BOL", 40, 100),
    word("778812", 40, 130),
  ]);
  const lines = text.split("\n");
  assert.equal(lines.length, 2);
  assert.equal(lines[0]!.indexOf("SEAL"), lines[1]!.indexOf("S44120"));
  assert.equal(lines[0]!.indexOf("BOL"), lines[1]!.indexOf("778812"));
});
