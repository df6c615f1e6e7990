/**
 * @module bench/documents_novel
 * The reader on paperwork it was never written for: the novel corpus (ai/fixtures/novel_corpus.ts,
 * labels that no dictionary of the rules holds, layouts the varied corpus does not draw), text
 * PDFs. Prints type, header precision and recall and line recall per kind for the held-out half,
 * the development half for reference, calibration, and how many values were found by type and
 * position with no label. Target on the held-out half: header recall >= 70% at precision >= 95%.
 *
 * `./scripts/deno task bench:novel [--per-layout N] [--misses dev|held-out|third] [--dev-only]
 * [--third] [--fourth]`. Tune rules on development misses only (`--dev-only` reads nothing else;
 * `--fourth` adds the fourth corpus, development layouts of an account number before the
 * document's number and rows of four values, ai/fixtures/fourth_corpus.ts); the held-out half and
 * the third corpus (written after the rules, ai/fixtures/third_corpus.ts) are for the figure.
 */
import { novelCorpus } from "../ai/fixtures/novel_corpus.ts";
import { thirdCorpus } from "../ai/fixtures/third_corpus.ts";
import { fourthCorpus } from "../ai/fixtures/fourth_corpus.ts";
import type { VariedDoc } from "../ai/fixtures/varied_corpus.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import { finalizeDraft } from "../domain/documents/draft.ts";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { seedOptionLists } from "../tenants/seed_defaults.ts";
import { offlineProvider } from "../ai/offline/mod.ts";
import {
  calibration,
  emptyTally,
  HEADER_ROW,
  merge,
  row,
  type Tally,
  tally,
} from "./documents_score.ts";

type Db = Awaited<ReturnType<typeof openDatabase>>;

async function readAll(docs: VariedDoc[], db: Db) {
  const byKind = new Map<string, Tally>();
  const all = emptyTally();
  let positional = { found: 0, right: 0 };
  for (const doc of docs) {
    const pages = await pdfPages(await doc.pdf());
    const { raw } = await offlineProvider.extract({
      text: pages.map((p) => p.lines.join("\n")).join("\n\f\n"),
      pages: pages.length,
      name: doc.name,
      us: "Acme Brokerage LLC",
    });
    const draft = await finalizeDraft(db, raw);
    const t = emptyTally();
    tally(t, doc.name, draft, raw.classification, doc.expected);
    if (!byKind.has(doc.kind)) byKind.set(doc.kind, emptyTally());
    merge(byKind.get(doc.kind)!, t);
    merge(all, t);
    for (const [k, v] of Object.entries(draft.fields)) {
      if (!v.why?.includes("no label")) continue;
      positional.found++;
      const want = doc.expected.fields[k];
      if (want !== undefined && String(want).toLowerCase() === String(v.value).toLowerCase()) {
        positional.right++;
      }
    }
  }
  positional = { ...positional };
  return { byKind, all, positional };
}

/** Reads both halves; prints the report; returns the held-out tally. */
export async function benchNovel(
  opts: {
    perLayout?: number;
    misses?: "dev" | "held-out" | "third";
    print?: boolean;
    /** Read the development half only (while changing rules: the held-out figure stays unseen). */
    devOnly?: boolean;
    /** Also read the third corpus (ai/fixtures/third_corpus.ts). */
    third?: boolean;
    /** Also read the fourth corpus (development, ai/fixtures/fourth_corpus.ts). */
    fourth?: boolean;
  } = {},
): Promise<Tally> {
  const log = opts.print === false ? () => {} : console.log;
  const dir = await Deno.makeTempDir({ prefix: "pm-bench-novel-" });
  const db = await openDatabase({ url: `file:${dir}/tenant.db` });
  try {
    await migrate(db, "tenant");
    await seedOptionLists(db);
    const corpus = novelCorpus({ perLayout: opts.perLayout ?? 3 });
    const dev = await readAll(corpus.filter((d) => !d.heldOut), db);
    const fourth = opts.fourth ? await readAll(fourthCorpus(), db) : null;
    const printFourth = (misses: boolean) => {
      if (!fourth) return;
      log(HEADER_ROW);
      for (const [kind, t] of fourth.byKind) log(row(`fourth ${kind}`, t));
      log(row("fourth (development), all", fourth.all));
      if (misses) { for (const m of fourth.all.misses) log(`  ${m}`); }
    };
    if (opts.devOnly) {
      log(row("development, all", dev.all));
      for (const m of dev.all.misses) log(`  ${m}`);
      printFourth(true);
      return dev.all;
    }
    const held = await readAll(corpus.filter((d) => d.heldOut), db);
    log(
      `\nNovel layouts and wordings, text PDFs: ${corpus.length} documents, ${held.all.docs} held out`,
    );
    log(HEADER_ROW);
    for (const [kind, t] of held.byKind) log(row(`held-out ${kind}`, t));
    log(row("held-out, all", held.all));
    log(row("development, all", dev.all));
    log("Calibration on held-out header values:");
    for (const line of calibration(held.all)) log(line);
    log(
      `fields found by type and position, no label (held-out): ${held.positional.found}, ` +
        `${held.positional.right} right`,
    );
    if (opts.misses === "dev" || opts.misses === "held-out") {
      log(`\nMisses (${opts.misses}):`);
      for (const m of (opts.misses === "dev" ? dev : held).all.misses) log(`  ${m}`);
    }
    printFourth(opts.misses === "dev");
    if (opts.third) {
      const third = await readAll(thirdCorpus(), db);
      log(`\nThird corpus (written after the rules, all held out): ${third.all.docs} documents`);
      log(HEADER_ROW);
      for (const [kind, t] of third.byKind) log(row(`third ${kind}`, t));
      log(row("third, all", third.all));
      for (const line of calibration(third.all)) log(line);
      if (opts.misses === "third") { for (const m of third.all.misses) log(`  ${m}`); }
    }
    const h = held.all.header;
    const [prec, rec] = [h.correct / Math.max(1, h.found), h.correct / Math.max(1, h.expected)];
    log(
      `\nheld-out header recall / precision: ${(rec * 100).toFixed(1)}% / ${
        (prec * 100).toFixed(1)
      }%   (target >= 70% / >= 95%) ${rec >= 0.7 && prec >= 0.95 ? "met" : "MISSED"}`,
    );
    return held.all;
  } finally {
    db.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--misses");
  const per = Deno.args.indexOf("--per-layout");
  await benchNovel({
    misses: at >= 0 ? (Deno.args[at + 1] as "dev" | "held-out" | "third") : undefined,
    devOnly: Deno.args.includes("--dev-only"),
    third: Deno.args.includes("--third"),
    fourth: Deno.args.includes("--fourth"),
    perLayout: per >= 0 ? Number(Deno.args[per + 1]) : undefined,
  });
}
