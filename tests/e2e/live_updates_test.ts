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
import { newId } from "../../db/ids.ts";
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
    await phone.setBypassServiceWorker(true); // as launchBrowser's pages (tests/e2e/browser.ts)
    await phone.setViewport(PHONE);
    phone.setDefaultTimeout(15_000);
    await signInThroughPage(phone, server.port, {
      host: a.host,
      email: colleague.email,
      password: colleague.password,
    });
    const thirdContext = await session.browser.createBrowserContext();
    const outsider = await thirdContext.newPage();
    await outsider.setBypassServiceWorker(true); // as launchBrowser's pages (tests/e2e/browser.ts)
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

Deno.test("browser: a document's status on the documents page changes as the reader works, without reloading, the upload form kept", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const a = await signUpTenant(server);
    const page = await session.newPage(DESKTOP);
    const errors = watchErrors(page);
    const origin = await signInThroughPage(page, server.port, a);
    const id = newId();
    const lease = await server.services.pool.acquire(a.tenantId, null);
    try {
      const now = new Date().toISOString();
      await lease.db.execute({
        sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key,
                status, created_at, updated_at)
              VALUES (?, 'BOL-77.pdf', 'application/pdf', 10, 'x', 'k', 'processing', ?, ?)`,
        args: [id, now, now],
      });
      await page.goto(`${origin}/documents`);
      await streaming(page);
      await page.$eval(
        "pm-island[data-island=DocumentUpload]",
        (el) => el.setAttribute("data-kept", "1"),
      );
      // The reader (a worker, maybe on another machine) finishes: only the database changes.
      await lease.db.execute({
        sql: "UPDATE documents SET status = 'review', updated_at = ? WHERE id = ?",
        args: [new Date().toISOString(), id],
      });
    } finally {
      lease.release();
    }
    await page.waitForFunction(
      (docId: string) => {
        const row = document.querySelector(`tr[data-document="${docId}"]`);
        return row?.classList.contains("live-changed") && row.textContent?.includes("review");
      },
      {},
      id,
    );
    assert.equal(
      await page.$eval(
        "pm-island[data-island=DocumentUpload]",
        (el) => el.getAttribute("data-kept"),
      ),
      "1",
      "the upload island was not replaced",
    );
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
    await server.close();
  }
});
