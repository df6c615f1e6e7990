/**
 * The broker's Spanish-speaking colleague does the day's flow in Spanish on a phone (issue 17):
 * a member who chose Spanish sells a PO (customer picked with the keyboard, sale price typed),
 * books the load with the carrier picker, invoices the load, sends the invoice and records the
 * customer's payment.
 * Each screen is in Spanish: `<html lang="es">`, its heading as the Spanish catalogue writes it,
 * and no English catalogue text left in the page as the browser shows it (islands hydrated).
 */
import { confirmAddress } from "../helpers/members.ts";
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { untranslated } from "../../i18n/untranslated.ts";
import {
  clickAndWaitForPage,
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

Deno.test("browser: in Spanish on a phone, PO -> sales order -> load -> invoice sent -> payment recorded", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server, "lenguaflujo");
    await confirmAddress(server, tenant.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, tenant);
    const { customer, po } = await seedSpanishFlow(api, { readSpanish: false });
    await chooseSpanish(server, tenant);

    const session = await launchBrowser();
    try {
      const page = await session.newPage(PHONE);
      await page.setExtraHTTPHeaders({ "accept-language": "en-US,en;q=0.9" });
      const errors = watchErrors(page);
      const base = await signInThroughPage(page, server.port, tenant);
      const english: string[] = [];

      const { invoiceId } = await sellBookInvoiceAndSend(
        page,
        { api, base, po, customer, english },
        { sendRateConfirmation: false },
      );

      // Record the customer's payment: amount and split come from the open invoice.
      await clickAndWaitForPage(page, "a.button[href*='/receive-payment']");
      await assertSpanish(page, es("receipt.title", { customer: "Carnes Monterrey" }), english);
      await page.type("#pay-reference", "CHEQUE 2041");
      await clickAndWaitForPage(page, "form.receipt-form button[type=submit]");
      assert.equal((await api.ok("GET", `/api/v1/invoices/${invoiceId}`)).status, "paid");
      assert.equal((await api.ok("GET", "/api/v1/payments")).data[0].reference, "CHEQUE 2041");
      assert.equal(await page.$eval("html", (el) => el.getAttribute("lang")), "es");
      for (const text of untranslated(await page.content())) {
        english.push(`after paying: "${text}"`);
      }

      assert.deepEqual(english, []);
      assert.deepEqual(errors, []);
    } finally {
      await session.close();
    }
  } finally {
    await server.close();
  }
});
