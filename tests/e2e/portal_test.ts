/**
 * The customer invoice portal in a real browser (issue 17), at phone and desktop sizes: the page
 * from the invoice e-mail's link fits the screen and axe finds nothing on it; the customer
 * disputes a line, then pays by card through Stripe Checkout (the double) and comes back to the
 * invoice shown paid. axe also finds nothing on the portal's other pages (how to pay, notices, a
 * refused form, and the broken, expired and throttled link pages).
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "puppeteer-core";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { startStripeDouble } from "../helpers/stripe_double.ts";
import { savePayments, seedPortal } from "../helpers/portal.ts";
import {
  clickAndWaitForPage,
  DESKTOP,
  launchBrowser,
  PHONE,
  signInThroughPage,
  watchErrors,
} from "./browser.ts";

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  return await page.evaluate(async () => {
    type Violation = { id: string; help: string; nodes: Array<{ target: string[] }> };
    const run = (globalThis as unknown as {
      axe: { run(d: Document): Promise<{ violations: Violation[] }> };
    }).axe.run;
    return (await run(document)).violations.map((v) =>
      `${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
    );
  });
}

Deno.test("browser: the invoice portal at phone and desktop sizes; dispute a line, pay by card", async () => {
  const stripe = startStripeDouble();
  const clock = new FixedClock("2026-11-20T18:00:00Z");
  const server = await startTestServer({ STRIPE_API_BASE: stripe.origin }, { clock });
  stripe.clock = clock;
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, "portalshop");
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api);
    const saved = await savePayments(server, tenant, {
      stripe_secret_key: "sk_test_browserkey1234",
      stripe_webhook_secret: "whsec_browsersecret99",
    });
    assert.equal(saved.status, 200);
    await saved.body?.cancel();
    stripe.paymentWebhook = {
      port: server.port,
      host: tenant.host,
      path: "/portal/webhooks/stripe",
      secret: "whsec_browsersecret99",
    };
    const url = `http://${tenant.host}:${server.port}/portal/${f.token}`;

    for (const [name, viewport] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
      const page = await session.newPage(viewport);
      const errors = watchErrors(page);
      await page.setBypassCSP(true); // to inject axe; the page itself runs under its CSP
      await page.goto(url, { waitUntil: "load" });
      assert.match(await page.title(), new RegExp(`Invoice ${f.invoice.number}`));
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth
      );
      assert.ok(overflow <= 0, `${name}: the page scrolls sideways by ${overflow}px`);
      assert.deepEqual(await axeViolations(page), [], name);
      assert.deepEqual(errors, [], name);
      await page.close();
    }

    const page = await session.newPage(PHONE);
    const errors = watchErrors(page);
    await page.goto(url, { waitUntil: "load" });
    await page.select("#line_id", await page.$eval("#line_id option", (o) => o.value));
    await page.type("#reason", "Two cases arrived thawed");
    await clickAndWaitForPage(page, "form[action$='/dispute'] button[type=submit]");
    assert.match(await page.$eval("main", (m) => m.textContent ?? ""), /Disputed\s*Two cases/);

    // Pay: Stripe's (double's) hosted Checkout, then back to the invoice, now paid.
    await clickAndWaitForPage(page, "#pay");
    assert.equal(new URL(page.url()).origin, stripe.origin);
    assert.match(await page.$eval("#checkout-price", (p) => p.textContent ?? ""), /350000 usd/);
    await clickAndWaitForPage(page, "#pay");
    assert.equal(new URL(page.url()).pathname, `/portal/${f.token}`);
    const main = await page.$eval("main", (m) => m.textContent ?? "");
    assert.match(main, /payment is being processed/);
    assert.match(main, /Paid/);
    assert.equal(await page.$("#pay"), null);
    assert.equal((await api.ok("GET", `/api/v1/invoices/${f.invoice.id}`)).outstanding_cents, 0);
    assert.deepEqual(errors, []);

    // The broker's side: the dispute on the invoice's activity; Settings → Payments shows only
    // the keys' last four, and axe finds nothing there.
    const broker = await session.newPage(DESKTOP);
    const brokerErrors = watchErrors(broker);
    await broker.setBypassCSP(true);
    const origin = await signInThroughPage(broker, server.port, tenant);
    await broker.goto(`${origin}/invoices/${f.invoice.id}`, { waitUntil: "domcontentloaded" });
    assert.match(
      await broker.$eval("#activity", (el) => el.textContent ?? ""),
      /Disputed by Lone Star Grocers in the invoice portal.*Two cases arrived thawed/,
    );
    assert.match(
      await broker.$eval("#invoice-disputes", (el) => el.textContent ?? ""),
      /Beef trim 81\/19 \(\$2,000\.00\) Open.*Two cases arrived thawed/,
    );
    assert.deepEqual(await axeViolations(broker), [], "the invoice's page");
    await broker.goto(`${origin}/settings/payments`, { waitUntil: "domcontentloaded" });
    const settings = await broker.$eval("main", (m) => m.textContent ?? "");
    assert.match(settings, /ending in 1234/);
    assert.doesNotMatch(settings, /sk_test_browserkey|whsec_browsersecret/);
    assert.deepEqual(await axeViolations(broker), [], "/settings/payments");
    assert.deepEqual(brokerErrors, []);
  } finally {
    await session.close();
    await server.close();
    await stripe.close();
  }
});

Deno.test("browser: axe finds nothing on the portal's other pages: how to pay, notices, a refused form, a broken, an expired and a throttled link", async () => {
  const clock = new FixedClock("2026-11-20T18:00:00Z");
  const server = await startTestServer({}, { clock });
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, "portalaxe");
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api); // no Stripe keys: "How to pay"
    const url = `http://${tenant.host}:${server.port}/portal/${f.token}`;
    const page = await session.newPage(PHONE);
    const errors = watchErrors(page);
    await page.setBypassCSP(true); // to inject axe; the pages themselves run under their CSP
    const problems: string[] = [];
    const check = async (name: string, status: number, text: RegExp) => {
      const main = await page.$eval("main", (m) => m.textContent ?? "");
      assert.match(main, text, name);
      problems.push(...(await axeViolations(page)).map((v) => `${name} (${status}): ${v}`));
    };

    let res = await page.goto(url, { waitUntil: "load" });
    assert.equal(res?.status(), 200);
    await check("how to pay", 200, /How to pay/);
    assert.equal(await page.$("#pay"), null, "no pay button without Stripe");

    res = await page.goto(`${url}?payment=done`, { waitUntil: "load" });
    await check("payment notice", res!.status(), /payment is being processed/);

    // A reason the server refuses (the browser's own check switched off): the form again.
    res = await page.goto(url, { waitUntil: "load" });
    await page.$eval("#reason", (el) => ((el as HTMLTextAreaElement).value = "x"));
    await page.$eval(
      "form[action$='/dispute']",
      (el) => ((el as HTMLFormElement).noValidate = true),
    );
    res = await clickAndWaitForPage(page, "form[action$='/dispute'] button[type=submit]");
    assert.equal(res?.status(), 422);
    await check("refused dispute", 422, /Question a line/);

    res = await page.goto(`${url.slice(0, -2)}zz`, { waitUntil: "load" });
    assert.equal(res?.status(), 404);
    await check("broken link", 404, /This link does not work/);

    clock.advance(61 * 86_400_000); // past the default 60 days
    res = await page.goto(url, { waitUntil: "load" });
    assert.equal(res?.status(), 410);
    await check("expired link", 410, /This link has expired/);

    // Past 20 refused links from one address in 10 minutes: "Too many attempts".
    for (let i = 0; i < 20; i++) {
      const r = await server.fetch(tenant.host, `/portal/${f.token.slice(0, -2)}q${i % 10}`);
      await r.body?.cancel();
    }
    res = await page.goto(url, { waitUntil: "load" });
    assert.equal(res?.status(), 429);
    await check("throttled", 429, /Too many attempts/);

    assert.deepEqual(problems, []);
    assert.deepEqual(errors.filter((e) => !/Failed to load resource/.test(e)), []);
  } finally {
    await session.close();
    await server.close();
  }
});
