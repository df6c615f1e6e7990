import assert from "node:assert/strict";
import { helpArticles, searchHelp, searchWords, toArticle } from "./articles.ts";

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

Deno.test("searchHelp() ignores accents: facturacion finds facturación and the other way round", () => {
  const billing = toArticle(
    "10_billing",
    "# Planes y facturación\n\nSu plan, su método de pago y sus facturas.\n\n## Crédito\n\nEl crédito se aplica a la próxima factura.",
    "es",
  );
  assert.deepEqual(searchHelp([LOADS, billing], "facturacion").map((h) => h.article.slug), [
    "10_billing",
  ]);
  assert.deepEqual(searchHelp([billing], "CRÉDITO próxima").map((h) => h.article.slug), [
    "10_billing",
  ]);
  assert.equal(
    searchHelp([billing], "credito proxima")[0]!.snippet,
    "El crédito se aplica a la próxima factura.",
  );
  assert.deepEqual(searchWords("Añadir líneas"), ["anadir", "lineas"]);
  assert.deepEqual(searchHelp([billing], "facturas pagadas"), []);
});

Deno.test("helpArticles() reads the Markdown files of a folder in name order", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/02_b.md`, "# Second\n\nTwo.");
    await Deno.writeTextFile(`${dir}/01_a.md`, "# First\n\nOne.");
    await Deno.writeTextFile(`${dir}/notes.txt`, "not an article");
    const list = await helpArticles("en", new URL(`file://${dir}/`));
    assert.deepEqual(list.map((a) => [a.slug, a.title, a.language]), [
      ["01_a", "First", "en"],
      ["02_b", "Second", "en"],
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("helpArticles() gives a language's translations, English where one is missing, never more", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/01_a.md`, "# First\n\nOne.");
    await Deno.writeTextFile(`${dir}/02_b.md`, "# Second\n\nTwo.");
    await Deno.mkdir(`${dir}/es`);
    await Deno.writeTextFile(`${dir}/es/02_b.md`, "# Segundo\n\nDos.");
    // A Spanish file with no English article is no article: the slugs are English's.
    await Deno.writeTextFile(`${dir}/es/09_extra.md`, "# Extra\n\nNada.");
    const url = new URL(`file://${dir}/`);
    const spanish = await helpArticles("es", url);
    assert.deepEqual(spanish.map((a) => [a.slug, a.title, a.language]), [
      ["01_a", "First", "en"],
      ["02_b", "Segundo", "es"],
    ]);
    const english = await helpArticles("en", url);
    assert.deepEqual(english.map((a) => a.title), ["First", "Second"]);
    // No folder for the language at all: every article in English, no error.
    await Deno.remove(`${dir}/es`, { recursive: true });
    assert.deepEqual((await helpArticles("es", url)).map((a) => a.language), ["en", "en"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("searchHelp() keeps the article's code marks in a snippet and its summary, and closes one cut short", () => {
  const api = toArticle(
    "16_api",
    "# La API\n\nVea las secciones `Sales orders` y **`Loads`** de la [referencia](/api/docs).\n\nCada paso es una llamada: `Invoices` y `Payments`.",
    "es",
  );
  assert.equal(api.summary, "Vea las secciones `Sales orders` y `Loads` de la referencia.");
  assert.equal(
    searchHelp([api], "llamada")[0]!.snippet,
    "Cada paso es una llamada: `Invoices` y `Payments`.",
  );
  assert.doesNotMatch(api.text, /`/, "the searched text has no marks");
  const long = toArticle(
    "17_long",
    `# Largo\n\n${"palabra ".repeat(25)}\`Sales orders y más\`.`,
    "es",
  );
  const snippet = searchHelp([long], "palabra")[0]!.snippet;
  assert.match(snippet, /`Sales orders y m`…$/);
  assert.equal((snippet.match(/`/g) ?? []).length % 2, 0);
});
