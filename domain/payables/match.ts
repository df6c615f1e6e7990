/**
 * @module domain/payables/match
 * Matching a bill with what was agreed. A carrier's freight bill is compared with its load's
 * agreed freight rate; a supplier's invoice with its purchase order (amount and weight ordered)
 * and with the weight received on the PO's loads (as signed for on the BOL): the three-way match.
 * Differences beyond the tenant's tolerance are flagged. Computed when read, so a later change to
 * the load or the PO shows at once; the margin uses the billed freight (rules/margin.ts).
 */
import { z } from "zod";
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "../records/rows.ts";
import { getMatchTolerance, type MatchTolerance, overTolerance } from "./tolerance.ts";

const CheckSchema = z.object({
  check: z.enum(["freight", "amount", "weight_ordered", "weight_received"]),
  label: z.string(),
  unit: z.enum(["cents", "lb"]),
  expected: z.number(),
  billed: z.number(),
  difference: z.number().describe("Billed minus expected."),
  over_tolerance: z.boolean(),
});

/** The `match` object of a bill in the API (and its OpenAPI schema). */
export const BillMatchSchema = z.object({
  status: z.enum(["not_linked", "matched", "differences", "incomplete"]),
  against: z.object({ collection: z.string(), id: z.string() }).nullable(),
  tolerance: z.object({ percent: z.number(), cents: z.number() }),
  checks: z.array(CheckSchema),
  problems: z.array(z.string()).describe("What could not be compared or does not fit."),
});

export type BillMatch = z.infer<typeof BillMatchSchema>;
export type MatchCheck = z.infer<typeof CheckSchema>;

function check(
  kind: MatchCheck["check"],
  label: string,
  unit: MatchCheck["unit"],
  expected: number,
  billed: number,
  tolerance: MatchTolerance,
): MatchCheck {
  const round = (n: number) => unit === "lb" ? Math.round(n * 100) / 100 : Math.round(n);
  const difference = round(billed - expected);
  return {
    check: kind,
    label,
    unit,
    expected: round(expected),
    billed: round(billed),
    difference,
    over_tolerance: overTolerance(expected, difference, unit, tolerance),
  };
}

/** Differences win; then anything still to come (no weight received yet) leaves it incomplete. */
function verdict(checks: MatchCheck[], problems: string[], pending: string[]) {
  if (checks.some((c) => c.over_tolerance) || problems.length) return "differences" as const;
  return pending.length ? "incomplete" as const : "matched" as const;
}

async function matchCarrierBill(
  db: Executor,
  bill: RecordValues,
  tolerance: MatchTolerance,
): Promise<BillMatch> {
  const against = { collection: "loads", id: String(bill.load_id) };
  const rs = await db.execute({
    sql: `SELECT l.freight_cents, l.carrier_id,
            (SELECT SUM(b.total_cents) FROM bills b WHERE b.load_id = l.id AND b.kind = 'carrier'
              AND b.state <> 'void' AND b.archived_at IS NULL) AS billed_cents
          FROM loads l WHERE l.id = ?`,
    args: [against.id],
  });
  const load = rs.rows[0];
  const problems: string[] = [];
  if (!load) return { status: "not_linked", against: null, tolerance, checks: [], problems };
  if (load.carrier_id && bill.carrier_id && load.carrier_id !== bill.carrier_id) {
    problems.push("The load is booked with another carrier.");
  }
  // Every carrier bill of the load together (freight, then detention...) against the rate.
  const billed = bill.state === "void"
    ? Number(bill.total_cents)
    : Number(load.billed_cents ?? bill.total_cents);
  const checks = [
    check(
      "freight",
      "Freight billed vs agreed rate",
      "cents",
      Number(load.freight_cents),
      billed,
      tolerance,
    ),
  ];
  return { status: verdict(checks, problems, []), against, tolerance, checks, problems };
}

async function matchSupplierInvoice(
  db: Executor,
  bill: RecordValues,
  tolerance: MatchTolerance,
): Promise<BillMatch> {
  const against = { collection: "purchase-orders", id: String(bill.purchase_order_id) };
  const rs = await db.execute({
    sql: `SELECT po.total_cents, po.total_weight_lb, po.supplier_id,
            (SELECT SUM(l.received_weight_lb) FROM loads l WHERE l.purchase_order_id = po.id
              AND l.archived_at IS NULL AND (? IS NULL OR l.id = ?)) AS received_lb
          FROM purchase_orders po WHERE po.id = ?`,
    args: [
      bill.load_id as string | null ?? null,
      bill.load_id as string | null ?? null,
      against.id,
    ],
  });
  const po = rs.rows[0];
  const problems: string[] = [];
  if (!po) return { status: "not_linked", against: null, tolerance, checks: [], problems };
  if (bill.supplier_id && po.supplier_id !== bill.supplier_id) {
    problems.push("The purchase order is from another supplier.");
  }
  const checks = [
    check(
      "amount",
      "Amount billed vs PO lines",
      "cents",
      Number(po.total_cents),
      Number(bill.total_cents),
      tolerance,
    ),
  ];
  const billedLb = Number(bill.total_weight_lb ?? 0);
  const pending: string[] = [];
  if (billedLb > 0) {
    checks.push(
      check(
        "weight_ordered",
        "Weight billed vs PO lines",
        "lb",
        Number(po.total_weight_lb),
        billedLb,
        tolerance,
      ),
    );
    if (po.received_lb === null) {
      pending.push("No weight received is recorded on the PO's loads yet.");
    } else {
      checks.push(
        check(
          "weight_received",
          "Weight billed vs weight received (BOL)",
          "lb",
          Number(po.received_lb),
          billedLb,
          tolerance,
        ),
      );
    }
  } else {
    pending.push("The bill has no weights on its lines to compare with the weight received.");
  }
  return {
    status: verdict(checks, problems, pending),
    against,
    tolerance,
    checks,
    problems: [...problems, ...pending],
  };
}

/** Compares a bill (as the repository returns it) with its load or purchase order. */
export async function matchBill(db: Executor, bill: RecordValues): Promise<BillMatch> {
  const tolerance = await getMatchTolerance(db);
  if (bill.kind === "carrier" && bill.load_id) return await matchCarrierBill(db, bill, tolerance);
  if (bill.kind === "supplier" && bill.purchase_order_id) {
    return await matchSupplierInvoice(db, bill, tolerance);
  }
  return { status: "not_linked", against: null, tolerance, checks: [], problems: [] };
}
