/**
 * @module components/records/InvoiceDisputes
 * On an invoice's page: the lines its customer disputed from the invoice portal, with their
 * reasons and outcome (domain/disputes.ts), and for a member who may change invoices, the two
 * ways to resolve an open one: accept with a credit (the line's amount by default) or reject with
 * a reason the customer reads. Plain forms; nothing when the invoice has no dispute.
 */
import type { Dispute } from "../../domain/disputes.ts";
import * as fmt from "../../domain/format.ts";
import { CsrfInput } from "../Form.tsx";
import { useT } from "../Words.tsx";

/** The invoice's disputes as a section above its details. */
export function InvoiceDisputes(
  props: {
    invoiceId: string;
    disputes: readonly Dispute[];
    format: fmt.FormatSettings;
    /** The member's CSRF token when they may resolve disputes; null shows no forms. */
    csrf: string | null;
    /** The outcome just saved, to confirm it ("accepted", "rejected"), if any. */
    resolved?: string | null;
  },
) {
  const t = useT();
  if (!props.disputes.length) return null;
  const f = props.format;
  const open = props.disputes.filter((d) => d.status === "open");
  const credited = props.disputes.reduce((s, d) => s + d.credit_cents, 0);
  const status = (d: Dispute) =>
    d.status === "open"
      ? <span class="badge warn">{t("dispute.status_open")}</span>
      : d.status === "accepted"
      ? (
        <span class="badge ok">
          {t("dispute.status_accepted", { amount: fmt.money(d.credit_cents, f) })}
        </span>
      )
      : <span class="badge">{t("dispute.status_rejected")}</span>;
  return (
    <section
      class={open.length ? "flash warning" : "flash"}
      id="invoice-disputes"
      aria-labelledby="invoice-disputes-title"
    >
      <h2 id="invoice-disputes-title">{t("dispute.heading")}</h2>
      {props.resolved === "accepted" || props.resolved === "rejected"
        ? (
          <p role="status">
            <strong>
              {props.resolved === "accepted"
                ? t("dispute.resolved_accepted")
                : t("dispute.resolved_rejected")}
            </strong>
          </p>
        )
        : null}
      {open.length ? <p>{t("dispute.open_intro", { count: open.length })}</p> : null}
      {credited ? <p>{t("dispute.credited_total", { amount: fmt.money(credited, f) })}</p> : null}
      <ul class="disputes">
        {props.disputes.map((d) => (
          <li key={d.id} data-dispute={d.id} data-status={d.status}>
            <p>
              <strong>{d.line_description || t("dispute.line")}</strong>{" "}
              ({fmt.money(d.line_amount_cents, f)}) {status(d)}
            </p>
            <p>{t("dispute.customer_reason")}: {d.reason}</p>
            {d.resolution_note ? <p>{t("dispute.broker_note")}: {d.resolution_note}</p> : null}
            {d.status === "open" && props.csrf
              ? <ResolveForms invoiceId={props.invoiceId} dispute={d} f={f} csrf={props.csrf} />
              : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function ResolveForms(
  props: { invoiceId: string; dispute: Dispute; f: fmt.FormatSettings; csrf: string },
) {
  const t = useT();
  const d = props.dispute;
  const action = `/invoices/${props.invoiceId}/disputes/${d.id}/resolve`;
  const id = (name: string) => `${name}-${d.id}`;
  return (
    <div class="dispute-actions">
      <form method="post" action={action} class="stack-form">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="outcome" value="accept" />
        <div class="field">
          <label for={id("credit")}>{t("dispute.credit_amount")}</label>
          <input
            id={id("credit")}
            name="credit_amount"
            inputMode="decimal"
            defaultValue={fmt.decimalAmount(d.line_amount_cents)}
            aria-describedby={id("credit-hint")}
            required
          />
          <p class="hint" id={id("credit-hint")}>
            {t("dispute.credit_hint", { amount: fmt.money(d.line_amount_cents, props.f) })}
          </p>
        </div>
        <div class="field">
          <label for={id("accept-note")}>{t("dispute.note")}</label>
          <textarea id={id("accept-note")} name="note" rows={2} maxLength={2000} />
        </div>
        <button class="button primary" type="submit">{t("dispute.accept")}</button>
      </form>
      <details>
        <summary class="button secondary">{t("dispute.reject")}…</summary>
        <form method="post" action={action} class="stack-form">
          <CsrfInput token={props.csrf} />
          <input type="hidden" name="outcome" value="reject" />
          <div class="field">
            <label for={id("reject-note")}>{t("dispute.reject_reason")}</label>
            <textarea
              id={id("reject-note")}
              name="note"
              rows={2}
              minLength={3}
              maxLength={2000}
              required
            />
          </div>
          <button class="button danger" type="submit">{t("dispute.reject")}</button>
        </form>
      </details>
    </div>
  );
}
