/**
 * The broker's Spanish-speaking colleague does the day's flow in Spanish on a phone (issue 17):
 * a member who chose Spanish sells a PO (customer picked with the keyboard, sale price typed),
 * books the load with the carrier picker, invoices the load, sends the invoice and records the
 * customer's payment.
 * Each screen is in Spanish: `<html lang="es">`, its heading as the Spanish catalogue writes it,
 * and no English catalogue text left in the page as the browser shows it (islands hydrated).
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { translator } from "../../i18n/mod.ts";
import { untranslated } from "../../i18n/untranslated.ts";
import {
  clickAndWaitForPage,
  launchBrowser,
  PHONE,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

const es = translator("es");

/** The screen is in Spanish: its language, its heading, and no English catalogue text. */
async function assertSpanish(page: Page, heading: string, screens: string[]): Promise<void> {
  const path = new URL(page.url()).pathname;
  assert.equal(await page.$eval("html", (el) => el.getAttribute("lang")), "es", path);
  const h1 = await page.$eval("h1", (el) => el.textContent!.replace(/\s+/g, " ").trim());
  assert.ok(h1.includes(heading), `${path}: heading "${h1}", expected "${heading}"`);
  for (const text of untranslated(await page.content())) screens.push(`${path}: "${text}"`);
}

/** Picks a reference with the keyboard alone: type, arrow down to the match, Enter. */
async function pickWithKeyboard(page: Page, selector: string, typed: string, wanted: string) {
  await page.focus(selector);
  await page.keyboard.type(typed);
  const listId = await page.$eval(selector, (el) => el.getAttribute("aria-controls")!);
  await page.waitForFunction(
    (id: string, w: string) =>
      [...document.querySelectorAll(`#${id} [role=option]`)].some((o) =>
        o.textContent?.includes(w)
      ),
    {},
    listId,
    wanted,
  );
  const index = await page.$$eval(
    `#${listId} [role=option]`,
    (options, w) => options.findIndex((o) => o.textContent?.includes(w as string)),
    wanted,
  );
  for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
}

Deno.test("browser: in Spanish on a phone, PO -> sales order -> load -> invoice sent -> payment recorded", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server, "lenguaflujo");
    const api = await apiClient(server, tenant);
    const supplier = await api.ok(
      "POST",
      "/api/v1/suppliers",
      { name: "Empacadora del Norte" },
      201,
    );
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Carnes Monterrey",
      email: "cxp@carnesmonterrey.example",
    }, 201);
    await api.ok("POST", "/api/v1/carriers", {
      name: "Frío Express",
      insurance_expires: "2027-06-30",
    }, 201);
    const product = await api.ok("POST", "/api/v1/products", {
      code: "RES-8119",
      description: "Recorte de res 81/19",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-18",
      status: "approved",
      lines: [{
        product_id: product.id,
        description: "Recorte de res 81/19",
        cases: 800,
        weight: 40000,
        price: 2,
      }],
    }, 201);
    // The member chooses Spanish in Settings → Profile; the browser itself asks for English.
    const saved = await server.fetch(tenant.host, "/settings/profile/language", {
      method: "POST",
      headers: {
        cookie: tenant.jar.header(tenant.host),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ _csrf: tenant.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);

    const session = await launchBrowser();
    try {
      const page = await session.newPage(PHONE);
      await page.setExtraHTTPHeaders({ "accept-language": "en-US,en;q=0.9" });
      const errors = watchErrors(page);
      const base = await signInThroughPage(page, server.port, tenant);
      const english: string[] = [];

      // Sell the PO: customer with the keyboard, the sale price typed.
      await page.goto(`${base}/purchase-orders/${po.id}`);
      await assertSpanish(page, po.number, english);
      await clickAndWaitForPage(page, `a[href='/purchase-orders/${po.id}/sales-order/new']`);
      await waitForIsland(page, ".record-form[data-live]", 50);
      await assertSpanish(page, es("flow.sell_title", { number: po.number }), english);
      await pickWithKeyboard(page, "#f-customer_id", "carnes", "Carnes Monterrey");
      await page.$eval("[name='lines.0.price']", (el) => (el as HTMLInputElement).select());
      await page.focus("[name='lines.0.price']");
      await page.keyboard.type("2.25");
      await clickAndWaitForPage(page, ".record-form button[type=submit]");
      assert.match(page.url(), /\/sales-orders\/\w+\?saved=1/);
      const soId = new URL(page.url()).pathname.split("/")[2]!;
      const so = await api.ok("GET", `/api/v1/sales-orders/${soId}`);
      assert.equal(so.customer_id, customer.id);
      await assertSpanish(page, so.number, english);

      // Book the load with the carrier picker.
      await clickAndWaitForPage(page, `a[href='/sales-orders/${soId}/load/new']`);
      await assertSpanish(page, es("flow.book_title", { number: so.number }), english);
      const choose = es("carrier_picker.choose_named", { name: "Frío Express" });
      await clickAndWaitForPage(page, `.carrier-picker a[aria-label='${choose}']`);
      await waitForIsland(page, ".record-form[data-live]", 50);
      await page.type("#f-freight_cents", "3200");
      await clickAndWaitForPage(page, ".record-form button[type=submit]");
      const loadId = new URL(page.url()).pathname.split("/")[2]!;
      const load = await api.ok("GET", `/api/v1/loads/${loadId}`);
      assert.equal(load.sales_order_id, soId);
      await assertSpanish(page, load.number, english);

      // Invoice the load.
      await clickAndWaitForPage(page, `a[href='/loads/${loadId}/invoice/new']`);
      await waitForIsland(page, ".record-form[data-live]", 50);
      await assertSpanish(page, es("flow.invoice_title", { number: load.number }), english);
      await clickAndWaitForPage(page, ".record-form button[type=submit]");
      const invoiceId = new URL(page.url()).pathname.split("/")[2]!;
      const invoice = await api.ok("GET", `/api/v1/invoices/${invoiceId}`);
      await assertSpanish(page, invoice.number, english);

      // Send it to the customer.
      await clickAndWaitForPage(page, `a[href='/invoices/${invoiceId}/send']`);
      await assertSpanish(page, es("invoice_send.title", { number: invoice.number }), english);
      await clickAndWaitForPage(page, "form.stack-form button[type=submit]");
      await assertSpanish(page, invoice.number, english);

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
