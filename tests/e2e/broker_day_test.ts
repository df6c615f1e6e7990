/**
 * A broker's day in a real browser: supplier and plant -> PO with lines (live totals) ->
 * customer -> SO linked to the PO -> carrier and load -> invoice -> payment -> the aging and
 * margin reports show it. Forms validate in the browser before they are sent.
 */
import { FixedClock } from "../../domain/clock.ts";
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import {
  clickAndWaitForPage,
  DESKTOP,
  launchBrowser,
  PHONE,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

/** Chooses the option whose text contains `text` in a select or a reference picker. */
async function selectByText(page: Page, selector: string, text: string): Promise<void> {
  // A record form swaps its selects for pickers once it runs: wait for that first.
  if (await page.$(".record-form")) await page.waitForSelector(".record-form[data-live]");
  // A picker posts through a hidden input of the field's name beside its text box.
  const boxId = await page.$eval(
    selector,
    (el) =>
      el.getAttribute("role") === "combobox"
        ? el.id
        : el.parentElement?.classList.contains("combobox")
        ? el.parentElement.querySelector("[role=combobox]")?.id ?? ""
        : "",
  );
  if (boxId) {
    selector = `[id='${boxId}']`;
    await page.focus(selector);
    await page.$eval(selector, (el) => (el as HTMLInputElement).select());
    await page.type(selector, text);
    const listId = await page.$eval(selector, (el) => el.getAttribute("aria-controls"));
    await page.waitForFunction(
      (id: string, wanted: string) =>
        [...document.querySelectorAll(`[id='${id}'] [role=option]`)].some((o) =>
          o.textContent?.includes(wanted)
        ),
      {},
      listId!,
      text,
    );
    await page.$$eval(`[id='${listId}'] [role=option]`, (options, wanted) => {
      const option = options.find((o) => o.textContent?.includes(wanted as string));
      (option as HTMLElement).click();
    }, text);
    return;
  }
  const value = await page.$eval(selector, (el, wanted) => {
    const option = [...(el as HTMLSelectElement).options].find((o) => o.text.includes(wanted));
    return option?.value ?? "";
  }, text);
  assert.ok(value, `no option "${text}" in ${selector}`);
  await page.select(selector, value);
}

/** Sets an input's value the way a date picker would. */
async function setValue(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (el, v) => {
    (el as HTMLInputElement).value = v;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
}

async function submit(page: Page): Promise<void> {
  await clickAndWaitForPage(page, ".record-form button[type=submit]");
}

async function hydrated(page: Page): Promise<void> {
  await waitForIsland(page, "pm-island[data-island='RecordForm'] form", 150);
}

Deno.test("browser: a broker's day from supplier to payment, then aging and margin", async () => {
  // A known day: the November orders and loads are this month's, the September invoice overdue.
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, "brokerday");
    const page = await session.newPage(DESKTOP);
    const errors = watchErrors(page);
    const base = await signInThroughPage(page, server.port, tenant);

    // The browser refuses an empty supplier form before sending it.
    await page.goto(`${base}/suppliers/new`);
    await hydrated(page);
    await page.click(".record-form button[type=submit]");
    await page.waitForSelector("#f-name[aria-invalid='true']");
    assert.equal(new URL(page.url()).pathname, "/suppliers/new", "nothing was posted");

    await page.type("#f-name", "Prairie Packers");
    await page.type("#f-city", "Greeley");
    await page.click("input[name=proteins][value=Beef]");
    await submit(page);
    assert.match(await page.$eval("h1", (el) => el.textContent ?? ""), /Prairie Packers/);

    await page.goto(`${base}/plants/new`);
    await page.type("#f-name", "Greeley Beef");
    await selectByText(page, "#f-supplier_id", "Prairie Packers");
    await page.type("#f-est_number", "EST 969");
    await submit(page);
    assert.match(await page.content(), /EST 969/);

    // A PO with two lines; the total updates as the broker types.
    await page.goto(`${base}/purchase-orders/new`);
    await hydrated(page);
    await selectByText(page, "#f-supplier_id", "Prairie Packers");
    await selectByText(page, "#f-plant_id", "Greeley Beef");
    await setValue(page, "#f-order_date", "2026-11-02");
    await page.select("#f-status", "approved");
    await page.type("[name='lines.0.description']", "Beef 81/19 trim");
    await page.type("[name='lines.0.weight']", "40000");
    await page.type("[name='lines.0.price']", "2.10");
    await page.type("[name='lines.1.description']", "Brisket");
    await page.type("[name='lines.1.weight']", "1000");
    await page.select("[name='lines.1.weight_unit']", "KG");
    await page.type("[name='lines.1.price']", "5");
    await page.waitForFunction(() =>
      document.querySelector("[data-lines-total] strong")?.textContent === "89,000.00"
    );
    assert.equal(
      await page.$eval("[data-lines-weight]", (el) => el.textContent),
      "42204.62 lb",
    );
    await submit(page);
    const poTitle = await page.$eval("h1", (el) => el.textContent ?? "");
    const poNumber = /PO-\d+/.exec(poTitle)![0];
    assert.match(
      await page.$eval("[data-field=total_cents]", (el) => el.textContent ?? ""),
      /89,000\.00/,
    );

    await page.goto(`${base}/customers/new`);
    await page.type("#f-name", "Lone Star Grocers");
    await page.select("#f-payment_terms", "Net 30");
    await page.type("#f-credit_limit_cents", "250000");
    await submit(page);

    // The sales order, linked to the PO on its line.
    await page.goto(`${base}/sales-orders/new`);
    await hydrated(page);
    await selectByText(page, "#f-customer_id", "Lone Star Grocers");
    await setValue(page, "#f-order_date", "2026-11-03");
    await page.select("#f-status", "confirmed");
    await selectByText(page, "[name='lines.0.purchase_order_id']", poNumber);
    await page.type("[name='lines.0.description']", "Beef 81/19 trim");
    await page.type("[name='lines.0.weight']", "40000");
    await page.type("[name='lines.0.price']", "2.40");
    await page.type("[name='lines.1.description']", "Brisket");
    await page.type("[name='lines.1.weight']", "2204.62");
    await page.type("[name='lines.1.price']", "2.50");
    await submit(page);
    const soNumber = /SO-\d+/.exec(await page.$eval("h1", (el) => el.textContent ?? ""))![0];
    assert.match(await page.content(), new RegExp(poNumber), "the SO shows its PO");

    await page.goto(`${base}/carriers/new`);
    await page.type("#f-name", "Cold Chain Express");
    await page.type("#f-mc_number", "MC 612345");
    await page.type("#f-dot_number", "2034567");
    await submit(page);
    assert.match(await page.content(), /MC 612345/);

    await page.goto(`${base}/loads/new`);
    await hydrated(page);
    await selectByText(page, "#f-carrier_id", "Cold Chain Express");
    await selectByText(page, "#f-purchase_order_id", poNumber);
    await selectByText(page, "#f-sales_order_id", soNumber);
    await setValue(page, "#f-pickup_appointment", "2026-11-05T07:00");
    await page.type("#f-setpoint_temp_f", "28");
    await page.type("#f-freight_cents", "3,500");
    await submit(page);
    // 96,000 + 5,511.55 sale - 89,000 cost - 3,500 freight
    assert.match(
      await page.$eval("[data-field=margin_cents]", (el) => el.textContent ?? ""),
      /9,011\.55/,
    );

    await page.goto(`${base}/invoices/new`);
    await hydrated(page);
    await selectByText(page, "#f-customer_id", "Lone Star Grocers");
    await selectByText(page, "#f-sales_order_id", soNumber);
    await setValue(page, "#f-invoice_date", "2026-09-01");
    await page.select("#f-state", "sent");
    await page.type("[name='lines.0.description']", "Load of trim and brisket");
    await page.type("[name='lines.0.cases']", "1");
    await page.select("[name='lines.0.price_basis']", "case");
    await page.type("[name='lines.0.price']", "101511.55");
    await submit(page);
    const invoiceNumber = /INV-\d+/.exec(await page.$eval("h1", (el) => el.textContent ?? ""))![0];
    assert.match(
      await page.$eval("[data-field=due_date]", (el) => el.textContent ?? ""),
      /Oct 1, 2026/,
    );

    await page.goto(`${base}/payments/new`);
    await page.select("#f-direction", "receivable");
    await page.type("#f-amount_cents", "50000");
    await setValue(page, "#f-paid_on", "2026-10-15");
    await page.select("#f-method", "Wire");
    await selectByText(page, "#f-invoice_id", invoiceNumber);
    await submit(page);

    await page.goto(`${base}/invoices?q=${invoiceNumber}`);
    const row = await page.$eval("table.records tbody tr", (el) => el.textContent ?? "");
    assert.match(row, /51,511\.55/, "outstanding after the payment");
    assert.match(row, /Overdue/);

    await page.goto(`${base}/reports?report=aging`);
    const aging = await page.$eval("[data-report=aging] tbody", (el) => el.textContent ?? "");
    assert.match(aging, /Lone Star Grocers/);
    assert.match(aging, /51,511\.55/);

    await page.goto(`${base}/reports?report=margin&by=load&from=2026-11-01&to=2026-11-30`);
    assert.match(
      await page.$eval("[data-margin-total]", (el) => el.textContent ?? ""),
      /9,011\.55/,
    );
    assert.deepEqual(errors, []);

    // The same pages work at phone width.
    const phone = await session.newPage(PHONE);
    await phone.goto(`${base}/purchase-orders`);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(width <= 400, `no sideways scrolling on a phone (${width}px)`);
    await phone.goto(`${base}/purchase-orders/new`);
    assert.ok(await phone.$(".lines-editor"));
  } finally {
    await session.close();
    await server.close();
  }
});
