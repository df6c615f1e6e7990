/**
 * @module help/articles
 * The help center's articles: the Markdown files of docs/help/ (English) and docs/help/<language>/
 * (the same file names, so an article's slug and address are the same in every language), read
 * once per process and language (they ship with the app and never change while it runs), and a
 * search over them that ranks title words above body words and shows the sentence where the words
 * were found. An article not translated yet is given in English, never as an error.
 */
import type { Language } from "../i18n/format.ts";
import { type Block, parseMarkdown, plainText, textWithCode } from "./markdown.tsx";

export interface HelpArticle {
  /** The file name without `.md`: the article's address is /help/<slug>. */
  slug: string;
  /** The language it is written in: English where the reader's has no translation yet. */
  language: Language;
  title: string;
  /** The first paragraph, its code marks kept (markdown.tsx `textWithCode`). */
  summary: string;
  blocks: Block[];
  /** Every block as plain text, for search. */
  text: string;
  /** Section headings: a word there says what a part of the article is about. */
  headings: string;
  /** Paragraphs and list items, code marks kept: where search snippets come from. */
  prose: string;
}

export interface HelpHit {
  article: HelpArticle;
  score: number;
  snippet: string;
}

const HELP_DIR = new URL("../docs/help/", import.meta.url);
const loaded = new Map<Language, Promise<HelpArticle[]>>();

/** Turns one Markdown file into an article: its `#` title and the paragraph after it. */
export function toArticle(slug: string, source: string, language: Language = "en"): HelpArticle {
  const blocks = parseMarkdown(source);
  const title = blocks.find((b) => b.kind === "heading" && b.level === 1);
  const summary = blocks.find((b) => b.kind === "paragraph");
  const asText = (b: Block, inline = plainText) =>
    b.kind === "list"
      ? b.items.map(inline).join("\n")
      : b.kind === "table"
      ? [b.head, ...b.rows].map((r) => r.map(inline).join(" ")).join("\n")
      : inline(b.text);
  return {
    slug,
    language,
    title: title && "text" in title ? plainText(title.text) : slug,
    summary: summary && "text" in summary ? textWithCode(summary.text) : "",
    blocks,
    text: blocks.map((b) => asText(b)).join("\n"),
    headings: blocks.filter((b) => b.kind === "heading" && b.level > 1).map((b) => asText(b))
      .join("\n"),
    prose: blocks.filter((b) => b.kind === "paragraph" || b.kind === "list")
      .map((b) => asText(b, textWithCode)).join("\n"),
  };
}

/**
 * The articles in the reader's language, in file-name order: the English articles (the list of
 * slugs), each replaced by its translation in `<dir>/<language>/` when there is one. Read on first
 * use; a folder other than docs/help/ (tests) is read every time.
 */
export function helpArticles(
  language: Language = "en",
  dir: URL = HELP_DIR,
): Promise<HelpArticle[]> {
  if (dir.href !== HELP_DIR.href) return readArticles(language, dir);
  let articles = loaded.get(language);
  if (!articles) loaded.set(language, articles = readArticles(language, dir));
  return articles;
}

async function readArticles(language: Language, dir: URL): Promise<HelpArticle[]> {
  const english = await readFolder(dir, "en");
  if (language === "en") return english;
  const translated = new Map(
    (await readFolder(new URL(`${language}/`, dir), language)).map((a) => [a.slug, a]),
  );
  return english.map((article) => translated.get(article.slug) ?? article);
}

/** The articles of one folder, in name order; none when the folder does not exist. */
async function readFolder(dir: URL, language: Language): Promise<HelpArticle[]> {
  const names: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && /^[a-z0-9_]+\.md$/.test(entry.name)) names.push(entry.name);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return [];
    throw error;
  }
  names.sort();
  return await Promise.all(
    names.map(async (name) =>
      toArticle(name.slice(0, -3), await Deno.readTextFile(new URL(name, dir)), language)
    ),
  );
}

/**
 * The words of a text for search, lower case and without accents, so that "facturacion" finds
 * "facturación" and "credito" finds "crédito" (ñ becomes n: a phone's keyboard often lacks it).
 */
export function searchWords(text: string): string[] {
  return text.toLowerCase().normalize("NFD").replace(/\p{M}/gu, "").match(/[a-z0-9]+/g) ?? [];
}

const words = searchWords;

/** Articles that contain every word of `query` (or a word starting with it), best first. */
export function searchHelp(articles: HelpArticle[], query: string, limit = 10): HelpHit[] {
  const terms = [...new Set(words(query))].slice(0, 12);
  if (!terms.length) return [];
  const hits: HelpHit[] = [];
  for (const article of articles) {
    const titleWords = words(article.title);
    const headingWords = words(article.headings);
    const bodyWords = words(article.text);
    let score = 0;
    let all = true;
    for (const term of terms) {
      const count = (list: string[]) => list.filter((w) => w.startsWith(term)).length;
      const inBody = count(bodyWords);
      if (!inBody && !count(titleWords)) all = false;
      score += count(titleWords) * 10 + count(headingWords) * 5 + Math.min(inBody, 20);
    }
    // The words together, as typed ("credit hold"), count for more than the words apart.
    if (terms.length > 1) score += 3 * countPhrase(bodyWords, terms);
    if (all) hits.push({ article, score, snippet: snippetFor(article, terms) });
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}

function countPhrase(list: string[], terms: string[]): number {
  let n = 0;
  for (let i = 0; i + terms.length <= list.length; i++) {
    if (terms.every((t, j) => list[i + j]!.startsWith(t))) n++;
  }
  return n;
}

/**
 * The sentence that shows the search words best: most of them, together as typed, in a whole
 * sentence rather than a fragment of a list; else the summary.
 */
function snippetFor(article: HelpArticle, terms: string[]): string {
  let best = article.summary;
  let bestScore = 0;
  for (const sentence of article.prose.split(/(?<=[.!?])\s+|\n/)) {
    const w = words(sentence);
    const found = terms.filter((t) => w.some((x) => x.startsWith(t))).length;
    if (!found) continue;
    const score = found * 10 + (countPhrase(w, terms) ? 5 : 0) + Math.min(w.length, 12) / 2;
    if (score > bestScore) {
      best = sentence;
      bestScore = score;
    }
  }
  if (best.length <= 220) return best;
  const cut = best.slice(0, 217);
  // A code mark cut in two is closed, so the snippet's code still reads as code.
  return `${cut}${(cut.match(/`/g)?.length ?? 0) % 2 ? "`" : ""}…`;
}
