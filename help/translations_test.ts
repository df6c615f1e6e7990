/**
 * Every help article exists in every language with the same shape, so that a gap or a translation
 * that lost a section or a link cannot be committed: the same file name (the slug in /help/<slug>),
 * the same number of level-1 and level-2 headings, and the same link targets.
 */
import assert from "node:assert/strict";
import { LANGUAGES } from "../i18n/format.ts";
import { type Block, parseMarkdown } from "./markdown.tsx";
import { helpArticles } from "./articles.ts";

const HELP_DIR = new URL("../docs/help/", import.meta.url);

async function articleFiles(dir: URL): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile && /^[a-z0-9_]+\.md$/.test(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

/** The shape a translation keeps: heading counts per level and the sorted link targets. */
function shapeOf(source: string) {
  const blocks = parseMarkdown(source);
  const inline = (b: Block) =>
    b.kind === "list"
      ? b.items
      : b.kind === "table"
      ? [...b.head, ...b.rows.flat()]
      : b.kind === "code"
      ? []
      : [b.text];
  const links = blocks.flatMap(inline).flatMap((text) =>
    [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!)
  );
  return {
    level1: blocks.filter((b) => b.kind === "heading" && b.level === 1).length,
    level2: blocks.filter((b) => b.kind === "heading" && b.level === 2).length,
    links: links.sort(),
  };
}

for (const language of LANGUAGES.filter((l) => l !== "en")) {
  Deno.test(`every help article has its ${language} translation with the same headings and links`, async () => {
    const english = await articleFiles(HELP_DIR);
    const translated = await articleFiles(new URL(`${language}/`, HELP_DIR));
    assert.ok(english.length >= 20, "the English articles are found");
    assert.deepEqual(
      english.filter((name) => !translated.includes(name)),
      [],
      `English articles without a docs/help/${language}/ file of the same name`,
    );
    assert.deepEqual(
      translated.filter((name) => !english.includes(name)),
      [],
      `docs/help/${language}/ files with no English article (the slug is the English file name)`,
    );
    const different: string[] = [];
    for (const name of english) {
      const source = await Deno.readTextFile(new URL(name, HELP_DIR));
      const translation = await Deno.readTextFile(new URL(`${language}/${name}`, HELP_DIR));
      const [a, b] = [shapeOf(source), shapeOf(translation)];
      if (a.level1 !== b.level1 || a.level2 !== b.level2) {
        different.push(
          `${name}: headings # ${a.level1} and ## ${a.level2} in English, # ${b.level1} and ## ${b.level2} in ${language}`,
        );
      }
      if (JSON.stringify(a.links) !== JSON.stringify(b.links)) {
        const missing = a.links.filter((l) => !b.links.includes(l));
        const extra = b.links.filter((l) => !a.links.includes(l));
        different.push(
          `${name}: links differ (missing ${missing.join(", ") || "none"}; added ${
            extra.join(", ") || "none"
          }; or a different count)`,
        );
      }
    }
    assert.deepEqual(different, []);
  });
}

for (const language of LANGUAGES) {
  Deno.test(`every link to a section of a help article finds its heading (${language})`, async () => {
    const articles = await helpArticles(language);
    const ids = new Map(
      articles.map((a) => [
        a.slug,
        new Set(a.blocks.flatMap((b) => b.kind === "heading" ? [b.id] : [])),
      ]),
    );
    const broken: string[] = [];
    for (const article of articles) {
      const texts = article.blocks.flatMap((b) =>
        b.kind === "list"
          ? b.items
          : b.kind === "table"
          ? [...b.head, ...b.rows.flat()]
          : b.kind === "code"
          ? []
          : [b.text]
      );
      for (const text of texts) {
        for (const m of text.matchAll(/\]\((?:\/help\/([a-z0-9_]+))?#([^)\s]+)\)/g)) {
          const slug = m[1] ?? article.slug;
          if (!ids.get(slug)?.has(m[2]!)) broken.push(`${article.slug} -> ${slug}#${m[2]}`);
        }
      }
    }
    assert.deepEqual(
      broken,
      [],
      "give a translated heading the English anchor: ## Título {#anchor}",
    );
  });
}
