/**
 * Live updates between two browser sessions of one workspace (issue 17): a colleague's list and
 * record page follow a change without reloading, with the changed row highlighted; an edit form
 * warns instead of changing under the user; a third session in another workspace hears nothing.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import { addMember } from "../helpers/members.ts";
import { DESKTOP, launchBrowser, PHONE, signInThroughPage, watchErrors } from "./browser.ts";

function streaming(page: Page): Promise<unknown> {
  return page.waitForFunction(() => document.body.getAttribute("data-live") === "stream");
}

Deno.test("browser: a colleague's list and record page update live; an edit form warns; another workspace hears nothing", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const colleague = await addMember(server, a.tenantId, "broker");
    const api = await apiClient(server, a);
    const apiB = await apiClient(server, b);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Prairie Grocers" }, 201);
    await apiB.ok("POST", "/api/v1/customers", { name: "Tenant B Grocers" }, 201);

    const owner = await session.newPage(DESKTOP);
    const ownerErrors = watchErrors(owner);
    const originA = await signInThroughPage(owner, server.port, a);
    const otherContext = await session.browser.createBrowserContext();
    const phone = await otherContext.newPage();
    await phone.setViewport(PHONE);
    phone.setDefaultTimeout(15_000);
    await signInThroughPage(phone, server.port, {
      host: a.host,
      email: colleague.email,
      password: colleague.password,
    });
    const thirdContext = await session.browser.createBrowserContext();
    const outsider = await thirdContext.newPage();
    outsider.setDefaultTimeout(15_000);
    const originB = await signInThroughPage(outsider, server.port, b);

    await owner.goto(`${originA}/customers`);
    await phone.goto(`${originA}/customers/${customer.id}`);
    await outsider.goto(`${originB}/customers`);
    await Promise.all([streaming(owner), streaming(phone), streaming(outsider)]);

    const renamed = await api.ok("PATCH", `/api/v1/customers/${customer.id}`, {
      version: customer.version,
      name: "Prairie Grocers West",
    });
    await owner.waitForFunction(() =>
      [...document.querySelectorAll("table.records tbody tr.live-changed")].some((tr) =>
        tr.textContent?.includes("Prairie Grocers West")
      )
    );
    await phone.waitForFunction(() =>
      document.querySelector("h1")?.textContent?.includes("Prairie Grocers West")
    );
    assert.equal(owner.url(), `${originA}/customers`, "no navigation: updated in place");

    // The colleague starts editing; the owner saves meanwhile: a warning, the form untouched.
    await phone.goto(`${originA}/customers/${customer.id}/edit`);
    await streaming(phone);
    await phone.type("input[name=phone]", "555-0142");
    await api.ok("PATCH", `/api/v1/customers/${customer.id}`, {
      version: renamed.version,
      notes: "Dock 4 only",
    });
    await phone.waitForSelector(".live-notice");
    const notice = await phone.$eval(".live-notice", (el) => el.textContent ?? "");
    assert.match(notice, /Someone else saved this record/);
    assert.equal(
      await phone.$eval("input[name=phone]", (el) => (el as HTMLInputElement).value),
      "555-0142",
    );

    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(
      await outsider.evaluate(() => document.body.getAttribute("data-live-updated")),
      null,
      "the other workspace's page never refreshed",
    );
    assert.doesNotMatch(await outsider.content(), /Prairie Grocers/);
    assert.deepEqual(ownerErrors, []);
    await otherContext.close();
    await thirdContext.close();
  } finally {
    await session.close();
    await server.close();
  }
});
