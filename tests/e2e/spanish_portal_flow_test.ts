/**
 * "The broker's Spanish-speaking colleague does the same in Spanish" (issue 17's Done when), at
 * phone and desktop sizes: a member who chose Spanish (the browser asks for English) sells a PO,
 * books the load with the carrier picker, sends the rate confirmation, invoices the load and
 * sends the invoice to a customer who reads Spanish; the customer opens the e-mail's portal link
 * in a browser of their own, pays by card through Stripe Checkout (the double) and comes back to
 * the invoice shown paid; the member sees it paid and the receivables aging and margin by load
 * updated. Every screen of both is `lang="es"`, has its Spanish heading or title, and leaves no
 * English catalogue text once its islands have run; the e-mails are Spanish.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { startStripeDouble } from "../helpers/stripe_double.ts";
import { savePayments, tokenIn } from "../helpers/portal.ts";
import { confirmAddress, mailTo } from "../helpers/members.ts";
import { untranslated } from "../../i18n/untranslated.ts";
import {
  clickAndWaitForPage,
  DESKTOP,
  launchBrowser,
  PHONE,
  signInThroughPage,
  watchErrors,
} from "./browser.ts";
import {
  assertSpanish,
  chooseSpanish,
  es,
  seedSpanishFlow,
  sellBookInvoiceAndSend,
} from "./_spanish_flow.ts";

async function spanishFlowPaidThroughPortal(viewport: typeof PHONE | typeof DESKTOP, slug: string) {
  const stripe = startStripeDouble();
  const clock = new FixedClock("2026-11-20T18:00:00Z");
  const server = await startTestServer({ STRIPE_API_BASE: stripe.origin }, { clock });
  stripe.clock = clock;
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, slug);
    await confirmAddress(server, tenant.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, tenant);
    const { customer, po } = await seedSpanishFlow(api, { readSpanish: true });
    const payments = await savePayments(server, tenant, {
      stripe_secret_key: "sk_test_spanishflow1234",
      stripe_webhook_secret: "whsec_spanishflow99",
    });
    assert.equal(payments.status, 200);
    await payments.body?.cancel();
    stripe.paymentWebhook = {
      port: server.port,
      host: tenant.host,
      path: "/portal/webhooks/stripe",
      secret: "whsec_spanishflow99",
    };
    await chooseSpanish(server, tenant);

    const page = await session.newPage(viewport);
    await page.setExtraHTTPHeaders({ "accept-language": "en-US,en;q=0.9" });
    const errors = watchErrors(page);
    const base = await signInThroughPage(page, server.port, tenant);
    const english: string[] = [];

    const { load, invoice, invoiceId } = await sellBookInvoiceAndSend(
      page,
      { api, base, po, customer, english },
      { sendRateConfirmation: true },
    );
    const [rateMail] = await mailTo(server, "despacho@frioexpress.example");
    assert.ok(rateMail, "the carrier got the rate confirmation");
    assert.match(rateMail.subject, /Confirmación de tarifa/);

    // The customer's e-mail is Spanish and carries the portal link.
    const [invoiceMail] = await mailTo(server, "cxp@carnesmonterrey.example");
    assert.ok(invoiceMail, "the customer got the invoice");
    assert.match(invoiceMail.subject, new RegExp(`Factura ${invoice.number}`));
    const token = tokenIn(invoiceMail.text);

    // The customer, in a browser of their own that asks for nothing in particular, pays.
    const outside = await session.browser.createBrowserContext();
    const customerPage = await outside.newPage();
    await customerPage.setBypassServiceWorker(true);
    await customerPage.setViewport(viewport);
    customerPage.setDefaultTimeout(15_000);
    const customerErrors = watchErrors(customerPage);
    const portal = `http://${tenant.host}:${server.port}/portal/${token}`;
    await customerPage.goto(portal, { waitUntil: "load" });
    assert.match(await customerPage.title(), new RegExp(`^Factura ${invoice.number} de `));
    assert.equal(await customerPage.$eval("html", (el) => el.getAttribute("lang")), "es");
    for (const text of untranslated(await customerPage.content())) {
      english.push(`portal: "${text}"`);
    }
    const overflow = await customerPage.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth
    );
    assert.ok(overflow <= 0, `the portal scrolls sideways by ${overflow}px`);
    await clickAndWaitForPage(customerPage, "#pay");
    assert.equal(new URL(customerPage.url()).origin, stripe.origin);
    await clickAndWaitForPage(customerPage, "#pay");
    assert.equal(new URL(customerPage.url()).pathname, `/portal/${token}`);
    const paidMain = await customerPage.$eval("main", (m) => m.textContent ?? "");
    assert.ok(paidMain.includes(es("portal.payment_done")), paidMain);
    assert.ok(paidMain.includes(es("portal.paid")), paidMain);
    assert.equal(await customerPage.$("#pay"), null);
    for (const text of untranslated(await customerPage.content())) {
      english.push(`portal after paying: "${text}"`);
    }
    const paid = await api.ok("GET", `/api/v1/invoices/${invoiceId}`);
    assert.equal(paid.outstanding_cents, 0);
    assert.equal(paid.status, "paid");
    assert.deepEqual(customerErrors, []);
    await outside.close();

    // The member sees the invoice paid, the aging without it and the load's margin, in Spanish.
    await page.goto(`${base}/invoices/${invoiceId}`);
    await assertSpanish(page, invoice.number, english);
    await page.goto(`${base}/reports?report=aging`);
    assert.equal(await page.$eval("html", (el) => el.getAttribute("lang")), "es");
    const aging = await page.$eval("main", (m) => m.textContent ?? "");
    assert.ok(!aging.includes(invoice.number), "a paid invoice is not in the aging");
    for (const text of untranslated(await page.content())) english.push(`aging: "${text}"`);
    // Loads count by their pickup day (or creation): a period wide enough for either.
    await page.goto(`${base}/reports?report=margin&by=load&from=2026-01-01&to=2027-12-31`);
    const margin = await page.$eval("main", (m) => m.textContent ?? "");
    assert.ok(margin.includes(load.number), "the load's margin is reported");
    for (const text of untranslated(await page.content())) english.push(`margin: "${text}"`);

    assert.deepEqual(english, []);
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
    await server.close();
    await stripe.close();
  }
}

Deno.test("browser: in Spanish on a phone, PO -> SO -> load -> rate confirmation -> invoice sent -> paid through the portal", async () => {
  await spanishFlowPaidThroughPortal(PHONE, "lenguaportal");
});

Deno.test("browser: the same Spanish flow at desktop size", async () => {
  await spanishFlowPaidThroughPortal(DESKTOP, "lenguaportaldesk");
});
