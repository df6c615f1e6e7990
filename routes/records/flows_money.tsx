/**
 * @module routes/records/flows_money
 * The flows that send paperwork or take money in (issue 17), as pages: send a load's rate
 * confirmation, send an invoice, record a customer's payment over several invoices (the split
 * suggested from the remittance advice, every amount editable), send a statement or a reminder.
 * Plain forms that work without JavaScript; each shows what was already e-mailed.
 */
import { useT } from "../../components/Words.tsx";
import { formatsFor } from "../../i18n/mod.ts";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { localizedError } from "../../http/errors.ts";
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import { type AppContext, type AppEnv, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { recordContext } from "../../http/records.ts";
import { AppError, NotFoundError } from "../../domain/errors.ts";
import { isId } from "../../db/ids.ts";
import { carriers, customers, invoices, loads, payments } from "../../domain/catalog.ts";
import { getRecord } from "../../domain/records/repository.ts";
import { parseDollars } from "../../domain/records/fields.ts";
import * as fmt from "../../domain/format.ts";
import {
  customerBillingAddress,
  mailOf,
  sendInvoice,
  sendRateConfirmation,
  sendStatement,
} from "../../domain/flows/mailing.ts";
import {
  type Allocation,
  matchRemittance,
  openInvoices,
  receivePayment,
} from "../../domain/flows/receipts.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { MailLog } from "../../components/records/FlowActions.tsx";
import { mailingDeps, requireWriteOf } from "./_flows.ts";
import { isUnconfirmedSender } from "../../domain/outside_mail.ts";

function idOf(c: AppContext, what: string): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw new NotFoundError(`No such ${what}.`);
  return id;
}

async function form(c: AppContext): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v.trim();
  return out;
}

/**
 * Runs a send; a refusal the user can fix comes back as a message on the same form, in the
 * reader's language (http/errors.ts `localizedError`).
 */
async function attempt(c: AppContext, work: () => Promise<unknown>): Promise<string | null> {
  try {
    await work();
    return null;
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) throw err;
    return localizedError(err, languageOf(c)).message;
  }
}

/**
 * Runs a send of mail to an outsider: like `attempt`, and a member whose own address is
 * unconfirmed also reads why on the same form, the page answering 403 (nothing was sent).
 */
async function attemptSend(
  c: AppContext,
  work: () => Promise<unknown>,
): Promise<{ text: string; status: 403 | 422 } | null> {
  try {
    const text = await attempt(c, work);
    return text ? { text, status: 422 } : null;
  } catch (err) {
    if (!isUnconfirmedSender(err)) throw err;
    return { text: localizedError(err, languageOf(c)).message, status: 403 };
  }
}

function SendForm(
  props: {
    action: string;
    csrf: string;
    to: string;
    button: string;
    cancel: string;
    message?: string | null;
    children?: ComponentChildren;
  },
) {
  const t = useT();
  return (
    <form method="post" action={props.action} class="stack-form">
      <CsrfInput token={props.csrf} />
      {props.message
        ? (
          <div class="flash error" role="alert">
            <p>{props.message}</p>
          </div>
        )
        : null}
      {props.children}
      <div class="field">
        <label for="send-to">{t("send.to")}</label>
        <input id="send-to" name="to" type="email" defaultValue={props.to} required />
      </div>
      <div class="field">
        <label for="send-message">{t("send.opening_line")}</label>
        <textarea id="send-message" name="message" rows={3} maxLength={2000} />
        <p class="hint">{t("send.opening_hint")}</p>
      </div>
      <div class="form-actions">
        <button class="button primary" type="submit">{props.button}</button>
        <a class="button secondary" href={props.cancel}>{t("send.cancel")}</a>
      </div>
    </form>
  );
}

const app = new Hono<AppEnv>();
for (const path of ["loads", "invoices", "customers"]) app.use(`/${path}/:id/*`, memberPage());

// The rate confirmation to the carrier.
async function rateScreen(
  c: AppContext,
  id: string,
  message?: string | null,
  to?: string,
  status?: 403 | 422,
) {
  const db = tenantOf(c).db;
  const load = await getRecord(db, loads, id);
  const carrier = load.carrier_id ? await getRecord(db, carriers, String(load.carrier_id)) : null;
  const [mail, format] = await Promise.all([
    mailOf(db, "loads", id),
    fmt.loadFormatSettings(db).then((f) => formatsFor(f, languageOf(c))),
  ]);
  const t = tOf(c);
  const number = String(load.number);
  return renderApp(
    c,
    t("rate.title", { number }),
    <>
      <p class="breadcrumb">
        <a href={`/loads/${id}`}>{t("rate.load_back", { number })}</a>
      </p>
      <h1>{t("rate.title", { number })}</h1>
      <p>
        {carrier ? t("rate.to_carrier", { carrier: String(carrier.name) }) : t("rate.no_carrier")}
        {" "}
        {fmt.money(load.freight_cents, format)}.{" "}
        <a href={`/loads/${id}/rate-confirmation.pdf`}>{t("rate.print")}</a>
      </p>
      <SendForm
        action={`/loads/${id}/rate-confirmation/send`}
        csrf={c.get("csrfToken")}
        to={to ?? String(carrier?.dispatch_email ?? "")}
        button={t("rate.send")}
        cancel={`/loads/${id}`}
        message={message}
      />
      <MailLog mail={mail} format={format} />
    </>,
    status ?? (message ? 422 : 200),
  );
}

app.get("/loads/:id/rate-confirmation/send", (c) => {
  requireWriteOf(c, loads);
  return rateScreen(c, idOf(c, "load"));
});

app.post("/loads/:id/rate-confirmation/send", async (c) => {
  requireWriteOf(c, loads);
  const id = idOf(c, "load");
  const body = await form(c);
  const deps = await mailingDeps(c);
  const refused = await attemptSend(
    c,
    () => sendRateConfirmation(deps, recordContext(c), id, { to: body.to, message: body.message }),
  );
  if (refused) return rateScreen(c, id, refused.text, body.to, refused.status);
  return c.redirect(`/loads/${id}?sent=rate-confirmation`, 303);
});

// The invoice to the customer.
async function invoiceScreen(
  c: AppContext,
  id: string,
  message?: string | null,
  to?: string,
  status?: 403 | 422,
) {
  const db = tenantOf(c).db;
  const invoice = await getRecord(db, invoices, id);
  const customer = await getRecord(db, customers, String(invoice.customer_id));
  const [mail, format, address] = await Promise.all([
    mailOf(db, "invoices", id),
    fmt.loadFormatSettings(db).then((f) => formatsFor(f, languageOf(c))),
    customerBillingAddress(db, String(invoice.customer_id)),
  ]);
  const t = tOf(c);
  const number = String(invoice.number);
  return renderApp(
    c,
    t("invoice_send.title", { number }),
    <>
      <p class="breadcrumb">
        <a href={`/invoices/${id}`}>{t("invoice_send.back", { number })}</a>
      </p>
      <h1>{t("invoice_send.title", { number })}</h1>
      <p>
        {t("invoice_send.to", {
          customer: String(customer.name),
          amount: fmt.money(invoice.total_cents, format),
        })}
        {invoice.due_date
          ? t("invoice_send.due", { date: fmt.date(invoice.due_date, format) })
          : ""}. {invoice.state === "draft" ? `${t("invoice_send.draft")} ` : ""}
        {t("invoice_send.explain")}{" "}
        <a href={`/invoices/${id}/invoice.pdf`}>
          {t("invoice_send.preview")}
        </a>
      </p>
      <SendForm
        action={`/invoices/${id}/send`}
        csrf={c.get("csrfToken")}
        to={to ?? address ?? ""}
        button={t("invoice_send.send")}
        cancel={`/invoices/${id}`}
        message={message}
      />
      <MailLog mail={mail} format={format} />
    </>,
    status ?? (message ? 422 : 200),
  );
}

app.get("/invoices/:id/send", (c) => {
  requireWriteOf(c, invoices);
  return invoiceScreen(c, idOf(c, "invoice"));
});

app.post("/invoices/:id/send", async (c) => {
  requireWriteOf(c, invoices);
  const id = idOf(c, "invoice");
  const body = await form(c);
  const deps = await mailingDeps(c);
  const refused = await attemptSend(
    c,
    () => sendInvoice(deps, recordContext(c), id, { to: body.to, message: body.message }),
  );
  if (refused) return invoiceScreen(c, id, refused.text, body.to, refused.status);
  return c.redirect(`/invoices/${id}?sent=invoice`, 303);
});

// A customer's payment over one or several invoices.
interface ReceiptForm {
  paid_on: string;
  amount: string;
  method: string;
  reference: string;
  remittance: string;
  amounts: Record<string, string>;
}

/**
 * The workspace's formats with the customer's currency: a customer's invoices, and so the receipt
 * and statement over them, are in the customer's currency, not necessarily the workspace's.
 */
function inCustomerCurrency(format: fmt.FormatSettings, customer: Record<string, unknown>) {
  const currency = typeof customer.currency === "string" && customer.currency;
  return currency ? { ...format, currency } : format;
}

async function receiptScreen(
  c: AppContext,
  id: string,
  entered: ReceiptForm | null,
  message?: string | null,
) {
  const tenant = tenantOf(c);
  const customer = await getRecord(tenant.db, customers, id);
  const [open, format] = await Promise.all([
    openInvoices(tenant.db, id),
    fmt.loadFormatSettings(tenant.db).then((f) =>
      inCustomerCurrency(formatsFor(f, languageOf(c)), customer)
    ),
  ]);
  const q = c.req.query();
  const chosen = q.invoice ? open.find((i) => i.id === q.invoice) : undefined;
  const f: ReceiptForm = entered ?? {
    paid_on: q.paid_on || tenant.today,
    amount: q.amount ?? (chosen ? fmt.decimalAmount(chosen.outstanding_cents) : ""),
    method: q.method ?? "",
    reference: q.reference ?? "",
    remittance: q.remittance ?? "",
    amounts: {},
  };
  // Without amounts typed per invoice, the split is suggested from the amount and remittance.
  const cents = parseDollars(f.amount);
  if (!entered && cents !== null && !Number.isNaN(cents)) {
    for (const a of matchRemittance(open, cents, f.remittance).allocations) {
      f.amounts[a.invoice_id] = fmt.decimalAmount(a.amount_cents);
    }
  }
  const methods = (await tenant.db.execute(
    "SELECT value FROM option_values WHERE list = 'payment_method' AND archived_at IS NULL ORDER BY position",
  )).rows.map((r) => String(r.value));
  const t = tOf(c);
  const name = String(customer.name);
  return renderApp(
    c,
    t("receipt.title", { customer: name }),
    <>
      <p class="breadcrumb">
        <a href={`/customers/${id}`}>{t("receipt.customer_back", { name })}</a>
      </p>
      <h1>{t("receipt.title", { customer: name })}</h1>
      {message
        ? (
          <div class="flash error" role="alert">
            <p>{message}</p>
          </div>
        )
        : null}
      <form method="get" action={`/customers/${id}/receive-payment`} class="stack-form">
        <div class="field">
          <label for="pay-amount">{t("receipt.amount")}</label>
          <input id="pay-amount" name="amount" inputMode="decimal" defaultValue={f.amount} />
        </div>
        <div class="field">
          <label for="pay-remittance">{t("receipt.remittance")}</label>
          <textarea id="pay-remittance" name="remittance" rows={4} defaultValue={f.remittance} />
          <p class="hint">{t("receipt.remittance_hint")}</p>
        </div>
        <input type="hidden" name="paid_on" value={f.paid_on} />
        <input type="hidden" name="method" value={f.method} />
        <input type="hidden" name="reference" value={f.reference} />
        <button class="button secondary" type="submit">{t("receipt.suggest")}</button>
      </form>
      <form
        method="post"
        action={`/customers/${id}/receive-payment`}
        class="stack-form receipt-form"
      >
        <CsrfInput token={c.get("csrfToken")} />
        <input type="hidden" name="amount" value={f.amount} />
        <input type="hidden" name="remittance" value={f.remittance} />
        <div class="field">
          <label for="pay-date">{t("receipt.received_on")}</label>
          <input id="pay-date" name="paid_on" type="date" defaultValue={f.paid_on} required />
        </div>
        <div class="field">
          <label for="pay-method">{t("receipt.method")}</label>
          <select id="pay-method" name="method">
            <option value="">—</option>
            {methods.map((m) => <option key={m} value={m} selected={m === f.method}>{m}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="pay-reference">{t("receipt.reference")}</label>
          <input id="pay-reference" name="reference" maxLength={120} defaultValue={f.reference} />
        </div>
        {open.length === 0
          ? <p class="empty-state">{t("receipt.no_open", { customer: name })}</p>
          : (
            <div class="table-wrap">
              <table class="records receipt-split">
                <caption>
                  {t("receipt.apply_amount", {
                    amount: f.amount && cents !== null && !Number.isNaN(cents)
                      ? fmt.money(cents, format)
                      : t("receipt.the_payment"),
                  })}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">{t("receipt.invoice")}</th>
                    <th scope="col">{t("receipt.due")}</th>
                    <th scope="col" class="num">{t("receipt.outstanding")}</th>
                    <th scope="col" class="num">{t("receipt.apply")}</th>
                  </tr>
                </thead>
                <tbody>
                  {open.map((inv) => (
                    <tr key={inv.id}>
                      <th scope="row">
                        <a href={`/invoices/${inv.id}`}>{inv.number}</a>
                      </th>
                      <td data-label={t("receipt.due")}>{fmt.date(inv.due_date, format)}</td>
                      <td class="num" data-label={t("receipt.outstanding")}>
                        {fmt.money(inv.outstanding_cents, format)}
                      </td>
                      <td class="num" data-label={t("receipt.apply")}>
                        <input
                          name={`apply.${inv.id}`}
                          inputMode="decimal"
                          class="money-input"
                          aria-label={t("receipt.apply_to", { number: String(inv.number) })}
                          defaultValue={f.amounts[inv.id] ?? ""}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        <div class="form-actions">
          <button class="button primary" type="submit">{t("receipt.record")}</button>
          <a class="button secondary" href={`/customers/${id}`}>{t("receipt.cancel")}</a>
        </div>
      </form>
    </>,
    message ? 422 : 200,
  );
}

app.get("/customers/:id/receive-payment", (c) => {
  requireWriteOf(c, payments);
  return receiptScreen(c, idOf(c, "customer"), null);
});

app.post("/customers/:id/receive-payment", async (c) => {
  requireWriteOf(c, payments);
  const id = idOf(c, "customer");
  const body = await form(c);
  const entered: ReceiptForm = {
    paid_on: body.paid_on ?? "",
    amount: body.amount ?? "",
    method: body.method ?? "",
    reference: body.reference ?? "",
    remittance: body.remittance ?? "",
    amounts: {},
  };
  const allocations: Allocation[] = [];
  let bad = false;
  for (const [k, v] of Object.entries(body)) {
    if (!k.startsWith("apply.") || v === "") continue;
    entered.amounts[k.slice(6)] = v;
    const cents = parseDollars(v);
    if (cents === null || Number.isNaN(cents) || cents < 0) bad = true;
    else allocations.push({ invoice_id: k.slice(6), amount_cents: cents });
  }
  if (bad) return receiptScreen(c, id, entered, "Write each amount in dollars, like 1,250.00.");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(entered.paid_on)) {
    return receiptScreen(c, id, entered, "Give the date the payment was received.");
  }
  const total = allocations.reduce((s, a) => s + a.amount_cents, 0);
  const message = await attempt(c, () =>
    receivePayment(recordContext(c), id, {
      paid_on: entered.paid_on,
      amount_cents: total,
      method: entered.method || null,
      reference: entered.reference || null,
      allocations,
    }));
  if (message) return receiptScreen(c, id, entered, message);
  return c.redirect(`/customers/${id}?saved=1`, 303);
});

// A statement or a reminder.
async function statementScreen(
  c: AppContext,
  id: string,
  message?: string | null,
  to?: string,
  status?: 403 | 422,
) {
  const db = tenantOf(c).db;
  const customer = await getRecord(db, customers, id);
  const [open, format, address] = await Promise.all([
    openInvoices(db, id),
    fmt.loadFormatSettings(db).then((f) =>
      inCustomerCurrency(formatsFor(f, languageOf(c)), customer)
    ),
    customerBillingAddress(db, id),
  ]);
  const today = tenantOf(c).today;
  const overdue = open.filter((i) => i.due_date && i.due_date < today);
  const t = tOf(c);
  const name = String(customer.name);
  return renderApp(
    c,
    t("statement.title", { customer: name }),
    <>
      <p class="breadcrumb">
        <a href={`/customers/${id}`}>{t("receipt.customer_back", { name })}</a>
      </p>
      <h1>{t("statement.title", { customer: name })}</h1>
      <p>
        {t("statement.summary", {
          open: open.length,
          amount: fmt.money(open.reduce((s, i) => s + i.outstanding_cents, 0), format),
          overdue: overdue.length,
        })}
      </p>
      <SendForm
        action={`/customers/${id}/statement`}
        csrf={c.get("csrfToken")}
        to={to ?? address ?? ""}
        button={t("statement.send")}
        cancel={`/customers/${id}`}
        message={message}
      >
        <fieldset>
          <legend>{t("statement.what")}</legend>
          <label class="choice">
            <input type="radio" name="kind" value="statement" checked />{" "}
            {t("statement.kind_statement")}
          </label>
          <label class="choice">
            <input type="radio" name="kind" value="reminder" /> {t("statement.kind_reminder")}
          </label>
        </fieldset>
      </SendForm>
      <MailLog mail={await mailOf(db, "customers", id)} format={format} />
    </>,
    status ?? (message ? 422 : 200),
  );
}

app.get("/customers/:id/statement", (c) => {
  requireWriteOf(c, payments);
  return statementScreen(c, idOf(c, "customer"));
});

app.post("/customers/:id/statement", async (c) => {
  requireWriteOf(c, payments);
  const id = idOf(c, "customer");
  const body = await form(c);
  const kind = body.kind === "reminder" ? "reminder" : "statement";
  const deps = await mailingDeps(c);
  const today = tenantOf(c).today;
  const refused = await attemptSend(
    c,
    () => sendStatement(deps, recordContext(c), id, { kind, to: body.to, today }),
  );
  if (refused) return statementScreen(c, id, refused.text, body.to, refused.status);
  return c.redirect(`/customers/${id}?sent=${kind}`, 303);
});

export default app;
