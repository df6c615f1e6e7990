/**
 * The command palette and the keyboard shortcuts in a real browser (issue 17): Ctrl-K opens the
 * palette, typing filters actions and finds records, Enter goes there; `?` lists the shortcuts,
 * `g` then a letter goes to a section; axe finds nothing with either dialog open.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import type { Page } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { launchBrowser, signInThroughPage, waitForIsland, watchErrors } from "./browser.ts";

async function axeProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  return await page.evaluate(async () => {
    type Violation = { id: string; nodes: Array<{ target: string[] }> };
    const run = (globalThis as unknown as {
      axe: { run(d: Document): Promise<{ violations: Violation[] }> };
    }).axe.run;
    return (await run(document)).violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target)}`);
  });
}

Deno.test("browser: Ctrl-K searches and runs commands; ? lists the shortcuts", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, "palette");
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Lone Star Grocers" }, 201);
    const page = await session.newPage();
    const errors = watchErrors(page);
    await page.setBypassCSP(true); // to inject axe; the pages themselves run under their CSP
    const base = await signInThroughPage(page, server.port, tenant);
    await page.goto(`${base}/suppliers`);
    await waitForIsland(page, "pm-island[data-island='CommandPalette'] button", 200);

    await page.keyboard.down("Control");
    await page.keyboard.press("k");
    await page.keyboard.up("Control");
    await page.waitForSelector("dialog.command-palette[open]");
    assert.equal(await page.evaluate(() => document.activeElement?.id), "command-input");
    assert.deepEqual(await axeProblems(page), []);
    await page.keyboard.type("lone star");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#command-list [role=option]")].some((o) =>
        o.textContent?.includes("Lone Star Grocers")
      )
    );
    const index = await page.$$eval(
      "#command-list [role=option]",
      (options) => options.findIndex((o) => o.textContent?.includes("Lone Star Grocers")),
    );
    for (let i = 0; i < index; i++) await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.equal(new URL(page.url()).pathname, `/customers/${customer.id}`);

    await waitForIsland(page, "pm-island[data-island='CommandPalette'] button", 200);
    await page.keyboard.down("Control");
    await page.keyboard.press("k");
    await page.keyboard.up("Control");
    await page.waitForSelector("dialog.command-palette[open]");
    await page.keyboard.type("new purchase");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.equal(new URL(page.url()).pathname, "/purchase-orders/new");

    await page.goto(`${base}/suppliers`);
    await waitForIsland(page, "pm-island[data-island='CommandPalette'] button", 200);
    await page.keyboard.type("?");
    await page.waitForSelector("dialog.shortcuts[open]");
    assert.match(await page.$eval("dialog.shortcuts", (el) => el.textContent!), /Ctrl K/);
    assert.deepEqual(await axeProblems(page), []);
    await page.keyboard.press("Escape");
    await page.waitForSelector("dialog.shortcuts:not([open])");
    await page.keyboard.type("g");
    await Promise.all([page.waitForNavigation(), page.keyboard.type("l")]);
    assert.equal(new URL(page.url()).pathname, "/loads");
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
    await server.close();
  }
});
