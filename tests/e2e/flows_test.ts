/**
 * The flows between records in a real browser (issue 17), at desktop and phone sizes: PO → sales
 * order (margin live, customer picked with the keyboard alone, lines pasted from a spreadsheet)
 * → load (carrier picker) → rate confirmation sent → invoice → invoice sent → payment recorded;
 * no value cut off in the line editor at 1,366 px, stacked line cards on a phone, and axe finds
 * nothing on the new screens.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "puppeteer-core";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer, type TestServer } from "../helpers/server.ts";
import { confirmAddress } from "../helpers/members.ts";
import { apiClient } from "../helpers/api.ts";
import {
  clickAndWaitForPage,
  launchBrowser,
  PHONE,
  pickWithKeyboard,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

const WIDE = { width: 1366, height: 900 };

async function live(page: Page): Promise<void> {
  await waitForIsland(page, ".record-form[data-live]", 50);
}

async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  return await page.evaluate(async () => {
    type Violation = { id: string; help: string; nodes: Array<{ target: string[] }> };
    const run = (globalThis as unknown as {
      axe: { run(d: Document): Promise<{ violations: Violation[] }> };
    }).axe.run;
    const r = await run(document);
    return r.violations.map((v) =>
      `${location.pathname}: ${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" "))}`
    );
  });
}

async function flow(server: TestServer, viewport: typeof WIDE | typeof PHONE, slug: string) {
  const tenant = await signUpTenant(server, slug);
  await confirmAddress(server, tenant.userId); // mail to outsiders needs a confirmed sender
  const api = await apiClient(server, tenant);
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
  const customer = await api.ok("POST", "/api/v1/customers", {
    name: "Lone Star Grocers",
    email: "ap@lonestar.example",
  }, 201);
  await api.ok("POST", "/api/v1/customers", { name: "Lonesome Pines Deli" }, 201);
  await api.ok("POST", "/api/v1/carriers", {
    name: "Cold Chain Express",
    dispatch_email: "dispatch@coldchain.example",
    insurance_expires: "2027-06-30",
  }, 201);
  const product = await api.ok("POST", "/api/v1/products", {
    code: "BEEF-8119",
    description: "Beef trim 81/19 combo bins, fresh, boneless, 60 lb cases",
  }, 201);
  const po = await api.ok("POST", "/api/v1/purchase-orders", {
    supplier_id: supplier.id,
    order_date: "2026-11-18",
    status: "approved",
    lines: [{
      product_id: product.id,
      description: "Beef trim 81/19 combo bins, fresh, boneless, 60 lb cases",
      cases: 800,
      weight: 40000,
      price: 2,
    }],
  }, 201);

  const session = await launchBrowser();
  try {
    const page = await session.newPage(viewport);
    const errors = watchErrors(page);
    await page.setBypassCSP(true); // to inject axe; the pages themselves run under their CSP
    const base = await signInThroughPage(page, server.port, tenant);
    const problems: string[] = [];

    // PO -> sales order: one screen, pre-filled, the margin follows the sale price.
    await page.goto(`${base}/purchase-orders/${po.id}`);
    await clickAndWaitForPage(page, `a[href='/purchase-orders/${po.id}/sales-order/new']`);
    await live(page);
    assert.match(await page.$eval("[data-lines-margin]", (el) => el.textContent!), /0\.00/);
    await pickWithKeyboard(page, "#f-customer_id", "lone star", "Lone Star Grocers");
    assert.equal(
      await page.$eval(
        "input[type=hidden][name=customer_id]",
        (el) => (el as HTMLInputElement).value,
      ),
      customer.id,
    );
    await page.focus("[name='lines.0.price']");
    await page.$eval("[name='lines.0.price']", (el) => (el as HTMLInputElement).select());
    await page.keyboard.type("2.25");
    await page.waitForFunction(() =>
      document.querySelector("[data-lines-margin]")?.textContent?.includes("10,000.00")
    );
    // A second line pasted from a spreadsheet.
    await page.evaluate(() => {
      const target = document.querySelector("[name='lines.1.description']")!;
      const data = new DataTransfer();
      data.setData("text/plain", "Brisket packer cut\t20\t1,000\tLB\t$3.10\n");
      target.dispatchEvent(
        new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }),
      );
    });
    await page.waitForFunction(() =>
      (document.querySelector("[name='lines.1.weight']") as HTMLInputElement)?.value === "1000"
    );
    if (viewport === WIDE) {
      // Nothing in the line editor is cut off at 1,366 px.
      const cut = await page.$$eval(
        ".lines-editor input:not([type=hidden]), .lines-editor select",
        (els) =>
          els.filter((el) => el.scrollWidth > el.clientWidth + 1).map((el) =>
            `${(el as HTMLInputElement).name}: ${(el as HTMLInputElement).value}`
          ),
      );
      assert.deepEqual(cut, []);
    } else {
      // On a phone each line is a card and the page does not scroll sideways.
      const display = await page.$eval(
        ".lines-editor tbody tr",
        (el) => getComputedStyle(el).display,
      );
      assert.equal(display, "grid");
      const wide = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.ok(wide <= 1, `the page scrolls sideways by ${wide} px`);
    }
    problems.push(...await axeProblems(page));
    await clickAndWaitForPage(page, ".record-form button[type=submit]");
    assert.match(page.url(), /\/sales-orders\/\w+\?saved=1/);
    const soId = new URL(page.url()).pathname.split("/")[2]!;
    const so = await api.ok("GET", `/api/v1/sales-orders/${soId}`);
    assert.equal(so.customer_id, customer.id);
    assert.equal(so.total_cents, 9_000_000 + 310_000);

    // Book the load: the carrier picker, then the rate confirmation.
    await clickAndWaitForPage(page, `a[href='/sales-orders/${soId}/load/new']`);
    assert.match(await page.$eval(".carrier-picker", (el) => el.textContent!), /Insured/);
    problems.push(...await axeProblems(page));
    await clickAndWaitForPage(page, ".carrier-picker a[aria-label='Choose Cold Chain Express']");
    await live(page);
    await page.type("#f-freight_cents", "3200");
    await clickAndWaitForPage(page, ".record-form button[type=submit]");
    const loadId = new URL(page.url()).pathname.split("/")[2]!;
    await clickAndWaitForPage(page, `a[href='/loads/${loadId}/rate-confirmation/send']`);
    problems.push(...await axeProblems(page));
    await clickAndWaitForPage(page, "form.stack-form button[type=submit]");
    assert.match(await page.content(), /Sent\./);

    // Invoice the load and send it.
    await clickAndWaitForPage(page, `a[href='/loads/${loadId}/invoice/new']`);
    await live(page);
    problems.push(...await axeProblems(page));
    await clickAndWaitForPage(page, ".record-form button[type=submit]");
    const invoiceId = new URL(page.url()).pathname.split("/")[2]!;
    await clickAndWaitForPage(page, `a[href='/invoices/${invoiceId}/send']`);
    assert.equal(
      await page.$eval("#send-to", (el) => (el as HTMLInputElement).value),
      "ap@lonestar.example",
    );
    problems.push(...await axeProblems(page));
    await clickAndWaitForPage(page, "form.stack-form button[type=submit]");
    assert.match(await page.$eval(".mail-log", (el) => el.textContent!), /ap@lonestar\.example/);

    // Record the payment: the amount and its split come pre-filled from the invoice.
    await clickAndWaitForPage(page, "a.button[href*='/receive-payment']");
    problems.push(...await axeProblems(page));
    await page.type("#pay-reference", "CHK 1182");
    await clickAndWaitForPage(page, "form.receipt-form button[type=submit]");
    const invoice = await api.ok("GET", `/api/v1/invoices/${invoiceId}`);
    assert.equal(invoice.status, "paid");
    assert.equal((await api.ok("GET", "/api/v1/payments")).data[0].reference, "CHK 1182");

    await page.goto(`${base}/customers/${customer.id}/statement`);
    problems.push(...await axeProblems(page));
    assert.deepEqual(problems, []);
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
  }
}

Deno.test("browser: PO -> SO -> load -> invoice sent -> payment recorded, at 1,366 px", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    await flow(server, WIDE, "flowswide");
  } finally {
    await server.close();
  }
});

Deno.test("browser: the same flows on a phone", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    await flow(server, PHONE, "flowsphone");
  } finally {
    await server.close();
  }
});
