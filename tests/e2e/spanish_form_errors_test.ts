/**
 * A record form refused in Spanish, in Chromium (issue 17): a member who chose Spanish (with a
 * browser asking for English) submits a customer with no name and a bad e-mail address. The
 * form's island checks it before sending and shows each field's error in Spanish, next to its
 * field; with JavaScript off, the server's refusal page shows the same Spanish errors. Nothing is
 * saved either way.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { translator } from "../../i18n/mod.ts";
import { untranslated } from "../../i18n/untranslated.ts";
import {
  clickAndWaitForPage,
  launchBrowser,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

const es = translator("es");

/** Each invalid field's error text, by field name, as the browser shows it. */
async function fieldErrors(page: Page): Promise<Record<string, string>> {
  return await page.$$eval(
    "[aria-invalid='true']",
    (fields) =>
      Object.fromEntries(fields.map((f) => {
        const ids = (f.getAttribute("aria-describedby") ?? "").split(/\s+/).filter(Boolean);
        const text = ids.map((id) => document.getElementById(id)).filter((el) =>
          el?.classList.contains("error")
        ).map((el) => el!.textContent!.trim()).join(" ");
        return [f.getAttribute("name") ?? "", text];
      })),
  );
}

async function fillAndSubmit(page: Page, javascript: boolean): Promise<void> {
  await page.$eval("input[name=name]", (el) => (el as HTMLInputElement).value = "");
  await page.type("input[name=email]", "no-es-un-correo");
  if (javascript) await page.click(".record-form button[type=submit]");
  else await clickAndWaitForPage(page, ".record-form button[type=submit]");
}

Deno.test("browser: a Spanish member's record form shows its field errors in Spanish, from the island and from the server", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server, "erroresform");
    const api = await apiClient(server, tenant);
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

    const session = await launchBrowser();
    try {
      const page = await session.newPage();
      await page.setExtraHTTPHeaders({ "accept-language": "en-US,en;q=0.9" });
      const errors = watchErrors(page);
      const base = await signInThroughPage(page, server.port, tenant);

      // The island's own checks: nothing is sent, the errors appear in Spanish.
      await page.goto(`${base}/customers/new`);
      await waitForIsland(page, ".record-form[data-live]", 50);
      await fillAndSubmit(page, true);
      await page.waitForSelector("[aria-invalid='true']");
      assert.equal(new URL(page.url()).pathname, "/customers/new", "the form stayed");
      const fromIsland = await fieldErrors(page);
      assert.equal(fromIsland.email, es("error.email"));
      assert.equal(fromIsland.name, es("error.required"));
      const alert = await page.$eval(".record-form [role=alert]", (el) => el.textContent!.trim());
      assert.equal(alert, es("form.needs_attention"));
      assert.equal(await page.$eval("html", (el) => el.getAttribute("lang")), "es");
      assert.deepEqual(untranslated(await page.content()), []);

      // The server's refusal, with JavaScript off: the same errors, in Spanish.
      const plain = await session.newPage();
      await plain.setJavaScriptEnabled(false);
      await plain.setExtraHTTPHeaders({ "accept-language": "en-US,en;q=0.9" });
      for (const cookie of await page.cookies()) await plain.setCookie(cookie);
      await plain.goto(`${base}/customers/new`);
      await fillAndSubmit(plain, false);
      const fromServer = await fieldErrors(plain);
      assert.equal(fromServer.email, es("error.email"));
      assert.equal(fromServer.name, es("error.required"));
      const shown = (await plain.content()).replace(/<script[\s\S]*?<\/script>/g, "")
        .replace(/data-props="[^"]*"/g, "");
      assert.doesNotMatch(shown, /Enter a valid e-mail address|>Required\.</);
      assert.deepEqual(untranslated(shown), []);

      assert.deepEqual(errors, []);
    } finally {
      await session.close();
    }
    const customers = await api.ok("GET", "/api/v1/customers");
    assert.equal(customers.data.length, 0, "nothing was saved");
  } finally {
    await server.close();
  }
});
