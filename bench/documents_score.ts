/**
 * @module bench/documents_score
 * Tallies for the document benchmark: header fields (precision, recall), lines of goods (recall),
 * type, and every header value's confidence beside whether it was right (for calibration).
 */
import type { Draft } from "../domain/documents/draft.ts";
import type { Expected } from "../ai/fixtures/corpus.ts";

export interface Tally {
  docs: number;
  typed: number;
  header: { expected: number; found: number; correct: number };
  lines: { expected: number; correct: number };
  calibration: Array<{ confidence: number; right: boolean }>;
  misses: string[];
}

export const emptyTally = (): Tally => ({
  docs: 0,
  typed: 0,
  header: { expected: 0, found: 0, correct: 0 },
  lines: { expected: 0, correct: 0 },
  calibration: [],
  misses: [],
});

function same(a: unknown, b: unknown): boolean {
  if (typeof a === "number" || typeof b === "number") {
    return Math.abs(Number(a) - Number(b)) < 0.001;
  }
  return String(a).trim().toLowerCase() === String(b).trim().toLowerCase();
}

/** Header values of a draft with their confidences, keyed as the fixtures key them. */
function headerOf(draft: Draft): Map<string, { value: unknown; confidence: number }> {
  const out = new Map<string, { value: unknown; confidence: number }>();
  for (const [k, v] of Object.entries(draft.fields)) out.set(k, v);
  for (const [k, p] of Object.entries(draft.parties)) {
    for (const key of ["name", "est_number", "mc_number", "dot_number"] as const) {
      if (p[key]) out.set(`${k}.${key}`, { value: p[key], confidence: p.confidence });
    }
  }
  for (const [k, r] of Object.entries(draft.refs)) {
    out.set(k, { value: r.number, confidence: r.confidence });
  }
  return out;
}

/** Adds one read document to a tally. */
export function tally(
  t: Tally,
  name: string,
  draft: Draft,
  classification: string,
  e: Expected,
): void {
  t.docs++;
  if (classification === e.classification) t.typed++;
  else t.misses.push(`${name}: type ${classification}, expected ${e.classification}`);
  const want = new Map<string, unknown>(Object.entries(e.fields));
  for (const [k, p] of Object.entries(e.parties)) {
    for (const [key, v] of Object.entries(p)) want.set(`${k}.${key}`, v);
  }
  for (const [k, v] of Object.entries(e.refs)) want.set(k, v);
  const got = headerOf(draft);
  t.header.expected += want.size;
  for (const [k, v] of want) {
    const g = got.get(k);
    if (g && same(g.value, v)) t.header.correct++;
    else {t.misses.push(
        `${name}: ${k} expected ${JSON.stringify(v)}, got ${JSON.stringify(g?.value ?? null)}`,
      );}
  }
  for (const [k, g] of got) {
    // Party details the fixture does not name are neither right nor wrong.
    if (!want.has(k) && /\.(name|est_number|mc_number|dot_number)$/.test(k)) continue;
    t.header.found++;
    const right = want.has(k) && same(g.value, want.get(k));
    if (!want.has(k)) t.misses.push(`${name}: ${k} not expected, got ${JSON.stringify(g.value)}`);
    t.calibration.push({ confidence: g.confidence, right });
  }
  t.lines.expected += e.lines.length;
  e.lines.forEach((line, i) => {
    const g = draft.lines[i];
    const ok = g && Object.entries(line).every(([k, v]) => g[k] && same(g[k]!.value, v));
    if (ok) t.lines.correct++;
    else if (t.misses.length < 2000) {
      t.misses.push(`${name}: line ${i} expected ${JSON.stringify(line)}`);
    }
  });
  if (draft.lines.length > e.lines.length) {
    t.misses.push(`${name}: ${draft.lines.length - e.lines.length} extra lines`);
  }
}

export function merge(into: Tally, t: Tally): void {
  into.docs += t.docs;
  into.typed += t.typed;
  for (const k of ["expected", "found", "correct"] as const) into.header[k] += t.header[k];
  into.lines.expected += t.lines.expected;
  into.lines.correct += t.lines.correct;
  into.calibration.push(...t.calibration);
  into.misses.push(...t.misses);
}

const pct = (a: number, b: number) => (b ? `${(a / b * 100).toFixed(1)}%` : "-");

/** One row: docs, type, header precision and recall, line recall. */
export function row(label: string, t: Tally): string {
  return [
    label.padEnd(30),
    String(t.docs).padStart(4),
    pct(t.typed, t.docs).padStart(8),
    pct(t.header.correct, t.header.found).padStart(9),
    pct(t.header.correct, t.header.expected).padStart(9),
    pct(t.lines.correct, t.lines.expected).padStart(9),
  ].join(" ");
}

export const HEADER_ROW = `${"".padEnd(30)} docs     type   h.prec    h.rec  lines.rec`;

/** Share right per confidence band, and how many wrong values sit at or above 0.8. */
export function calibration(t: Tally): string[] {
  const bands: Array<[number, number]> = [[0, 0.5], [0.5, 0.8], [0.8, 0.9], [0.9, 1.01]];
  const out = bands.map(([lo, hi]) => {
    const inBand = t.calibration.filter((c) => c.confidence >= lo && c.confidence < hi);
    const right = inBand.filter((c) => c.right).length;
    return `  confidence ${lo.toFixed(1)}-${Math.min(hi, 1).toFixed(1)}: ${
      String(inBand.length).padStart(5)
    } values, ${pct(right, inBand.length)} right`;
  });
  const wrong = t.calibration.filter((c) => !c.right);
  const hidden = wrong.filter((c) => c.confidence >= 0.8).length;
  out.push(`  wrong values at or above the 0.8 highlight threshold: ${hidden} of ${wrong.length}`);
  return out;
}

/** The share right among values at >= 0.9 (target >= 98%). */
export function confidentShare(t: Tally): number {
  const hi = t.calibration.filter((c) => c.confidence >= 0.9);
  return hi.length ? hi.filter((c) => c.right).length / hi.length : 1;
}
