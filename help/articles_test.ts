import assert from "node:assert/strict";
import { helpArticles, searchHelp, toArticle } from "./articles.ts";

const ORDERS = toArticle(
  "02_orders",
  "# Purchase orders\n\nBuy loads from your packers.\n\n## Credit hold\n\nA customer on credit hold cannot get new sales orders. An admin may override the hold.",
);
const LOADS = toArticle(
  "03_loads",
  "# Loads\n\nBook carriers for each load.\n\n- Record the reefer set-point.\n- A customer hold does not stop a load.",
);

Deno.test("toArticle() takes the title and the first paragraph as the summary", () => {
  assert.equal(ORDERS.title, "Purchase orders");
  assert.equal(ORDERS.summary, "Buy loads from your packers.");
  assert.match(LOADS.text, /reefer set-point/);
});

Deno.test("searchHelp() needs every word, ranks title words first and shows the sentence found", () => {
  const hits = searchHelp([LOADS, ORDERS], "credit hold");
  assert.deepEqual(hits.map((h) => h.article.slug), ["02_orders"]);
  assert.equal(hits[0]!.snippet, "A customer on credit hold cannot get new sales orders.");
  const loads = searchHelp([ORDERS, LOADS], "load");
  assert.deepEqual(loads.map((h) => h.article.slug), ["03_loads", "02_orders"]);
  assert.deepEqual(searchHelp([ORDERS, LOADS], "ret"), []);
  assert.deepEqual(searchHelp([ORDERS, LOADS], "  ?! "), []);
});

Deno.test("helpArticles() reads the Markdown files of a folder in name order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/02_b.md`, "# Second\n\nTwo.");
    await Deno.writeTextFile(`${dir}/01_a.md`, "# First\n\nOne.");
    await Deno.writeTextFile(`${dir}/notes.txt`, "not an article");
    const list = await helpArticles(new URL(`file://${dir}/`));
    assert.deepEqual(list.map((a) => [a.slug, a.title]), [["01_a", "First"], ["02_b", "Second"]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
