/**
 * @module assistant/examples
 * Questions to try, filled in from the tenant's own records (a real EST number, a carrier with
 * loads on the road, a customer with a balance), so that the first click gives a real answer.
 * Generic questions stand in for what the tenant does not have yet.
 */
import type { Executor } from "../db/transaction.ts";
import type { Configuration } from "../customization/document/schema.ts";
import { phrase, phraseIn } from "../customization/terms.ts";

/**
 * Up to seven example questions for the assistant page, in the tenant's words ("Margin on
 * shipments last week"); names from the records stay as written.
 */
export async function exampleQuestions(
  db: Executor,
  config?: Configuration | null,
): Promise<string[]> {
  const [plant, carrier, customer] = await Promise.all([
    db.execute(
      `SELECT p.est_number, s.proteins FROM plants p JOIN suppliers s ON s.id = p.supplier_id
       WHERE p.est_number IS NOT NULL AND p.archived_at IS NULL ORDER BY p.created_at, p.id LIMIT 1`,
    ),
    db.execute(
      `SELECT c.name FROM loads l JOIN carriers c ON c.id = l.carrier_id
       WHERE l.status IN ('booked', 'dispatched', 'picked_up') AND l.archived_at IS NULL
       GROUP BY c.id ORDER BY COUNT(*) DESC LIMIT 1`,
    ),
    db.execute(
      `SELECT c.name FROM invoices i JOIN customers c ON c.id = i.customer_id
       WHERE i.state = 'sent' AND i.outstanding_cents > 0 AND i.archived_at IS NULL
       GROUP BY c.id ORDER BY SUM(i.outstanding_cents) DESC LIMIT 1`,
    ),
  ]);
  const est = plant.rows[0];
  const protein = est ? (JSON.parse(String(est.proteins ?? "[]")) as string[])[0] : undefined;
  return [
    "Which invoices are over 60 days past due?",
    phrase`Margin on loads last week`,
    "Top customers this month",
    est
      ? `Who supplies ${protein ? protein.toLowerCase() : "product"} from EST ${est.est_number}?`
      : "Who supplies beef from EST 969?",
    carrier.rows[0]
      ? phrase`Open loads for ${carrier.rows[0].name}`
      : "Whose insurance expires soon?",
    customer.rows[0]
      ? `What does ${customer.rows[0].name} owe?`
      : phrase`List open purchase orders`,
    "Receivables aging",
  ].map((question) => phraseIn(config, question));
}
