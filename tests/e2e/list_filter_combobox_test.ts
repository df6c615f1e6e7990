/**
 * A list's reference filter in a real browser (issue 17): with JavaScript the supplier filter is
 * the searchable combobox, operated with the keyboard alone (type, Down, Enter, then Apply); without
 * JavaScript it is a plain select in the same GET form. Either way the list shows only that
 * supplier's purchase orders.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import {
  clickAndWaitForPage,
  launchBrowser,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

function listedNumbers(page: Page): Promise<string[]> {
  return page.$$eval(
    "table.records tbody th[scope=row] a",
    (as) => as.map((a) => a.textContent ?? ""),
  );
}

Deno.test("browser: the supplier filter is a keyboard combobox with JavaScript and a select without", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, "filterpick");
    const api = await apiClient(server, tenant);
    const prairie = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const zenith = await api.ok("POST", "/api/v1/suppliers", { name: "Zenith Beef" }, 201);
    const po = (supplierId: string) =>
      api.ok("POST", "/api/v1/purchase-orders", {
        supplier_id: supplierId,
        order_date: "2026-10-01",
      }, 201);
    const [, zenithPo] = [await po(prairie.id), await po(zenith.id)];

    const page = await session.newPage();
    const errors = watchErrors(page);
    const base = await signInThroughPage(page, server.port, tenant);
    await page.goto(`${base}/purchase-orders`);
    await waitForIsland(page, "pm-island[data-island='FilterPicker'] input[role=combobox]");
    await page.click("details.more-filters > summary");
    await page.focus("#filter-supplier_id");
    await page.keyboard.type("zen");
    await page.waitForFunction(() =>
      [...document.querySelectorAll("#filter-supplier_id-list [role=option]")].some((o) =>
        o.textContent?.includes("Zenith Beef")
      )
    );
    assert.equal(
      await page.$eval("#filter-supplier_id", (el) => el.getAttribute("aria-expanded")),
      "true",
    );
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    assert.equal(
      await page.$eval(
        "input[type=hidden][name=supplier_id]",
        (el) => (el as HTMLInputElement).value,
      ),
      zenith.id,
    );
    await clickAndWaitForPage(page, "form.filters button[type=submit]");
    assert.equal(new URL(page.url()).searchParams.get("supplier_id"), zenith.id);
    assert.deepEqual(await listedNumbers(page), [zenithPo.number]);
    assert.deepEqual(errors, []);

    // Without JavaScript: the same filter is a select in the same form.
    const plain = await session.newPage();
    await plain.setJavaScriptEnabled(false);
    const cookies = await page.cookies();
    await plain.setCookie(...cookies);
    await plain.goto(`${base}/purchase-orders`);
    assert.equal(await plain.$("#filter-supplier_id[role=combobox]"), null);
    await plain.click("details.more-filters > summary");
    await plain.select("select#filter-supplier_id", prairie.id);
    await clickAndWaitForPage(plain, "form.filters button[type=submit]");
    assert.equal(new URL(plain.url()).searchParams.get("supplier_id"), prairie.id);
    assert.equal((await listedNumbers(plain)).length, 1);
    assert.notDeepEqual(await listedNumbers(plain), [zenithPo.number]);
  } finally {
    await session.close();
    await server.close();
  }
});
