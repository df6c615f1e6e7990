/**
 * @module tests/e2e/browser
 * Launches Debian's Chromium through puppeteer-core for browser tests, touching nothing but
 * loopback (RECIPES.md), with a fresh profile that `close()` removes.
 */
import assert from "node:assert/strict";
import puppeteer, {
  type Browser,
  type Frame,
  type HTTPRequest,
  type HTTPResponse,
  type Page,
} from "puppeteer-core";

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = {
  width: 390,
  height: 844,
  isMobile: true,
  hasTouch: true,
  deviceScaleFactor: 2,
};

/** Path of the Chromium binary (CHROME_PATH, else Debian's). */
export function chromiumPath(): string {
  return Deno.env.get("CHROME_PATH") ?? "/usr/bin/chromium";
}

export interface BrowserSession {
  browser: Browser;
  newPage(viewport?: typeof DESKTOP | typeof PHONE): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Starts headless Chromium with a throwaway profile.
 *
 * Pages bypass the app's service worker unless `serviceWorkers` is set: once the worker controls
 * a page it answers the page's navigations, and puppeteer reports no page-level response for a
 * navigation a worker answered, so every wait for "the next page" timed out. Tests of other
 * things run as a browser without the installed app; the installable app's own tests
 * (tests/e2e/pwa_test.ts) opt in.
 */
export async function launchBrowser(
  opts: { serviceWorkers?: boolean } = {},
): Promise<BrowserSession> {
  const userDataDir = await Deno.makeTempDir({ prefix: "pm-chromium-" });
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    userDataDir,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-dev-shm-usage",
      "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost , EXCLUDE *.localhost , EXCLUDE 127.0.0.1",
    ],
  });
  return {
    browser,
    async newPage(viewport = DESKTOP) {
      const page = await browser.newPage();
      if (!opts.serviceWorkers) await page.setBypassServiceWorker(true);
      await page.setViewport(viewport);
      page.setDefaultTimeout(15_000);
      return page;
    },
    async close() {
      await browser.close();
      await Deno.remove(userDataDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Collects page errors and failed requests so a test can assert none happened. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (err) => errors.push(`pageerror: ${(err as Error).message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
  });
  return errors;
}

/** Signs a user in through their workspace's login page; returns the workspace's origin. */
export async function signInThroughPage(
  page: Page,
  port: number,
  user: { host: string; email: string; password: string },
): Promise<string> {
  const origin = `http://${user.host}:${port}`;
  await page.goto(`${origin}/login`);
  await page.type("#email", user.email);
  await page.type("#password", user.password);
  await clickAndWaitForPage(page, "form[action='/login'] button[type=submit]");
  return origin;
}

/**
 * Clicks what `selector` names and waits for the page it leads to (its response, returned). When no page comes, the error
 * lists what the browser did after the click (requests, answers, navigations), so a failure on a
 * loaded CI machine says whether the click was lost, the server was slow, or the page never loaded.
 *
 * It waits for the top-level document's response and load event rather than puppeteer's
 * `waitForNavigation` (see `nextMainFramePage`).
 */
export async function clickAndWaitForPage(
  page: Page,
  selector: string,
): Promise<HTTPResponse | null> {
  const seen: string[] = [];
  const started = performance.now();
  const note = (what: string) => seen.push(`${Math.round(performance.now() - started)} ms ${what}`);
  const onRequest = (r: HTTPRequest) => note(`request ${r.method()} ${r.url()}`);
  const onResponse = (r: HTTPResponse) => note(`response ${r.status()} ${r.url()}`);
  const onFailed = (r: HTTPRequest) => note(`failed ${r.url()} ${r.failure()?.errorText}`);
  const onFrame = (f: Frame) => note(`navigated ${f.url()}`);
  const onLoad = () => note("load");
  page.on("request", onRequest).on("response", onResponse).on("requestfailed", onFailed)
    .on("framenavigated", onFrame).on("load", onLoad);
  try {
    const [response] = await Promise.all([nextMainFramePage(page), page.click(selector)]);
    return response;
  } catch (err) {
    throw new Error(
      `Clicking ${selector} led to no page: ${(err as Error).message}\n` +
        `after the click:\n  ${seen.join("\n  ") || "nothing"}`,
      { cause: err },
    );
  } finally {
    page.off("request", onRequest).off("response", onResponse).off("requestfailed", onFailed)
      .off("framenavigated", onFrame).off("load", onLoad);
  }
}

/**
 * Resolves with the top-level document response once that document has fired its load event;
 * rejects after `timeoutMs`. It goes by the response and the page's load event only, not by
 * puppeteer's frame tree: on CI the frame tree missed the main frame's navigation away from the
 * review page (whose frame holds Chromium's PDF viewer) although the next page had loaded.
 */
function nextMainFramePage(page: Page, timeoutMs = 15_000): Promise<HTTPResponse | null> {
  return new Promise((resolve, reject) => {
    let response: HTTPResponse | null = null;
    const onResponse = (r: HTTPResponse) => {
      const request = r.request();
      // A known top frame only: a frame puppeteer lost track of (a PDF viewer's) gives null.
      const frame = request.frame();
      if (request.isNavigationRequest() && frame !== null && frame.parentFrame() === null) {
        response = r;
      }
    };
    // The load must be the new document's: the page left behind may still fire its own load
    // (a frame of it finishing) after the click, while its address is still the old one.
    const withoutHash = (url: string) => url.split("#")[0];
    const onLoad = () => {
      if (response && withoutHash(response.url()) === withoutHash(page.url())) {
        finish(() => resolve(response));
      }
    };
    const timer = setTimeout(
      () => finish(() => reject(new Error(`Navigation timeout of ${timeoutMs} ms exceeded`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      page.off("response", onResponse).off("load", onLoad);
      settle();
    };
    page.on("response", onResponse).on("load", onLoad);
  });
}

/** Waits for an island on the page, then a moment for it to hydrate. */
export async function waitForIsland(page: Page, selector: string, settleMs = 200): Promise<void> {
  await page.waitForFunction(
    (s: string) => Boolean(document.querySelector(s)),
    {},
    selector,
  );
  await new Promise((r) => setTimeout(r, settleMs));
}

/**
 * Picks a reference in a combobox with the keyboard alone: type, arrow down to the match (announced
 * as the active option), Enter (the list closes).
 */
export async function pickWithKeyboard(
  page: Page,
  selector: string,
  typed: string,
  wanted: string,
) {
  await page.focus(selector);
  await page.keyboard.type(typed);
  const listId = await page.$eval(selector, (el) => el.getAttribute("aria-controls")!);
  await page.waitForFunction(
    (id: string, w: string) =>
      [...document.querySelectorAll(`#${id} [role=option]`)].some((o) =>
        o.textContent?.includes(w)
      ),
    {},
    listId,
    wanted,
  );
  const index = await page.$$eval(
    `#${listId} [role=option]`,
    (options, w) => options.findIndex((o) => o.textContent?.includes(w as string)),
    wanted,
  );
  for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
  const active = await page.$eval(selector, (el) => el.getAttribute("aria-activedescendant"));
  assert.equal(active, `${listId}-${index}`, "the active option is announced");
  await page.keyboard.press("Enter");
  assert.equal(await page.$eval(selector, (el) => el.getAttribute("aria-expanded")), "false");
}
