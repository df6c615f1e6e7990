/**
 * @module help/markdown
 * The small Markdown subset the help articles are written in (docs/help/): headings (with an
 * optional `{#anchor}`, which translations use to keep the English section ids), paragraphs,
 * bullet and numbered lists, pipe tables, fenced code, and inline bold, italic, code and links.
 * It renders to Preact elements, never to raw HTML, so nothing in a file can inject markup; links
 * go only to in-app paths, anchors or https pages.
 */
import type { ComponentChildren, VNode } from "preact";

export type Block =
  | { kind: "heading"; level: 1 | 2 | 3; text: string; id: string }
  | { kind: "paragraph"; text: string }
  | { kind: "list"; ordered: boolean; items: string[] }
  | { kind: "code"; text: string }
  | { kind: "table"; head: string[]; rows: string[][] };

/** An id for a heading ("Credit hold and overrides" -> "credit-hold-and-overrides"). */
export function slugify(text: string): string {
  // Accents are dropped, not turned into hyphens: "Exportación" is #exportacion.
  return plainText(text).normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
    .replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** Inline markup removed: what search indexes and summaries show. */
export function plainText(inline: string): string {
  return inline
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\*([^*]+)\*/g, "$1")
    .replace(/`([^`]+)`/g, "$1");
}

/**
 * Inline markup removed but code marks kept (`` `Sales orders` ``): what summaries and search
 * snippets show, so a name that stays English on purpose (an API section, a CSV column) is still
 * shown as code (`renderCodeMarks`).
 */
export function textWithCode(inline: string): string {
  return inline
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\*([^*]+)\*/g, "$1");
}

/** Text with code marks (`textWithCode`) as text and `<code>`; `words` rewords the text only. */
export function renderCodeMarks(
  text: string,
  words: (text: string) => string = (t) => t,
): ComponentChildren {
  return text.split(/`([^`]+)`/).map((part, i) =>
    i % 2 ? <code key={i}>{part}</code> : words(part)
  );
}

const cells = (line: string) =>
  line.trim().replace(/^\||\|$/g, "").split("|").map((cell) => cell.trim());

/** Splits a document into blocks. */
export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (!line.trim()) {
      i++;
      continue;
    }
    if (line.startsWith("```")) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
      i++; // the closing fence
      blocks.push({ kind: "code", text: body.join("\n") });
      continue;
    }
    const heading = /^(#{1,3})\s+(.+)$/.exec(line);
    if (heading) {
      // `## Tipos de cambio {#exchange-rates}`: a translation keeps the English anchor, so links
      // to a section (`/help/06_reports_and_exports#exchange-rates`) work in every language.
      const anchor = /^(.*?)\s*\{#([a-z0-9-]+)\}$/.exec(heading[2]!.trim());
      const text = anchor ? anchor[1]! : heading[2]!.trim();
      blocks.push({
        kind: "heading",
        level: heading[1]!.length as 1 | 2 | 3,
        text,
        id: anchor ? anchor[2]! : slugify(text),
      });
      i++;
      continue;
    }
    if (line.trimStart().startsWith("|") && /^\s*\|?\s*:?-{3,}/.test(lines[i + 1] ?? "")) {
      const head = cells(line);
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i]!.trimStart().startsWith("|"); i++) {
        rows.push(cells(lines[i]!));
      }
      blocks.push({ kind: "table", head, rows });
      continue;
    }
    const item = /^\s*(?:([-*])|(\d+)[.)])\s+(.+)$/.exec(line);
    if (item) {
      const ordered = item[2] !== undefined;
      const items: string[] = [];
      while (i < lines.length) {
        const m = /^\s*(?:([-*])|(\d+)[.)])\s+(.+)$/.exec(lines[i]!);
        if (m && (m[2] !== undefined) === ordered) {
          items.push(m[3]!.trim());
        } else if (items.length && /^\s{2,}\S/.test(lines[i]!)) {
          items[items.length - 1] += ` ${lines[i]!.trim()}`; // a wrapped item continues
        } else break;
        i++;
      }
      blocks.push({ kind: "list", ordered, items });
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length && lines[i]!.trim() && !/^(#{1,3}\s|```|\s*([-*]|\d+[.)])\s)/.test(lines[i]!)
    ) {
      para.push(lines[i]!.trim());
      i++;
    }
    blocks.push({ kind: "paragraph", text: para.join(" ") });
  }
  return blocks;
}

/** Where a link may go: in-app paths, in-page anchors and https pages. */
function safeHref(href: string): string | null {
  if (/^\/(?!\/)/.test(href) || href.startsWith("#")) return href;
  if (/^https:\/\/[^\s]+$/.test(href)) return href;
  return null;
}

const INLINE = /`([^`]+)`|\*\*([^*]+)\*\*|\*([^*\s][^*]*)\*|\[([^\]]+)\]\(([^)\s]+)\)/g;

/** Renders inline markup: code, bold, italic and links (unsafe targets become plain text). */
export function renderInline(text: string): ComponentChildren {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(INLINE)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    if (m[1] !== undefined) out.push(<code>{m[1]}</code>);
    else if (m[2] !== undefined) out.push(<strong>{renderInline(m[2])}</strong>);
    else if (m[3] !== undefined) out.push(<em>{renderInline(m[3])}</em>);
    else {
      const href = safeHref(m[5]!);
      out.push(href ? <a href={href}>{renderInline(m[4]!)}</a> : renderInline(m[4]!));
    }
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** Renders blocks; the document's own `#` title is left to the page. */
export function MarkdownBlocks(props: { blocks: Block[] }): VNode {
  // Scrollable regions are landmarks: each needs a name of its own.
  let examples = 0;
  let tables = 0;
  return (
    <>
      {props.blocks.map((b, i) => {
        switch (b.kind) {
          case "heading":
            if (b.level === 1) return null;
            return b.level === 2
              ? <h2 key={i} id={b.id}>{renderInline(b.text)}</h2>
              : <h3 key={i} id={b.id}>{renderInline(b.text)}</h3>;
          case "paragraph":
            return <p key={i}>{renderInline(b.text)}</p>;
          case "list": {
            const items = b.items.map((t, j) => <li key={j}>{renderInline(t)}</li>);
            return b.ordered ? <ol key={i}>{items}</ol> : <ul key={i}>{items}</ul>;
          }
          case "code":
            return (
              // Focusable, so that a keyboard can scroll a long line sideways.
              <pre key={i} tabIndex={0} role="region" aria-label={`Example ${++examples}`}>
                <code>{b.text}</code>
              </pre>
            );
          case "table":
            return (
              <div
                key={i}
                class="table-wrap"
                tabIndex={0}
                role="region"
                aria-label={`Table ${++tables}: ${b.head.map(plainText).join(", ")}`}
              >
                <table>
                  <thead>
                    <tr>{b.head.map((h, j) => <th key={j} scope="col">{renderInline(h)}</th>)}</tr>
                  </thead>
                  <tbody>
                    {b.rows.map((row, j) => (
                      <tr key={j}>{row.map((cell, k) => <td key={k}>{renderInline(cell)}</td>)}</tr>
                    ))}
                  </tbody>
                </table>
              </div>
            );
        }
      })}
    </>
  );
}
