/**
 * The owner's path through billing in a real browser, against the local Stripe double: the
 * billing page on the trial, Checkout for Professional, the webhook applied by the worker, the
 * upgraded plan shown; then a failed renewal shows the grace banner, and after the grace period
 * the workspace is read-only with its data still there and exportable.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { startStripeDouble } from "../helpers/stripe_double.ts";
import {
  clickAndWaitForPage,
  DESKTOP,
  launchBrowser,
  signInThroughPage,
  watchErrors,
} from "./browser.ts";
import { Worker } from "../../workers/runner.ts";
import { workerOptions } from "../../workers/handlers.ts";
import { syncPlans } from "../../billing/stripe.ts";
import axe from "axe-core";
import type { Page } from "puppeteer-core";

/** axe-core violations on the page at `url`, in light and dark schemes. */
async function axeViolations(page: Page, url: string): Promise<string[]> {
  const problems: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
    await page.goto(url);
    await page.addScriptTag({ content: axe.source });
    const found = await page.evaluate(async () => {
      type Violation = { id: string; nodes: Array<{ target: string[] }> };
      const run = (globalThis as unknown as {
        axe: { run(d: Document): Promise<{ violations: Violation[] }> };
      }).axe.run;
      return (await run(document)).violations.map((v) =>
        `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
      );
    });
    problems.push(...found.map((v) => `${scheme} ${url}: ${v}`));
  }
  return problems;
}

const SECRET = "whsec_e2e";

Deno.test("browser: trial -> Checkout (local double) -> webhook -> Professional; failed renewal -> grace -> read-only", async () => {
  const stripe = startStripeDouble();
  const server = await startTestServer({
    STRIPE_SECRET_KEY: "sk_test_e2e",
    STRIPE_API_BASE: stripe.origin,
    STRIPE_WEBHOOK_SECRET: SECRET,
  });
  stripe.webhookTarget = { port: server.port, host: "localhost", secret: SECRET };
  stripe.clock = server.services.clock;
  const worker = new Worker(server.services, { ...workerOptions(server.services), idleMs: 50 });
  worker.start();
  const session = await launchBrowser();
  try {
    await syncPlans(server.services.billing.stripe!);
    const t = await signUpTenant(server);
    const page = await session.newPage(DESKTOP);
    const errors = watchErrors(page);
    const missing: string[] = [];
    page.on("response", (r) => {
      if (r.status() === 404) missing.push(r.url());
    });

    const base = await signInThroughPage(page, server.port, t);
    const customer = await server.fetch(t.host, "/api/v1/customers", {
      method: "POST",
      headers: { cookie: t.jar.header(t.host), "x-csrf-token": t.csrf },
      json: { name: "Lone Star Grocers" },
    });
    assert.equal(customer.status, 201);

    // The billing page on the trial.
    await page.goto(`${base}/settings/billing`);
    assert.equal(await page.$eval("#current-plan", (el) => el.textContent), "Free trial");
    assert.match(await page.$eval("#usage", (el) => el.textContent ?? ""), /1 of 10/);

    // Choose Professional, monthly: off to (the double's) Checkout.
    await clickAndWaitForPage(page, "[data-plan=professional] button[value=month]");
    assert.equal(new URL(page.url()).origin, stripe.origin);
    assert.match(
      await page.$eval("#checkout-price", (el) => el.textContent ?? ""),
      /pm_professional_month 14900/,
    );

    // Pay: Stripe sends the webhooks and redirects back to the billing page.
    await clickAndWaitForPage(page, "#pay");
    const back = new URL(page.url());
    assert.equal(back.host, `${t.host}:${server.port}`);
    assert.equal(back.pathname, "/settings/billing");
    assert.equal(back.searchParams.get("checkout"), "success");

    // The worker applies the event; the page shows the upgrade (reload until it has).
    for (let i = 0; i < 40; i++) {
      if ((await page.$eval("#current-plan", (el) => el.textContent)) === "Professional") break;
      await new Promise((r) => setTimeout(r, 100));
      await page.reload();
    }
    assert.equal(await page.$eval("#current-plan", (el) => el.textContent), "Professional");
    assert.match(await page.$eval("#billing-state", (el) => el.textContent ?? ""), /Active/);
    assert.match(await page.$eval("#usage", (el) => el.textContent ?? ""), /1 of 15/);
    assert.ok(await page.$("form[action='/settings/billing/portal']"), "the portal button appears");
    assert.equal(stripe.requests.filter((r) => r.path === "/v1/customers").length, 1);

    // A renewal fails: the grace banner appears on every page, with full access.
    const sub = [...stripe.subscriptions.values()][0]!;
    const res = await stripe.sendEvent("invoice.payment_failed", {
      id: "in_e2e",
      object: "invoice",
      customer: sub.customer,
      billing_reason: "subscription_cycle",
      parent: { subscription_details: { subscription: sub.id, metadata: {} } },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
    for (let i = 0; i < 40 && !(await page.$("#billing-banner")); i++) {
      await new Promise((r) => setTimeout(r, 100));
      await page.goto(`${base}/customers`);
    }
    assert.match(
      await page.$eval("#billing-banner", (el) => el.textContent ?? ""),
      /Payment problem/,
    );

    // The billing page and the banner pass axe (on a page of its own: axe needs CSP bypassed).
    const axePage = await session.newPage(DESKTOP);
    await axePage.setBypassCSP(true);
    await axePage.setCookie({
      name: "pm_session",
      value: t.jar.get(t.host, "pm_session")!,
      domain: t.host,
      path: "/",
    });
    assert.deepEqual(await axeViolations(axePage, `${base}/settings/billing`), []);
    await axePage.close();

    // The grace period passes: read-only, with the data intact and exportable.
    await server.services.control.execute({
      sql: "UPDATE tenant_billing SET past_due_since = ? WHERE tenant_id = ?",
      args: [new Date(Date.now() - 8 * 86_400_000).toISOString(), t.tenantId],
    });
    server.services.billing.invalidate(t.tenantId);
    await page.goto(`${base}/customers/new`);
    assert.match(
      await page.$eval("#billing-banner", (el) => el.textContent ?? ""),
      /Read-only workspace/,
    );
    await page.type("main form input[name=name]", "Gulf Coast Foods");
    const refused = await clickAndWaitForPage(page, "main form button[type=submit]");
    assert.equal(refused?.status(), 402);
    assert.match(await page.$eval("#payment-required", (el) => el.textContent ?? ""), /read-only/);
    const csv = await server.fetch(t.host, "/customers/export.csv", {
      headers: { cookie: t.jar.header(t.host) },
    });
    const text = await csv.text();
    assert.match(text, /Lone Star Grocers/);
    assert.doesNotMatch(text, /Gulf Coast Foods/);
    // The refused post is the one 402; the double's pages have no favicon.
    assert.deepEqual(missing.filter((u) => !u.endsWith("/favicon.ico")), []);
    assert.deepEqual(errors.filter((e) => !/status of (402|404)/.test(e)), []);
    assert.equal(errors.filter((e) => /status of 402/.test(e)).length, 1);
  } finally {
    await session.close();
    await worker.stop();
    await server.close();
    await stripe.close();
  }
});
