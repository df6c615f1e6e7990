/**
 * @module bench/documents
 * The document reader on the varied corpus (ai/fixtures/varied_corpus.ts): 480 text PDFs in 96
 * layouts, scored on the held-out half (layouts and wordings never used while writing the rules)
 * per kind and per layout, with the development half beside it for reference, confidence
 * calibration, and time per page; when Chromium is installed, a sample of held-out pages is also
 * rendered as degraded scans and photos (skew, blur, noise, JPEG, 150 and 200 dpi) and read
 * through OCR. `deno task bench` prints the summary rows; run this file for the full report:
 * `./scripts/deno run -A bench/documents.ts [--misses dev] [--no-scans]`.
 */
import { variedCorpus, type VariedDoc } from "../ai/fixtures/varied_corpus.ts";
import { UNSEEN_LAYOUTS } from "../ai/fixtures/varied.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import { finalizeDraft } from "../domain/documents/draft.ts";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { seedOptionLists } from "../tenants/seed_defaults.ts";
import { offlineProvider } from "../ai/offline/mod.ts";
import type { ExtractionProvider } from "../ai/extraction.ts";
import {
  calibration,
  confidentShare,
  emptyTally,
  HEADER_ROW,
  merge,
  row,
  type Tally,
  tally,
} from "./documents_score.ts";

export interface DocumentBenchRow {
  name: string;
  value: string;
  target: string;
  ok: boolean | null;
}

interface Run {
  byKind: Map<string, Tally>;
  byLayout: Map<string, Tally>;
  all: Tally;
  ms: number;
  pages: number;
}

async function readAll(
  docs: VariedDoc[],
  provider: ExtractionProvider,
  db: Awaited<ReturnType<typeof openDatabase>>,
  text: (doc: VariedDoc) => Promise<{ text: string; pages: number; method: string }>,
): Promise<Run> {
  const run: Run = { byKind: new Map(), byLayout: new Map(), all: emptyTally(), ms: 0, pages: 0 };
  for (const doc of docs) {
    const started = performance.now();
    const read = await text(doc);
    const { raw } = await provider.extract({ ...read, name: doc.name, us: "Acme Brokerage LLC" });
    const draft = await finalizeDraft(db, raw);
    run.ms += performance.now() - started;
    run.pages += read.pages;
    const t = emptyTally();
    tally(t, doc.name, draft, raw.classification, doc.expected);
    for (
      const [map, key] of [[run.byKind, doc.kind], [
        run.byLayout,
        `${doc.kind} L${doc.layout}`,
      ]] as const
    ) {
      if (!map.has(key)) map.set(key, emptyTally());
      merge(map.get(key)!, t);
    }
    merge(run.all, t);
  }
  return run;
}

const pct = (n: number) => `${(n * 100).toFixed(1)}%`;
const share = (a: number, b: number) => (b ? a / b : 1);
/** A share as a percentage, or "-" when nothing was counted (a reader that found nothing). */
const pctOf = (a: number, b: number) => (b ? pct(a / b) : "-");

/** Runs the benchmark; prints the report when `print`; returns the summary rows. */
export async function benchDocuments(
  opts: {
    print?: boolean;
    misses?: "dev" | "held-out";
    scans?: boolean;
    perLayout?: number;
    /** The offline reader by default; `ai/bench_extract.ts --provider=openai` passes OpenAI's. */
    provider?: ExtractionProvider;
  } = {},
): Promise<DocumentBenchRow[]> {
  const provider = opts.provider ?? offlineProvider;
  // Another provider reads the held-out half only (each document is a paid request).
  const devToo = provider === offlineProvider;
  const log = opts.print ? console.log : () => {};
  const dir = await Deno.makeTempDir({ prefix: "pm-bench-documents-" });
  const db = await openDatabase({ url: `file:${dir}/tenant.db` });
  const rows: DocumentBenchRow[] = [];
  try {
    await migrate(db, "tenant");
    await seedOptionLists(db);
    const corpus = variedCorpus({ perLayout: opts.perLayout ?? 5 });
    const pdfs = new Map<string, Uint8Array>();
    for (const doc of corpus) pdfs.set(doc.name, await doc.pdf());
    await pdfPages(pdfs.get(corpus[0]!.name)!); // load pdf.js before timing
    const fromPdf = async (doc: VariedDoc) => {
      const pages = await pdfPages(pdfs.get(doc.name)!);
      return {
        text: pages.map((p) => p.lines.join("\n")).join("\n\f\n"),
        pages: pages.length,
        method: "pdf",
      };
    };
    const dev = devToo
      ? await readAll(corpus.filter((d) => !d.heldOut), provider, db, fromPdf)
      : undefined;
    const held = await readAll(corpus.filter((d) => d.heldOut), provider, db, fromPdf);
    log(
      `\nDocument reader (${provider.name}), text PDFs: ${corpus.length} documents, ${held.all.docs} in held-out layouts${
        devToo ? "" : " (only these read)"
      }`,
    );
    log(HEADER_ROW);
    for (const [kind, t] of held.byKind) log(row(`held-out ${kind}`, t));
    log(row("held-out, all", held.all));
    if (dev) log(row("development, all (for reference)", dev.all));
    log("\nHeld-out, per layout:");
    for (const [layout, t] of held.byLayout) log(row(`  ${layout}`, t));
    log("\nCalibration on held-out header values:");
    for (const line of calibration(held.all)) log(line);
    const perPage = held.ms / held.pages;
    log(`time per text PDF page: ${perPage.toFixed(1)} ms (target <= 300 ms)`);
    // Labels in wordings the vocabulary does not list: what a new sender's paperwork may look like.
    const unseenDocs = variedCorpus({ perLayout: opts.perLayout ?? 5, layouts: UNSEEN_LAYOUTS });
    const unseenPdfs = new Map<string, Uint8Array>();
    for (const doc of unseenDocs) unseenPdfs.set(doc.name, await doc.pdf());
    const unseen = await readAll(unseenDocs, provider, db, async (doc) => {
      const pages = await pdfPages(unseenPdfs.get(doc.name)!);
      return {
        text: pages.map((p) => p.lines.join("\n")).join("\n\f\n"),
        pages: pages.length,
        method: "pdf",
      };
    });
    log(
      `\nHeld-out layouts whose labels are wordings the vocabulary does not list (${unseen.all.docs} documents, 2 layouts per kind):`,
    );
    log(HEADER_ROW);
    for (const [kind, t] of unseen.byKind) log(row(`unseen ${kind}`, t));
    log(row("unseen wordings, all", unseen.all));
    for (const line of calibration(unseen.all)) log(line);
    if (Deno.args.includes("--unseen-misses")) { for (const m of unseen.all.misses) log(`  ${m}`); }
    if (opts.misses) {
      const run = opts.misses === "dev" && dev ? dev : held;
      log(`\nMisses (${opts.misses}):`);
      for (const m of run.all.misses) log(`  ${m}`);
    }
    const h = held.all;
    rows.push(
      {
        name: `documents${devToo ? "" : ` (${provider.name})`}, held-out text PDFs: type right`,
        value: pct(share(h.typed, h.docs)),
        target: ">= 98%",
        ok: share(h.typed, h.docs) >= 0.98,
      },
      {
        name: `documents${
          devToo ? "" : ` (${provider.name})`
        }, held-out text PDFs: header precision / recall`,
        value: `${pctOf(h.header.correct, h.header.found)} / ${
          pctOf(h.header.correct, h.header.expected)
        }`,
        target: ">= 98% / >= 95%",
        ok: share(h.header.correct, h.header.found) >= 0.98 &&
          share(h.header.correct, h.header.expected) >= 0.95,
      },
      {
        name: `documents${
          devToo ? "" : ` (${provider.name})`
        }, held-out text PDFs: line items recall`,
        value: pct(share(h.lines.correct, h.lines.expected)),
        target: ">= 95%",
        ok: share(h.lines.correct, h.lines.expected) >= 0.95,
      },
      {
        name: `documents${devToo ? "" : ` (${provider.name})`}, unseen wordings: header prec / rec`,
        value: `${pctOf(unseen.all.header.correct, unseen.all.header.found)} / ${
          pctOf(unseen.all.header.correct, unseen.all.header.expected)
        }`,
        target: "(no target)",
        ok: null,
      },
      {
        name: `documents${
          devToo ? "" : ` (${provider.name})`
        }, held-out: right among confidence >= 0.9`,
        // None at 0.9 or above is no evidence either way.
        value: h.calibration.some((c) => c.confidence >= 0.9) ? pct(confidentShare(h)) : "-",
        target: ">= 98%",
        ok: h.calibration.some((c) => c.confidence >= 0.9) ? confidentShare(h) >= 0.98 : null,
      },
      {
        name: "documents, text PDF time per page",
        value: `${perPage.toFixed(1)} ms`,
        target: "<= 300 ms",
        ok: perPage <= 300,
      },
    );
    if (opts.scans !== false && devToo) rows.push(...await benchScans(corpus, pdfs, db, log));
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
  return rows;
}

async function benchScans(
  corpus: VariedDoc[],
  pdfs: Map<string, Uint8Array>,
  db: Awaited<ReturnType<typeof openDatabase>>,
  log: (...a: unknown[]) => void,
): Promise<DocumentBenchRow[]> {
  let scans: typeof import("./documents_scan.ts");
  try {
    scans = await import("./documents_scan.ts");
  } catch (err) {
    log(`\nScans skipped: ${err instanceof Error ? err.message : err}`);
    return [];
  }
  return await scans.benchScannedPages(corpus, pdfs, db, log);
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--misses");
  const rows = await benchDocuments({
    print: true,
    misses: at >= 0 ? (Deno.args[at + 1] as "dev" | "held-out") : undefined,
    scans: !Deno.args.includes("--no-scans"),
    perLayout: Deno.args.includes("--per-layout")
      ? Number(Deno.args[Deno.args.indexOf("--per-layout") + 1])
      : undefined,
  });
  console.log("");
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(58)} ${r.value.padEnd(18)} ${r.target.padEnd(18)} ${
        r.ok === null ? "" : r.ok ? "met" : "MISSED"
      }`,
    );
  }
}
