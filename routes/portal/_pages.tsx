/**
 * @module routes/portal/_pages
 * The customer's invoice portal, reached only by a signed link from the invoice e-mail:
 * `/portal/:token` (the invoice, its lines, the customer's open statement), its PDF, "pay by card
 * or ACH" (Stripe Checkout on the tenant's own account) and "dispute a line". No account, no
 * session: the token is the only credential, and it opens nothing but what it names.
 */
import { Hono } from "hono";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { parseWith, readCapped } from "../../http/guards.ts";
import { AppError } from "../../domain/errors.ts";
import { getCompanyDetails } from "../../domain/company.ts";
import * as fmt from "../../domain/format.ts";
import { renderPaperwork } from "../../paperwork/mod.ts";
import { brandPaper } from "../../paperwork/brand.ts";
import { paperBrand } from "../../customization/paper.ts";
import { activeConfiguration } from "../../customization/cache.ts";
import { words } from "../../customization/terms.ts";
import { paperWords } from "../../paperwork/language.ts";
import { getRecord } from "../../domain/records/repository.ts";
import { customers } from "../../domain/catalog.ts";
import { partyLanguage } from "../../mail/language.ts";
import { requestOrigin } from "../../mail/links.ts";
import { notify } from "../../notifications/mod.ts";
import { type PortalDispute, type PortalView, portalView } from "../../portal/view.ts";
import { tenantStripe } from "../../portal/settings.ts";
import { startPortalCheckout } from "../../portal/payments.ts";
import { disputeLine, DisputeSchema } from "../../portal/disputes.ts";
import {
  type Letterhead,
  letterheadOf,
  refusePortal,
  renderPortal,
  visitorLanguage,
} from "./_shell.tsx";
import {
  formatsFor,
  isLanguage,
  type Language,
  type Translate,
  translator,
} from "../../i18n/mod.ts";
import { openLink, type PortalLimits } from "./_access.ts";

interface PageState {
  t: Translate;
  view: PortalView;
  letterhead: Letterhead;
  format: fmt.FormatSettings;
  canPay: boolean;
  today: string;
  notice: string | null;
  error: string | null;
}

/** A disputed line's state: open with the customer's reason, or the broker's outcome. */
function DisputeOutcome(
  { dispute, f, t }: { dispute: PortalDispute; f: fmt.FormatSettings; t: Translate },
) {
  if (dispute.status === "open") {
    return (
      <>
        <span class="badge warn">{t("portal.disputed")}</span> {dispute.reason}
      </>
    );
  }
  if (dispute.status === "accepted") {
    return (
      <>
        <span class="badge ok">
          {t("portal.credited", { amount: fmt.money(dispute.creditCents, f) })}
        </span>{" "}
        {t("portal.accepted")}
        {dispute.note ? ` ${dispute.note}` : ""}
      </>
    );
  }
  return (
    <>
      <span class="badge">{t("portal.not_accepted")}</span> {dispute.note ?? ""}
    </>
  );
}

/**
 * The customer's language: their own (`customers.language`), else the browser's
 * Accept-Language, else the workspace's default (its locale), else English.
 */
async function customerLanguage(c: AppContext, customerId: string): Promise<Language> {
  const customer = await getRecord(tenantOf(c).db, customers, customerId).catch(() => null);
  return isLanguage(customer?.language) ? customer.language : await visitorLanguage(c);
}

function InvoicePage({ s, token }: { s: PageState; token: string }) {
  const { invoice, statement } = s.view;
  const f = s.format;
  const t = s.t;
  const base = `/portal/${token}`;
  const overdue = invoice.outstandingCents > 0 && invoice.dueDate !== null &&
    invoice.dueDate < s.today;
  const status = invoice.outstandingCents <= 0
    ? <span class="badge ok">{t("portal.paid")}</span>
    : overdue
    ? <span class="badge danger">{t("portal.overdue")}</span>
    : <span class="badge">{t("portal.open")}</span>;
  const disputable = invoice.lines.filter((l) => !l.dispute);
  return (
    <>
      <div class="page-head">
        <h1>{t("portal.invoice_number", { number: invoice.number })}</h1>
        <p>{status}</p>
      </div>
      {s.notice
        ? (
          <div class="flash success" role="status">
            <p>{s.notice}</p>
          </div>
        )
        : null}
      {s.error
        ? (
          <div class="flash error" role="alert">
            <p>{s.error}</p>
          </div>
        )
        : null}
      <dl class="facts">
        <div>
          <dt>{t("portal.billed_to")}</dt>
          <dd>{invoice.customerName}</dd>
        </div>
        <div>
          <dt>{t("portal.invoice_date")}</dt>
          <dd>{fmt.date(invoice.invoiceDate, f)}</dd>
        </div>
        <div>
          <dt>{t("portal.due")}</dt>
          <dd>{invoice.dueDate ? fmt.date(invoice.dueDate, f) : t("portal.on_receipt")}</dd>
        </div>
        <div>
          <dt>{t("portal.total")}</dt>
          <dd class="money">{fmt.money(invoice.totalCents, f)}</dd>
        </div>
        <div>
          <dt>{t("portal.paid_amount")}</dt>
          <dd class="money">{fmt.money(invoice.paidCents, f)}</dd>
        </div>
        {invoice.creditedCents
          ? (
            <div>
              <dt>{t("portal.credited_amount")}</dt>
              <dd class="money" id="credited">{fmt.money(invoice.creditedCents, f)}</dd>
            </div>
          )
          : null}
        <div>
          <dt>{t("portal.balance_due")}</dt>
          <dd class="money" id="balance">{fmt.money(invoice.outstandingCents, f)}</dd>
        </div>
      </dl>
      <p class="actions">
        <a class="button" href={`${base}/invoice.pdf`}>{t("portal.download")}</a>
        {s.canPay && invoice.outstandingCents > 0
          ? (
            <a class="button primary" href={`${base}/pay`} id="pay">
              {t("portal.pay", { amount: fmt.money(invoice.outstandingCents, f) })}
            </a>
          )
          : null}
      </p>
      {!s.canPay && invoice.outstandingCents > 0
        ? (
          <section aria-labelledby="how-to-pay">
            <h2 id="how-to-pay">{t("portal.how_to_pay")}</h2>
            {s.letterhead.remittance ? <p class="remittance">{s.letterhead.remittance}</p> : (
              <p>
                {t("portal.send_payment", {
                  name: s.letterhead.name,
                  address: s.letterhead.lines.length ? `, ${s.letterhead.lines.join(", ")}` : "",
                  number: invoice.number,
                })}
              </p>
            )}
          </section>
        )
        : null}
      <section aria-labelledby="lines">
        <h2 id="lines">{t("portal.lines")}</h2>
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t("portal.invoice_lines")}>
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("portal.description")}</th>
                <th scope="col">{t("portal.cases")}</th>
                <th scope="col">{t("portal.weight")}</th>
                <th scope="col">{t("portal.amount")}</th>
                <th scope="col">{t("portal.status")}</th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((l) => (
                <tr key={l.id}>
                  <td>{l.position}</td>
                  <th scope="row">{l.description}</th>
                  <td>{fmt.quantity(l.cases, f)}</td>
                  <td>{fmt.weight(l.weight, l.weightUnit, f)}</td>
                  <td class="money">{fmt.money(l.amountCents, f)}</td>
                  <td data-dispute={l.dispute?.status}>
                    {l.dispute ? <DisputeOutcome dispute={l.dispute} f={f} t={t} /> : "—"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      {disputable.length
        ? (
          <section aria-labelledby="dispute">
            <h2 id="dispute">{t("portal.question")}</h2>
            <form method="post" action={`${base}/dispute`} class="record-form">
              <div class="field">
                <label for="line_id">{t("portal.line")}</label>
                <select id="line_id" name="line_id" required>
                  {disputable.map((l) => (
                    <option key={l.id} value={l.id}>
                      {`${l.position}. ${l.description} (${fmt.money(l.amountCents, f)})`}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="reason">{t("portal.what_wrong")}</label>
                <textarea
                  id="reason"
                  name="reason"
                  rows={3}
                  required
                  minLength={3}
                  maxLength={2000}
                >
                </textarea>
              </div>
              <button class="button" type="submit">{t("portal.dispute")}</button>
            </form>
          </section>
        )
        : null}
      <section aria-labelledby="statement">
        <h2 id="statement">{t("portal.open_with", { name: s.letterhead.name })}</h2>
        {statement.length
          ? (
            <div
              class="table-wrap"
              tabIndex={0}
              role="region"
              aria-label={t("portal.open_invoices")}
            >
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("portal.invoice")}</th>
                    <th scope="col">{t("portal.date")}</th>
                    <th scope="col">{t("portal.due")}</th>
                    <th scope="col">{t("portal.balance")}</th>
                  </tr>
                </thead>
                <tbody>
                  {statement.map((row) => (
                    <tr key={row.path}>
                      <th scope="row">
                        {row.current
                          ? <span aria-current="page">{row.number}</span>
                          : <a href={row.path}>{row.number}</a>}
                      </th>
                      <td>{fmt.date(row.invoiceDate, f)}</td>
                      <td>{row.dueDate ? fmt.date(row.dueDate, f) : t("portal.on_receipt")}</td>
                      <td class="money">{fmt.money(row.outstandingCents, f)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row" colSpan={3}>{t("portal.total_open")}</th>
                    <td class="money">{fmt.money(s.view.statementTotalCents, f)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )
          : <p>{t("portal.nothing_open")}</p>}
      </section>
    </>
  );
}

async function showPage(
  c: AppContext,
  opened: { token: string; claims: Parameters<typeof portalView>[1] },
  message: {
    notice?: "payment_done" | "dispute_sent" | null;
    error?: string | null;
  } = {},
  status = 200,
) {
  const tenant = tenantOf(c);
  const services = c.get("services");
  const view = await portalView(tenant.db, opened.claims, services.clock.now());
  if (!view) return refusePortal(c, 404);
  const [company, format, stripe] = await Promise.all([
    getCompanyDetails(tenant.db, tenant.name),
    fmt.loadFormatSettings(tenant.db),
    tenantStripe(tenant.db, services.tenantKeys, tenant.id),
  ]);
  const letterhead = letterheadOf(company, tenant.name);
  const language = await customerLanguage(c, opened.claims.customerId);
  const t = translator(language);
  const state: PageState = {
    t,
    view,
    letterhead,
    // Amounts in the invoice's own currency where it has one (a customer's CAD or MXN), written
    // in the customer's language (es: "6 dic 2026").
    format: formatsFor({ ...format, currency: view.invoice.currency ?? format.currency }, language),
    canPay: stripe !== null,
    today: tenant.today,
    notice: message.notice ? t(`portal.${message.notice}`) : null,
    error: message.error ?? null,
  };
  return renderPortal(
    c,
    t("portal.title", { number: view.invoice.number, name: letterhead.name }),
    letterhead,
    <InvoicePage s={state} token={opened.token} />,
    status,
    language,
  );
}

/** The portal's page routes, refusing past `limits` (routes/portal/mod.ts builds them). */
export function portalPages(limits: PortalLimits): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/portal/:token", async (c) => {
    const opened = await openLink(c, limits);
    if (!opened.ok) return opened.response;
    const notice = c.req.query("payment") === "done"
      ? "payment_done" as const
      : c.req.query("disputed") === "1"
      ? "dispute_sent" as const
      : null;
    return await showPage(c, opened, { notice });
  });

  app.get("/portal/:token/invoice.pdf", async (c) => {
    const opened = await openLink(c, limits);
    if (!opened.ok) return opened.response;
    const tenant = tenantOf(c);
    const services = c.get("services");
    const company = await getCompanyDetails(tenant.db, tenant.name);
    const { document } = await activeConfiguration(services.readCache, tenant.db, tenant.id);
    // In the customer's language (customers.language, else the workspace's): labels and values.
    const language = await partyLanguage(
      tenant.db,
      await getRecord(tenant.db, customers, opened.claims.customerId),
    );
    const paper = await renderPaperwork(
      "invoices",
      tenant.db,
      opened.invoice.id,
      company,
      paperWords(language, (text) => words(document, text), document),
      language,
    );
    const brand = await paperBrand(
      { readCache: services.readCache, storage: services.storage },
      tenant,
    );
    const bytes = brand ? await brandPaper(paper.bytes, brand) : paper.bytes;
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      "content-type": "application/pdf",
      "content-disposition": `inline; filename="${paper.filename}"`,
      "cache-control": "no-store",
    });
  });

  app.get("/portal/:token/pay", async (c) => {
    const opened = await openLink(c, limits);
    if (!opened.ok) return opened.response;
    const tenant = tenantOf(c);
    const services = c.get("services");
    const account = await tenantStripe(tenant.db, services.tenantKeys, tenant.id);
    if (!account || opened.invoice.outstandingCents <= 0) {
      return c.redirect(`/portal/${opened.token}`, 303);
    }
    const format = await fmt.loadFormatSettings(tenant.db);
    const origin = requestOrigin(c);
    const url = await startPortalCheckout(services.config, account, {
      tenantId: tenant.id,
      customerId: opened.claims.customerId,
      invoice: opened.invoice,
      currency: opened.invoice.currency ?? format.currency,
      returnUrl: `${origin}/portal/${opened.token}`,
    });
    return c.redirect(url, 303);
  });

  app.post("/portal/:token/dispute", async (c) => {
    const opened = await openLink(c, limits);
    if (!opened.ok) return opened.response;
    const tenant = tenantOf(c);
    const services = c.get("services");
    const form = await readCapped(c, () => c.req.parseBody(), 64 * 1024);
    try {
      const input = parseWith(DisputeSchema, {
        line_id: typeof form.line_id === "string" ? form.line_id : "",
        reason: typeof form.reason === "string" ? form.reason : "",
      });
      const dispute = await disputeLine(
        tenant.db,
        opened.invoice,
        opened.claims.customerId,
        input,
        services.clock.now(),
      );
      await notify({ services, tenantId: tenant.id, db: tenant.db }, {
        kind: "invoice_disputed",
        title: {
          key: "notice.invoice_disputed",
          args: { name: opened.invoice.customerName, number: opened.invoice.number },
        },
        body: `${dispute.lineDescription}: ${dispute.reason}`,
        link: `/invoices/${opened.invoice.id}`,
        entity: { collection: "invoices", id: opened.invoice.id },
        dedupeKey: `invoice_disputed:${dispute.id}`,
      });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      return await showPage(c, opened, { error: err.message }, err.status === 409 ? 409 : 422);
    }
    return c.redirect(`/portal/${opened.token}?disputed=1`, 303);
  });

  return app;
}
