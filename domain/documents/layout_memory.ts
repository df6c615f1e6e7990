/**
 * @module domain/documents/layout_memory
 * Learning from corrections: when a reviewer changes a header field of a draft and accepts it,
 * the label printed beside or over the value they typed (on the same line before it, the cell to
 * its left, or the cell above it) is remembered as that field's label for documents of the same
 * sender and kind. The sender is keyed by the document's top lines (the letterhead), digits left
 * out, so that every confirmation from one packer shares a key while its numbers change. The
 * reader (ai/process.ts) passes the remembered labels to the provider for the next document.
 */
import type { Executor } from "../../db/transaction.ts";
import { type Clock, systemClock } from "../clock.ts";

export interface LearnedLabel {
  label: string;
  field: string;
  classification: string;
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z ]+/g, " ").replace(/\s+/g, " ").trim();
const cellsOf = (line: string) =>
  [...line.matchAll(/\S+(?: {1,2}\S+)*/g)].map((m) => ({
    text: m[0],
    start: m.index!,
    end: m.index! + m[0].length,
  }));

/** The sender key of a document's text: its first two lines' first cells, without digits. */
export function senderKey(text: string): string {
  const lines = text.split(/\r?\n/).filter((l) => l.trim()).slice(0, 2);
  return lines.map((l) => norm(cellsOf(l)[0]?.text ?? "")).filter(Boolean).join("|").slice(0, 120);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The ways a value may be printed (a date in several formats, money with separators). */
function printedForms(field: string, value: unknown): string[] {
  if (typeof value === "number") {
    if (field.endsWith("_cents")) {
      const units = (value / 100).toFixed(2);
      return [Number(units).toLocaleString("en-US", { minimumFractionDigits: 2 }), units];
    }
    return [String(value)];
  }
  if (typeof value !== "string" || !value.trim()) return [];
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?$/.exec(value);
  if (!m) return [value.trim()];
  const [, y, mo, d] = m;
  const mon = MONTHS[+mo! - 1]!;
  return [
    `${mo}/${d}/${y}`,
    `${+mo!}/${+d!}/${y}`,
    `${y}-${mo}-${d}`,
    `${mon} ${+d!}, ${y}`,
    `${d}-${mon.toUpperCase()}-${y!.slice(2)}`,
    `${d}-${mon}-${y!.slice(2)}`,
  ];
}

/** The label printed with `value` in `text`: before it on its line, or in the cell above it. */
export function labelFor(text: string, field: string, value: unknown): string | null {
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  for (const form of printedForms(field, value)) {
    for (let i = 0; i < lines.length; i++) {
      const at = lines[i]!.toLowerCase().indexOf(form.toLowerCase());
      if (at < 0) continue;
      const cells = cellsOf(lines[i]!);
      const cell = cells.find((c) => c.start <= at && c.end > at);
      const before = cell ? lines[i]!.slice(cell.start, at) : "";
      const candidates = [
        before,
        cells.filter((c) => c.end <= at).at(-1)?.text ?? "",
        cellsOf(lines[i - 1] ?? "").find((c) => c.start < at + form.length && c.end > at)?.text ??
          "",
      ];
      for (const raw of candidates) {
        const label = raw.replace(/[:#\s]+$/, "").trim();
        if (/[A-Za-z]{2}/.test(label) && label.length <= 40 && !/\d{3}/.test(label)) return label;
      }
    }
  }
  return null;
}

/** Remembers the labels of the header fields a reviewer corrected (in the accept transaction). */
export async function learnFromCorrections(
  db: Executor,
  doc: { text: string | null; classification: string | null },
  corrected: Array<{ field: string; corrected: unknown }>,
  clock: Clock = systemClock,
): Promise<number> {
  if (!doc.text || !doc.classification) return 0;
  const key = senderKey(doc.text);
  if (!key) return 0;
  const now = clock.now().toISOString();
  let learned = 0;
  for (const c of corrected) {
    if (c.field.includes(".") || c.field.endsWith("_id")) continue;
    const label = labelFor(doc.text, c.field, c.corrected);
    if (!label) continue;
    await db.execute({
      sql: `INSERT INTO document_layout_labels
              (sender_key, classification, field, label, hits, created_at, updated_at)
            VALUES (?, ?, ?, ?, 1, ?, ?)
            ON CONFLICT (sender_key, classification, field) DO UPDATE SET
              hits = CASE WHEN label = excluded.label THEN hits + 1 ELSE 1 END,
              label = excluded.label, updated_at = excluded.updated_at`,
      args: [key, doc.classification, c.field, label, now, now],
    });
    learned++;
  }
  return learned;
}

/** The labels remembered for the sender of `text`. */
export async function learnedLabels(db: Executor, text: string): Promise<LearnedLabel[]> {
  const key = senderKey(text);
  if (!key) return [];
  const rs = await db.execute({
    sql: `SELECT classification, field, label FROM document_layout_labels WHERE sender_key = ?
          ORDER BY updated_at DESC, classification, field LIMIT 50`,
    args: [key],
  });
  return rs.rows.map((r) => ({
    classification: String(r.classification),
    field: String(r.field),
    label: String(r.label),
  }));
}

export interface CorrectionRate {
  classification: string;
  /** The sender's letterhead (its first line), as the documents print it. */
  sender: string;
  month: string;
  field: string;
  reviewed: number;
  corrected: number;
}

/**
 * Field-by-field correction rates of accepted documents per kind, sender and month (for Settings →
 * Documents): how often reviewers had to change what the reader found, so that a sender whose
 * paperwork keeps being corrected shows up.
 */
export async function correctionRates(db: Executor): Promise<CorrectionRate[]> {
  const docs = await db.execute(`
    SELECT d.id, d.classification, d.text, d.reviewed_at,
      json_extract(d.draft, '$.reviewed_fields') AS reviewed
    FROM documents d WHERE d.status = 'accepted' ORDER BY d.reviewed_at, d.id`);
  const fixes = await db.execute(`
    SELECT c.document_id, c.field FROM document_corrections c
    JOIN documents d ON d.id = c.document_id WHERE d.status = 'accepted'`);
  const corrected = new Map<string, Set<string>>();
  for (const r of fixes.rows) {
    const set = corrected.get(String(r.document_id)) ?? new Set();
    set.add(String(r.field).replace(/^lines\.\d+\./, "lines."));
    corrected.set(String(r.document_id), set);
  }
  const out = new Map<string, CorrectionRate>();
  for (const r of docs.rows) {
    const text = String(r.text ?? "");
    const sender = cellsOf(text.split(/\r?\n/).find((l) => l.trim()) ?? "")[0]?.text ?? "";
    const fields = new Set(
      (JSON.parse(String(r.reviewed ?? "[]")) as string[]).map((f) =>
        f.replace(/^lines\.\d+\./, "lines.")
      ),
    );
    const fixed = corrected.get(String(r.id)) ?? new Set<string>();
    for (const field of new Set([...fields, ...fixed])) {
      const row = {
        classification: String(r.classification ?? "other"),
        sender: sender.slice(0, 80),
        month: String(r.reviewed_at ?? "").slice(0, 7),
        field,
      };
      const key = JSON.stringify(row);
      const rate = out.get(key) ?? { ...row, reviewed: 0, corrected: 0 };
      rate.reviewed++;
      if (fixed.has(field)) rate.corrected++;
      out.set(key, rate);
    }
  }
  return [...out.values()];
}

/** What the reader has learned for one sender: the labels it now reads each field by. */
export interface LearnedSender {
  senderKey: string;
  labels: Array<{ classification: string; field: string; label: string; hits: number }>;
  updatedAt: string;
}

/** Every sender with learned labels, most recently taught first (for Settings → Documents). */
export async function learnedSenders(db: Executor): Promise<LearnedSender[]> {
  const rs = await db.execute(`
    SELECT sender_key, classification, field, label, hits, updated_at
    FROM document_layout_labels ORDER BY updated_at DESC, sender_key, field LIMIT 2000`);
  const out = new Map<string, LearnedSender>();
  for (const r of rs.rows) {
    const key = String(r.sender_key);
    const sender = out.get(key) ?? { senderKey: key, labels: [], updatedAt: String(r.updated_at) };
    sender.labels.push({
      classification: String(r.classification),
      field: String(r.field),
      label: String(r.label),
      hits: Number(r.hits),
    });
    out.set(key, sender);
  }
  return [...out.values()];
}

/** Forgets what corrections taught about one sender; its next document is read by the rules. */
export async function forgetSender(db: Executor, senderKey: string): Promise<number> {
  const rs = await db.execute({
    sql: "DELETE FROM document_layout_labels WHERE sender_key = ?",
    args: [senderKey],
  });
  return rs.rowsAffected;
}

/** Correction rates added up by the given keys (kind and sender, or kind and field), worst first. */
export function ratesBy(
  rates: CorrectionRate[],
  keys: Array<"classification" | "sender" | "month" | "field">,
): Array<CorrectionRate & { share: number }> {
  const out = new Map<string, CorrectionRate>();
  for (const r of rates) {
    const id = JSON.stringify(keys.map((k) => r[k]));
    const sum = out.get(id) ??
      { classification: "", sender: "", month: "", field: "", reviewed: 0, corrected: 0 };
    for (const k of keys) sum[k] = r[k];
    sum.reviewed += r.reviewed;
    sum.corrected += r.corrected;
    out.set(id, sum);
  }
  return [...out.values()]
    .map((r) => ({ ...r, share: r.reviewed ? r.corrected / r.reviewed : 0 }))
    .sort((a, b) => b.share - a.share || b.reviewed - a.reviewed);
}
