import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { MarkdownBlocks, parseMarkdown, plainText, renderCodeMarks, slugify } from "./markdown.tsx";

const html = (md: string) => renderToString(<MarkdownBlocks blocks={parseMarkdown(md)} />);

Deno.test("parseMarkdown() reads headings, paragraphs, lists, tables and code", () => {
  const blocks = parseMarkdown(
    [
      "# Loads",
      "",
      "A load is the carrier's job,",
      "wrapped over two lines.",
      "",
      "## Book a load",
      "1. Open **Loads**.",
      "2. Choose *New load*.",
      "   It continues here.",
      "- one",
      "- two",
      "",
      "| Role | May |",
      "| --- | --- |",
      "| Viewer | read |",
      "",
      "```",
      "curl /api/v1/loads",
      "```",
    ].join("\n"),
  );
  assert.deepEqual(blocks, [
    { kind: "heading", level: 1, text: "Loads", id: "loads" },
    { kind: "paragraph", text: "A load is the carrier's job, wrapped over two lines." },
    { kind: "heading", level: 2, text: "Book a load", id: "book-a-load" },
    {
      kind: "list",
      ordered: true,
      items: ["Open **Loads**.", "Choose *New load*. It continues here."],
    },
    { kind: "list", ordered: false, items: ["one", "two"] },
    { kind: "table", head: ["Role", "May"], rows: [["Viewer", "read"]] },
    { kind: "code", text: "curl /api/v1/loads" },
  ]);
});

Deno.test("MarkdownBlocks renders inline markup and leaves the title to the page", () => {
  const out = html(
    "# Title\n\nSee **[Loads](/loads)**, *fast*, `EST 969` and [help](/help/04_loads).",
  );
  assert.equal(
    out,
    '<p>See <strong><a href="/loads">Loads</a></strong>, <em>fast</em>, <code>EST 969</code> and ' +
      '<a href="/help/04_loads">help</a>.</p>',
  );
});

Deno.test("MarkdownBlocks never lets a file inject markup or unsafe links", () => {
  const out = html(
    '<script>alert(1)</script> [x](javascript:alert%281%29) [y](//evil.example) [z](https://ok.example/a) <img src=x onerror="1">',
  );
  assert.doesNotMatch(out, /<script|<img|javascript:|href="\/\/evil/);
  assert.match(out, /&lt;script>alert\(1\)&lt;\/script>/);
  assert.match(out, /<a href="https:\/\/ok.example\/a">z<\/a>/);
  assert.match(out, / x y /); // unsafe links keep their text only
});

Deno.test("slugify() and plainText() drop markup", () => {
  assert.equal(slugify("Credit hold & **overrides**"), "credit-hold-overrides");
  assert.equal(slugify("Exportación y señales"), "exportacion-y-senales");
  assert.equal(plainText("Open [Loads](/loads) and `EST`"), "Open Loads and EST");
});

Deno.test("parseMarkdown() takes a heading's {#anchor} as its id, so a translation keeps the English one", () => {
  const blocks = parseMarkdown(
    "## Tipos de cambio {#exchange-rates}\n\n## Qué puede hacer un token",
  );
  assert.deepEqual(blocks, [
    { kind: "heading", level: 2, text: "Tipos de cambio", id: "exchange-rates" },
    { kind: "heading", level: 2, text: "Qué puede hacer un token", id: "que-puede-hacer-un-token" },
  ]);
});
Deno.test("renderCodeMarks() shows code marks as code and rewords only the text around them", () => {
  const html = renderToString(
    <p>{renderCodeMarks("See `Loads` for loads.", (t) => t.replace(/loads/g, "shipments"))}</p>,
  );
  assert.equal(html, "<p>See <code>Loads</code> for shipments.</p>");
  assert.equal(renderToString(<p>{renderCodeMarks("No code here.")}</p>), "<p>No code here.</p>");
});
