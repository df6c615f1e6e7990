/**
 * What a user sees on a laptop (1,366 px) and a phone (390 px), in the demo workspace: no page is
 * wider than the window, every checkbox is checkbox-sized beside labels of any length, amounts
 * never break across lines, the current tab of Settings and Reports is on screen, and the Members
 * table shows every member's e-mail and role. One server and one browser for the whole file;
 * with LAYOUT_SHOTS=dir set, a screenshot of every page lands there for a look by eye.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "puppeteer-core";
import { startTestServer } from "../helpers/server.ts";
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, ensureDemoTenant } from "../../tenants/demo.ts";
import { DESKTOP, launchBrowser, PHONE, signInThroughPage, watchErrors } from "./browser.ts";

const LAPTOP = { ...DESKTOP, width: 1366, height: 768 };
const VIEWPORTS = [["laptop", LAPTOP], ["phone", PHONE]] as const;

interface Layout {
  scrollWidth: number;
  innerWidth: number;
  /** Elements that reach past the right edge of the window (tag.class and width). */
  wide: string[];
  /** Checkboxes and radios with their rendered size. */
  checkboxes: Array<{ name: string; width: number; height: number }>;
  /** Amounts whose text runs over more than one line. */
  wrappedMoney: string[];
  /** The current tab of a tab strip: its left and right edges. */
  currentTabs: Array<{ label: string; left: number; right: number }>;
}

/** Measures the page as laid out in the browser. */
function measure(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    const innerWidth = globalThis.innerWidth;
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
    };
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()}${
        el.className ? `.${String(el.className).replace(/\s+/g, ".")}` : ""
      }`;
    const wide: string[] = [];
    for (const el of document.body.querySelectorAll("*")) {
      if (!visible(el) || el.closest(".table-wrap, .visually-hidden")) continue;
      const r = el.getBoundingClientRect();
      if (r.right > innerWidth + 1) wide.push(`${describe(el)} right=${Math.round(r.right)}`);
    }
    const checkboxes = [...document.querySelectorAll("input[type=checkbox], input[type=radio]")]
      .filter(visible)
      .map((el) => {
        const r = el.getBoundingClientRect();
        const input = el as HTMLInputElement;
        return { name: `${input.name}=${input.value}`, width: r.width, height: r.height };
      });
    const wrappedMoney = [...document.querySelectorAll(".money, td.num")]
      .filter(visible)
      .filter((el) => {
        // A number on one line has its line boxes at one height; a wrapped one at two or more.
        // (Each text node alone: a total over a weight on purpose, split by <br>, is fine.)
        const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          if (!node.textContent?.trim()) continue;
          const range = document.createRange();
          range.selectNodeContents(node);
          const tops = [...range.getClientRects()].filter((r) => r.width > 0).map((r) => r.top);
          if (tops.some((top) => Math.abs(top - tops[0]!) > 2)) return true;
        }
        return false;
      })
      .map((el) => `${describe(el)}: ${el.textContent}`);
    const currentTabs = [...document.querySelectorAll(".tabs [aria-current=page]")].map((el) => {
      const r = el.getBoundingClientRect();
      return { label: el.textContent ?? "", left: r.left, right: r.right };
    });
    return {
      scrollWidth: document.scrollingElement!.scrollWidth,
      innerWidth,
      wide: wide.slice(0, 10),
      checkboxes,
      wrappedMoney,
      currentTabs,
    };
  });
}

Deno.test("browser: demo pages fit a 1,366 px and a 390 px window, with checkbox-sized checkboxes", async (t) => {
  const server = await startTestServer();
  const session = await launchBrowser();
  const shots = Deno.env.get("LAYOUT_SHOTS");
  try {
    await ensureDemoTenant(server.services);
    // A token of the demo owner, so the workspace's token table has a row to lay out.
    const token = await server.fetch(`${DEMO_SLUG}.localhost`, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "Accounting export" },
    });
    assert.equal(token.status, 201);
    await token.body?.cancel();
    const laptop = await session.newPage(LAPTOP);
    const errors = watchErrors(laptop);
    const origin = await signInThroughPage(laptop, server.port, {
      host: `${DEMO_SLUG}.localhost`,
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    const firstOf = async (collection: string) => {
      await laptop.goto(`${origin}/${collection}`);
      return await laptop.$eval(
        "table.records tbody th a",
        (a) => (a as HTMLAnchorElement).getAttribute("href")!,
      );
    };
    const pages = [
      { name: "supplier-form", path: "/suppliers/new", checkboxes: true },
      { name: "sales-order-form", path: "/sales-orders/new", checkboxes: true },
      { name: "load", path: await firstOf("loads") },
      { name: "purchase-order-history", path: await firstOf("purchase-orders") },
      { name: "settings-members", path: "/settings/members", tab: "Members" },
      { name: "reports-aging", path: "/reports?report=aging", tab: "AR aging" },
      { name: "bill", path: await firstOf("bills") },
      { name: "reports-ap-aging", path: "/reports?report=ap_aging", tab: "AP aging" },
      { name: "settings-company", path: "/settings/company" },
      { name: "settings-tokens", path: "/settings/tokens" },
    ];
    const phone = await session.newPage(PHONE); // same browser: the session cookie is shared

    for (const [label, viewport] of VIEWPORTS) {
      const page = label === "laptop" ? laptop : phone;
      for (const spec of pages) {
        await t.step(`${spec.name} at ${viewport.width} px`, async () => {
          await page.goto(`${origin}${spec.path}`);
          // Screenshots only when asked for: a full-page capture of a background tab can stall
          // for minutes on a busy machine, and the measurements below do not need it.
          if (shots) {
            await page.bringToFront();
            await page.screenshot({
              path: join(shots, `${label}-${spec.name}.png`),
              fullPage: true,
            });
          }
          const m = await measure(page);
          assert.ok(
            m.scrollWidth <= m.innerWidth,
            `page is ${m.scrollWidth} px wide in a ${m.innerWidth} px window: ${m.wide.join(", ")}`,
          );
          for (const box of m.checkboxes) {
            assert.ok(
              box.width <= 32 && box.height <= 32,
              `checkbox ${box.name} is ${box.width}x${box.height} px`,
            );
          }
          if (spec.checkboxes) assert.ok(m.checkboxes.length > 0, "the form has checkboxes");
          assert.deepEqual(m.wrappedMoney, [], "amounts that break across lines");
          if (spec.tab) {
            const tab = m.currentTabs.find((x) => x.label.trim() === spec.tab);
            assert.ok(tab, `the ${spec.tab} tab is current`);
            assert.ok(tab.left >= 0 && tab.right <= m.innerWidth, `${spec.tab} tab is on screen`);
          }
          if (spec.name === "settings-members") {
            const cells = await page.$$eval(
              "table.members tbody td",
              (tds) => tds.map((td) => td.getBoundingClientRect().right),
            );
            assert.ok(cells.length >= 3, "name, e-mail and role are shown");
            for (const right of cells) assert.ok(right <= m.innerWidth, "a member cell is cut off");
            const text = await page.$eval("table.members tbody", (el) => el.textContent ?? "");
            assert.match(text, new RegExp(DEMO_EMAIL.replace(".", "\\.")));
            assert.match(text, /owner/);
          }
        });
      }
    }
    assert.deepEqual(errors, []);
    if (shots) console.log(`layout screenshots in ${shots}`);
  } finally {
    await session.close();
    await server.close();
  }
});
