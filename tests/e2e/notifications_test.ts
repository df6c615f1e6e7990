/**
 * Notifications and record activity in a real browser (issue 17): the bell counts a mention and
 * the notifications page opens it; axe finds no violations on the new pages and the Activity card.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { addMember } from "../helpers/members.ts";
import { clickAndWaitForPage, launchBrowser, signInThroughPage, watchErrors } from "./browser.ts";

Deno.test("browser: a mention lights the bell, the notifications page opens the record; axe finds nothing on the new pages", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Bell Grocers" }, 201);
    const colleague = await addMember(server, t.tenantId, "broker", `bell-${Date.now()}@x.test`);
    const page = await session.newPage();
    const errors = watchErrors(page);
    await page.setBypassCSP(true); // to inject axe; the page itself runs under its CSP
    const origin = await signInThroughPage(page, server.port, t);
    await page.goto(`${origin}/customers/${customer.id}`);
    await page.type("#note-body", `@${colleague.email.split("@")[0]} the pallet was short`);
    await clickAndWaitForPage(page, "form[action$='/notes'] button[type=submit]");
    assert.match(await page.$eval("#activity", (el) => el.textContent ?? ""), /pallet was short/);

    // The colleague's session: the bell says one unread; the page opens the record.
    const other = await session.browser.createBrowserContext();
    const theirs = await other.newPage();
    await theirs.setBypassServiceWorker(true); // as launchBrowser's pages (tests/e2e/browser.ts)
    theirs.setDefaultTimeout(15_000);
    await theirs.setBypassCSP(true);
    await signInThroughPage(theirs, server.port, {
      host: t.host,
      email: colleague.email,
      password: colleague.password,
    });
    await theirs.goto(`${origin}/customers`);
    await theirs.waitForSelector(".notification-bell .bell-count");
    assert.equal(await theirs.$eval(".bell-count", (el) => el.textContent), "1");
    await clickAndWaitForPage(theirs, ".notification-bell");
    await clickAndWaitForPage(theirs, ".notification-list a.notification-title");
    assert.equal(new URL(theirs.url()).pathname, `/customers/${customer.id}`);

    const problems: string[] = [];
    for (
      const path of ["/notifications", "/notifications/preferences", `/customers/${customer.id}`]
    ) {
      await theirs.goto(`${origin}${path}`, { waitUntil: "domcontentloaded" });
      await theirs.addScriptTag({ content: axe.source });
      const found = await theirs.evaluate(async () => {
        type Violation = { id: string; help: string; nodes: Array<{ target: string[] }> };
        const run = (globalThis as unknown as {
          axe: { run(d: Document): Promise<{ violations: Violation[] }> };
        }).axe.run;
        return (await run(document)).violations.map((v) =>
          `${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
        );
      });
      for (const v of found) problems.push(`${path}: ${v}`);
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(errors, []);
    await other.close();
  } finally {
    await session.close();
    await server.close();
  }
});
