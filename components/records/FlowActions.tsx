/**
 * @module components/records/FlowActions
 * The next steps a record's page offers (issue 17): from a PO, sell it and book its load; from a
 * sales order, book the load; from a load, send the rate confirmation, record the POD and invoice
 * it; from an invoice, send it and record a payment; from a customer, record a payment and send a
 * statement or reminder. Links to one-screen flows; nothing happens until that screen is saved.
 */
import type { SentMail } from "../../domain/flows/mailing.ts";
import * as fmt from "../../domain/format.ts";
import { T, useT, useWords } from "../Words.tsx";

interface Step {
  href: string;
  label: string;
}

function stepsOf(collection: string, id: string, record: Record<string, unknown>): Step[] {
  switch (collection) {
    case "purchase-orders":
      return [
        { href: `/purchase-orders/${id}/sales-order/new`, label: "Create sales order" },
        { href: `/purchase-orders/${id}/load/new`, label: "Book load" },
      ];
    case "sales-orders":
      return [{ href: `/sales-orders/${id}/load/new`, label: "Book load" }];
    case "loads":
      return [
        ...(record.carrier_id
          ? [{ href: `/loads/${id}/rate-confirmation/send`, label: "Send rate confirmation" }]
          : []),
        { href: `/loads/${id}/pod`, label: "Record POD" },
        ...(record.sales_order_id ? [{ href: `/loads/${id}/invoice/new`, label: "Invoice" }] : []),
      ];
    case "invoices":
      return record.state === "void" ? [] : [
        { href: `/invoices/${id}/send`, label: record.state === "draft" ? "Send" : "Send again" },
        ...(record.state === "sent" && Number(record.outstanding_cents) > 0
          ? [{
            href: `/customers/${record.customer_id}/receive-payment?invoice=${id}`,
            label: "Record payment",
          }]
          : []),
      ];
    case "customers":
      return [
        { href: `/customers/${id}/receive-payment`, label: "Record payment" },
        { href: `/customers/${id}/statement`, label: "Send statement" },
      ];
    default:
      return [];
  }
}

/** The flow links of a record's page; nothing when its type has none or the user cannot write. */
export function FlowActions(
  props: { collection: string; id: string; record: Record<string, unknown>; writable: boolean },
) {
  const words = useWords();
  if (!props.writable) return null;
  const steps = stepsOf(props.collection, props.id, props.record);
  if (!steps.length) return null;
  return (
    <nav class="flow-actions" aria-label={words("Next steps")}>
      {steps.map((s) => <a key={s.href} class="button secondary" href={s.href}>{words(s.label)}
      </a>)}
    </nav>
  );
}

/** What was e-mailed about a record (invoices, rate confirmations, statements), newest first. */
export function MailLog(props: { mail: SentMail[]; format: fmt.FormatSettings }) {
  const t = useT();
  if (!props.mail.length) return null;
  return (
    <section class="card mail-log" aria-labelledby="mail-log-title">
      <h2 id="mail-log-title">
        <T>E-mailed</T>
      </h2>
      <ul>
        {props.mail.map((m) => (
          <li key={m.id}>
            <time dateTime={m.sent_at}>{fmt.instant(m.sent_at, props.format)}</time>{" "}
            {t("mail_log.sent_to", { subject: m.subject, to: m.to })}
            {m.attachment ? ` (${m.attachment})` : ""}
            {m.sent_by ? ` ${t("mail_log.by", { name: m.sent_by })}` : ""}
          </li>
        ))}
      </ul>
    </section>
  );
}
