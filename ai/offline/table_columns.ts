/**
 * @module ai/offline/table_columns
 * A goods table's columns from its values when OCR left the header unreadable (issue 14, phone
 * photos): a short header misread past any fuzzy match ("$b", "Sb", "aty", "Ss"), or a whole
 * header row garbled. Header words are the weakest part of a photo (small, bold, often on a shaded
 * band), while the rows under them keep their shape: a column of money whose every value is
 * quantity x price is the amount, whatever its header says. So the columns the header could not
 * name are given the kinds it lacks (weight, price, amount) in the one way that makes the most rows
 * add up exactly, with nothing repaired: price x quantity = amount to the cent is the proof. The
 * arithmetic cannot tell a price from the quantity it multiplies; the smaller of the two is the
 * price (per pound against the pounds). Any other tie leaves the columns unread. Nothing here reads a header word, so it holds for
 * paperwork whose wording no list holds.
 * Measured on development photos with their header cells blanked (bench/documents_ocr_heldout.ts
 * --dev --garble-headers): docs/benchmarks.md.
 */

/** The kinds the row's arithmetic can prove. */
export type Provable = "weight" | "price" | "amount";

/** Every way to give some of `kinds` to distinct columns among `free` (at least one given). */
function assignments(kinds: Provable[], free: number[]): Array<Map<number, Provable>> {
  const out: Array<Map<number, Provable>> = [];
  const walk = (k: number, used: Map<number, Provable>) => {
    if (k === kinds.length) {
      if (used.size) out.push(new Map(used));
      return;
    }
    walk(k + 1, used); // this kind left out
    for (const column of free) {
      if (used.has(column)) continue;
      used.set(column, kinds[k]!);
      walk(k + 1, used);
      used.delete(column);
    }
  };
  walk(0, new Map());
  return out;
}

/**
 * The columns among `free` (indexes of unread header columns) given the `missing` kinds so that
 * `adds` (how many rows add up, read as they are) is highest, or null when no way beats the header
 * as it is or two different ways tie at the best.
 */
export function columnsByArithmetic(
  free: number[],
  missing: Provable[],
  adds: (given: Map<number, Provable>) => number,
  /** Among ways that add up alike: how well the values fit their kinds (prices the smaller). */
  fit: (given: Map<number, Provable>) => number = () => 0,
): Map<number, Provable> | null {
  if (!free.length || !missing.length) return null;
  const base = adds(new Map());
  let best: Array<Map<number, Provable>> = [];
  let top = base;
  for (const way of assignments(missing, free)) {
    const n = adds(way);
    if (n > top) [best, top] = [[way], n];
    else if (n === top && n > base) best.push(way);
  }
  if (!best.length) return null;
  // Of ways that add up alike, the one naming fewest columns (a column that changes no sum is not
  // proved: a code column taken for the weight of a table priced by the case); a tie is a guess.
  const fewest = Math.min(...best.map((w) => w.size));
  const narrowest = best.filter((w) => w.size === fewest);
  // Quantity x price is price x quantity: the two swapped add up alike, and the values' own kind
  // tells them apart (a price per pound is smaller than the pounds it prices).
  const top2 = Math.max(...narrowest.map(fit));
  const fitting = narrowest.filter((w) => fit(w) === top2);
  return fitting.length === 1 ? fitting[0]! : null;
}
