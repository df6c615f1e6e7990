/**
 * @module domain/units
 * Weight units (LB or KG) of a workspace and its products. The workspace's unit
 * (`formats.weight_unit`) is where new products and free-text lines start, and the unit totals are
 * read in (domain/format.ts `poundsAs`); a product's own unit overrides it for its lines: a line
 * that names a product and no unit is weighed in the product's unit. A line's weight is entered
 * and printed in its own unit, its price is per that unit, and totals convert exactly
 * (1 lb = 0.45359237 kg) into the pounds they are kept in (`total_weight_lb`).
 */
import type { Executor } from "../db/transaction.ts";
import type { RecordValues } from "./records/rows.ts";
import { convertWeight } from "./format.ts";

/** The weight units a workspace, a product or a line may use. */
export type WeightUnit = "LB" | "KG";

function isUnit(value: unknown): value is WeightUnit {
  return value === "LB" || value === "KG";
}

/**
 * Gives each line that names a product but no unit (in `input`, as the client sent it) the
 * product's unit in `lines` (the lines about to be stored, in the same order).
 */
export async function unitsFromProducts(
  tx: Executor,
  input: readonly RecordValues[],
  lines: RecordValues[],
): Promise<void> {
  const wanted = (line: RecordValues | undefined) =>
    line && !isUnit(line.weight_unit) && typeof line.product_id === "string" && line.product_id
      ? line.product_id
      : null;
  const ids = [...new Set(input.map(wanted).filter((id): id is string => id !== null))];
  if (!ids.length) return;
  const rs = await tx.execute({
    sql: `SELECT id, weight_unit FROM products WHERE id IN (${ids.map(() => "?").join(", ")})`,
    args: ids,
  });
  const units = new Map(rs.rows.map((r) => [String(r.id), r.weight_unit]));
  input.forEach((line, i) => {
    const id = wanted(line);
    const unit = id ? units.get(id) : undefined;
    if (isUnit(unit) && lines[i]) lines[i]!.weight_unit = unit;
  });
}

/** Whether `value` is LB or KG. */
export function isWeightUnit(value: unknown): value is WeightUnit {
  return isUnit(value);
}

/**
 * The unit a load's weights are entered in (the POD's received weight): the unit of its order's
 * lines when they all share one (the sales order's, else the purchase order's; a product's own
 * unit reaches its lines, see above), else the workspace's.
 */
export async function loadWeightUnit(
  tx: Executor,
  load: RecordValues,
  workspaceUnit: WeightUnit,
): Promise<WeightUnit> {
  for (
    const [table, key] of [
      ["sales_order_lines", "sales_order_id"],
      ["purchase_order_lines", "purchase_order_id"],
    ] as const
  ) {
    const id = load[key];
    if (typeof id !== "string" || !id) continue;
    const rs = await tx.execute({
      sql: `SELECT DISTINCT weight_unit FROM ${table} WHERE ${key} = ? AND weight > 0`,
      args: [id],
    });
    if (rs.rows.length === 1 && isUnit(rs.rows[0]!.weight_unit)) return rs.rows[0]!.weight_unit;
    if (rs.rows.length > 1) return workspaceUnit;
  }
  return workspaceUnit;
}

/** Pounds to keep for a weight entered in `unit` (exactly 1 lb = 0.45359237 kg), to 1/1000 lb. */
export function poundsOf(weight: number, unit: WeightUnit): number {
  return Math.round(convertWeight(weight, unit, "LB") * 1000) / 1000;
}

/** A weight kept in pounds as it reads in `unit`, to 1/1000 of that unit. */
export function poundsIn(pounds: number, unit: WeightUnit): number {
  return Math.round(convertWeight(pounds, "LB", unit) * 1000) / 1000;
}

/** The products that carry their own unit, by id (the line editor switches a line to it). */
export async function productUnits(
  tx: Executor,
  limit = 2000,
): Promise<Record<string, WeightUnit>> {
  const rs = await tx.execute({
    sql: `SELECT id, weight_unit FROM products WHERE archived_at IS NULL
          AND weight_unit IN ('LB', 'KG') ORDER BY id LIMIT ?`,
    args: [limit],
  });
  return Object.fromEntries(
    rs.rows.filter((r) => isUnit(r.weight_unit)).map((r) => [String(r.id), r.weight_unit]),
  ) as Record<string, WeightUnit>;
}

/**
 * A line of the line editor after one of its cells changed: choosing a product weighs the line in
 * the product's unit (the rule above, applied as the user picks). Pure, for the island.
 */
export function lineAfterInput<T extends Record<string, string>>(
  line: T,
  name: string,
  value: string,
  units: Readonly<Record<string, WeightUnit>> | undefined,
): T {
  const next = { ...line, [name]: value };
  const unit = name === "product_id" && value ? units?.[value] : undefined;
  return unit && "weight_unit" in line ? { ...next, weight_unit: unit } : next;
}
