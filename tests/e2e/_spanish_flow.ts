/**
 * The steps both Spanish flow tests walk (spanish_flow_test.ts: payment recorded by the member;
 * spanish_portal_flow_test.ts: paid by the customer through the portal): the workspace's records,
 * the member's choice of Spanish, and the flow from a PO to an invoice sent, each screen checked to
 * be Spanish.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import type { apiClient } from "../helpers/api.ts";
import type { signUpTenant, TestServer } from "../helpers/server.ts";
import { translator } from "../../i18n/mod.ts";
import { untranslated } from "../../i18n/untranslated.ts";
import { clickAndWaitForPage, pickWithKeyboard, waitForIsland } from "./browser.ts";

export const es = translator("es");

type Api = Awaited<ReturnType<typeof apiClient>>;
type Tenant = Awaited<ReturnType<typeof signUpTenant>>;
// deno-lint-ignore no-explicit-any
type Row = Record<string, any>;

/** The screen is in Spanish: its language, its heading, and no English catalogue text. */
export async function assertSpanish(page: Page, heading: string, english: string[]): Promise<void> {
  const path = new URL(page.url()).pathname;
  assert.equal(await page.$eval("html", (el) => el.getAttribute("lang")), "es", path);
  const h1 = await page.$eval("h1", (el) => el.textContent!.replace(/\s+/g, " ").trim());
  assert.ok(h1.includes(heading), `${path}: heading "${h1}", expected "${heading}"`);
  for (const text of untranslated(await page.content())) english.push(`${path}: "${text}"`);
}

/**
 * A packer, a customer and a carrier (with e-mail addresses and, with `readSpanish`, Spanish as
 * their language), a product and an approved PO of it.
 */
export async function seedSpanishFlow(api: Api, opts: { readSpanish: boolean }) {
  const language = opts.readSpanish ? { language: "es" } : {};
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Empacadora del Norte" }, 201);
  const customer = await api.ok("POST", "/api/v1/customers", {
    name: "Carnes Monterrey",
    email: "cxp@carnesmonterrey.example",
    ...language,
  }, 201);
  await api.ok("POST", "/api/v1/carriers", {
    name: "Frío Express",
    dispatch_email: "despacho@frioexpress.example",
    insurance_expires: "2027-06-30",
    ...language,
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
  return { customer: customer as Row, po: po as Row };
}

/** The member chooses Spanish in Settings → Profile (the browser itself asks for English). */
export async function chooseSpanish(server: TestServer, tenant: Tenant): Promise<void> {
  const saved = await server.fetch(tenant.host, "/settings/profile/language", {
    method: "POST",
    headers: {
      cookie: tenant.jar.header(tenant.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: tenant.csrf, language: "es" }).toString(),
  });
  assert.equal(saved.status, 200);
  await saved.body?.cancel();
}

/**
 * From the PO's page: sell it (customer picked with the keyboard, sale price typed), book the load
 * with the carrier picker, send the rate confirmation when asked, invoice the load and send the
 * invoice; every screen checked Spanish into `english`.
 */
export async function sellBookInvoiceAndSend(
  page: Page,
  ctx: { api: Api; base: string; po: Row; customer: Row; english: string[] },
  opts: { sendRateConfirmation: boolean },
) {
  const { api, base, po, customer, english } = ctx;
  await page.goto(`${base}/purchase-orders/${po.id}`);
  await assertSpanish(page, po.number, english);
  await clickAndWaitForPage(page, `a[href='/purchase-orders/${po.id}/sales-order/new']`);
  await waitForIsland(page, ".record-form[data-live]", 50);
  await assertSpanish(page, es("flow.sell_title", { number: po.number }), english);
  assert.equal(await page.$eval("#f-customer_id", (el) => el.getAttribute("role")), "combobox");
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
  if (opts.sendRateConfirmation) {
    await clickAndWaitForPage(page, `a[href='/loads/${loadId}/rate-confirmation/send']`);
    await assertSpanish(page, es("rate.title", { number: load.number }), english);
    await clickAndWaitForPage(page, "form.stack-form button[type=submit]");
    assert.ok((await page.content()).includes(es("record.sent")), "the rate confirmation sent");
    await assertSpanish(page, load.number, english);
  }

  // Invoice the load and send the invoice to the customer.
  await clickAndWaitForPage(page, `a[href='/loads/${loadId}/invoice/new']`);
  await waitForIsland(page, ".record-form[data-live]", 50);
  await assertSpanish(page, es("flow.invoice_title", { number: load.number }), english);
  await clickAndWaitForPage(page, ".record-form button[type=submit]");
  const invoiceId = new URL(page.url()).pathname.split("/")[2]!;
  const invoice = await api.ok("GET", `/api/v1/invoices/${invoiceId}`);
  await assertSpanish(page, invoice.number, english);
  await clickAndWaitForPage(page, `a[href='/invoices/${invoiceId}/send']`);
  await assertSpanish(page, es("invoice_send.title", { number: invoice.number }), english);
  await clickAndWaitForPage(page, "form.stack-form button[type=submit]");
  await assertSpanish(page, invoice.number, english);
  return { load: load as Row, invoice: invoice as Row, invoiceId };
}
