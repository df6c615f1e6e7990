/**
 * @module components/records/PaperworkLink
 * The "Download PDF" button of a record that has outgoing paperwork (an invoice, a sales order's
 * sales confirmation, a purchase order, a load's rate confirmation); nothing for other records.
 */
import { T } from "../Words.tsx";

/** A download link to the record's PDF, or nothing when `href` is null. */
export function PaperworkLink(props: { href: string | null }) {
  if (!props.href) return null;
  return (
    <a class="button secondary" href={props.href} download>
      <T>Download PDF</T>
    </a>
  );
}
