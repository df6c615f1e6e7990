/**
 * A tenant's theme in a real browser: the primary button is the built-in red, the live preview
 * recolours only its sample as a colour is picked (no inline style, so nothing the CSP refuses),
 * and once the configuration is saved every page's primary button is the tenant's green.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import axe from "axe-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { launchBrowser, signInThroughPage, waitForIsland, watchErrors } from "./browser.ts";

function background(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) => getComputedStyle(el).backgroundColor);
}

Deno.test("a theme's primary colour changes the buttons; the live preview changes only its sample first", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server);
    const page = await session.newPage();
    const errors = watchErrors(page);
    const origin = await signInThroughPage(page, server.port, tenant);
    await page.goto(`${origin}/settings/configuration`);
    await waitForIsland(page, "[data-theme-sample=colors]");
    const save = "form[action='/settings/configuration/branding'] > button.primary";
    assert.equal(await background(page, save), "rgb(155, 28, 46)");

    await page.$eval('input[name="colors.primary"]', (el) => {
      (el as HTMLInputElement).value = "#1f6f43";
      el.dispatchEvent(new Event("input", { bubbles: true }));
    });
    await page.waitForFunction(() =>
      getComputedStyle(document.querySelector("[data-theme-sample=colors] .button.primary")!)
        .backgroundColor === "rgb(31, 111, 67)"
    );
    assert.equal(await background(page, save), "rgb(155, 28, 46)", "not saved yet");

    const api = await apiClient(server, tenant);
    const green = { branding: { colors: { primary: "#1f6f43", primary_hover: "#17563a" } } };
    assert.equal(
      (await api.call("PUT", "/api/v1/config", green, { "if-match": '"0"' })).status,
      200,
    );
    await page.goto(`${origin}/purchase-orders`);
    assert.equal(
      await background(page, "a.button.primary, button.button.primary"),
      "rgb(31, 111, 67)",
    );
    assert.deepEqual(errors.filter((e) => /Content Security Policy|style/i.test(e)), []);
  } finally {
    await session.close();
    await server.close();
  }
});

Deno.test("browser: axe finds no accessibility violations on Settings → Configuration and its help article", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server);
    const page = await session.newPage();
    await page.setBypassCSP(true); // to inject axe; the page itself runs under its CSP
    const origin = await signInThroughPage(page, server.port, tenant);
    const problems: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
      for (const path of ["/settings/configuration", "/help/13_configuration_and_branding"]) {
        await page.goto(`${origin}${path}`);
        await page.addScriptTag({ content: axe.source });
        const found = await page.evaluate(async () => {
          type Violation = { id: string; help: string; nodes: Array<{ target: string[] }> };
          const run = (globalThis as unknown as {
            axe: { run(d: Document): Promise<{ violations: Violation[] }> };
          }).axe.run;
          return (await run(document)).violations.map((v) =>
            `${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
          );
        });
        for (const v of found) problems.push(`${scheme} ${path}: ${v}`);
      }
    }
    assert.deepEqual(problems, []);
  } finally {
    await session.close();
    await server.close();
  }
});
