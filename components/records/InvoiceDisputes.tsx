/**
 * @module components/records/InvoiceDisputes
 * On an invoice's page: the lines its customer disputed from the invoice portal, with their
 * reasons (portal/disputes.ts); nothing when there are none.
 */
import type { InvoiceDispute } from "../../portal/disputes.ts";

/** The open disputes of an invoice as a warning above its details. */
export function InvoiceDisputes(props: { disputes: readonly InvoiceDispute[] }) {
  if (!props.disputes.length) return null;
  return (
    <div class="flash warning" role="status" id="invoice-disputes">
      <p>
        <strong>
          The customer disputes{" "}
          {props.disputes.length === 1 ? "a line" : `${props.disputes.length} lines`}{" "}
          of this invoice (from the invoice portal):
        </strong>
      </p>
      <ul>
        {props.disputes.map((d) => (
          <li key={d.id}>
            {d.lineDescription || "A line"}: {d.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
