/**
 * The assistant in a real browser: a question gets its answer streamed into the page with links
 * to the records used, the conversation continues, and it is still there after a reload.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { apiClient } from "../helpers/api.ts";
import {
  DESKTOP,
  launchBrowser,
  signInThroughPage,
  waitForIsland,
  watchErrors,
} from "./browser.ts";

Deno.test("browser: ask the assistant, see the answer stream in with record links, continue, reload", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const tenant = await signUpTenant(server, "askme");
    const api = await apiClient(server, tenant);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Blue Ice Transport",
      insurance_expires: "2020-03-03",
    }, 201);
    const page = await session.newPage(DESKTOP);
    const errors = watchErrors(page);
    const base = await signInThroughPage(page, server.port, tenant);

    await page.goto(`${base}/assistant`);
    await waitForIsland(page, "pm-island[data-island='AssistantChat']");
    await page.type("#chat-message", "Whose insurance is expiring?");
    await page.click(".chat-form button[type=submit]");
    await page.waitForSelector("[data-live-chat] [data-state=done]");
    const answer = await page.$eval(
      "[data-live-chat] [data-state=done]",
      (el) => el.textContent ?? "",
    );
    assert.match(answer, /Blue Ice Transport: Mar 3, 2020/);
    const link = await page.$eval(
      "[data-live-chat] .chat-citations a",
      (a) => a.getAttribute("href"),
    );
    assert.equal(link, `/carriers/${carrier.id}`);
    assert.equal(
      new URL(page.url()).pathname,
      "/assistant",
      "no page load: the answer streamed in",
    );
    const conversation = new URL(page.url()).searchParams.get("c");
    assert.match(conversation ?? "", /^[0-9a-z]{26}$/);

    await page.type("#chat-message", "receivables aging");
    await page.click(".chat-form button[type=submit]");
    await page.waitForFunction(() =>
      document.querySelectorAll("[data-live-chat] [data-state=done]").length === 2
    );

    await page.reload();
    const log = await page.$eval(".chat-log", (el) => el.textContent ?? "");
    assert.match(log, /Whose insurance is expiring\?/);
    assert.match(log, /receivables aging/);
    assert.deepEqual(errors, []);
  } finally {
    await session.close();
    await server.close();
  }
});
