/**
 * @module bench/documents_ocr_preprocess
 * Does thresholding a phone photo differently before tesseract reads it help its table lines
 * (issue 14)? Tesseract binarizes every page itself; version 5 offers, besides its global Otsu
 * threshold (`thresholding_method` 0, in use), a tiled adaptive Otsu (1) and Sauvola's local
 * threshold (2), meant for uneven light. Inside tesseract they cost no JavaScript decoding (which
 * costs more than the whole reading: ai/ocr.ts). This reads the development photos that
 * `bench/documents_ocr_heldout.ts --dev2 --render --images DIR` kept, once per setting in rotating
 * order (so a machine shared with other work weighs on all alike), and prints CPU time per page,
 * header precision and recall and line recall for each. Development photos only.
 *
 * `./scripts/deno run -A bench/documents_ocr_preprocess.ts --dev2 --images DIR [--limit N]`
 */
import process from "node:process";
import { documents } from "./documents_ocr_heldout.ts";
import { documentText } from "../ai/text.ts";
import { OCR_SETTINGS, type OcrSettings, stopOcr } from "../ai/ocr.ts";
import { offlineProvider } from "../ai/offline/mod.ts";
import { finalizeDraft } from "../domain/documents/draft.ts";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { seedOptionLists } from "../tenants/seed_defaults.ts";
import { emptyTally, HEADER_ROW, merge, row, tally } from "./documents_score.ts";

const VARIANTS: Array<[string, OcrSettings]> = [
  // Tesseract keeps a parameter until it is set again, so each variant names its method.
  ["Otsu, global (tesseract's default)", {
    ...OCR_SETTINGS,
    params: { ...OCR_SETTINGS.params, thresholding_method: "0" },
  }],
  ["adaptive Otsu, tiled", {
    ...OCR_SETTINGS,
    params: { ...OCR_SETTINGS.params, thresholding_method: "1" },
  }],
  ["Sauvola, local", {
    ...OCR_SETTINGS,
    params: { ...OCR_SETTINGS.params, thresholding_method: "2" },
  }],
];

if (import.meta.main) {
  const dirAt = Deno.args.indexOf("--images");
  const dev2 = Deno.args.includes("--dev2");
  if (dirAt < 0 || !dev2) {
    throw new Error("usage: --dev2 --images DIR (development photos only)");
  }
  const dir = Deno.args[dirAt + 1]!;
  const lim = Deno.args.indexOf("--limit");
  const docs = documents(3).map((d) => ({ ...d, image: "photo" as const }))
    .slice(0, lim >= 0 ? Number(Deno.args[lim + 1]) : undefined);
  const tmp = await Deno.makeTempDir({ prefix: "pm-bench-pre-" });
  const db = await openDatabase({ url: `file:${tmp}/tenant.db` });
  const runs = VARIANTS.map(() => ({ tally: emptyTally(), cpuMs: 0 }));
  try {
    await migrate(db, "tenant");
    await seedOptionLists(db);
    // Warm the worker so that no variant pays for starting it.
    await documentText(
      await Deno.readFile(`${dir}/${docs[0]!.name}.${docs[0]!.image}.jpg`),
      "image/jpeg",
      {
        ocr: true,
      },
    );
    for (const [n, doc] of docs.entries()) {
      const image = await Deno.readFile(`${dir}/${doc.name}.${doc.image}.jpg`);
      for (let j = 0; j < VARIANTS.length; j++) {
        const v = (n + j) % VARIANTS.length;
        const cpu = process.cpuUsage();
        const text = await documentText(image, "image/jpeg", {
          ocr: true,
          ocrSettings: VARIANTS[v]![1],
        });
        const used = process.cpuUsage(cpu);
        runs[v]!.cpuMs += (used.user + used.system) / 1000;
        const { raw } = await offlineProvider.extract({
          text: text.text,
          pages: 1,
          name: doc.name,
          method: "ocr",
          us: "Acme Brokerage LLC",
        });
        const t = emptyTally();
        tally(t, doc.name, await finalizeDraft(db, raw), raw.classification, {
          ...doc.expected,
          lines: doc.expected.lines.slice(0, 12),
        });
        merge(runs[v]!.tally, t);
      }
      console.error(`${n + 1}/${docs.length}`);
    }
  } finally {
    await stopOcr();
    db.close();
    await Deno.remove(tmp, { recursive: true });
  }
  console.log(`Development photos, ${docs.length}, each read once per setting`);
  console.log(`${HEADER_ROW}  CPU/page`);
  VARIANTS.forEach(([name], v) => {
    const r = runs[v]!;
    console.log(`${row(name, r.tally)}  ${(r.cpuMs / docs.length / 1000).toFixed(2)} s`);
  });
  const load = await Deno.readTextFile("/proc/loadavg").catch(() => "");
  console.log(`load average at the end: ${load.split(" ").slice(0, 3).join(", ")}`);
}
