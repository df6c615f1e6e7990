/**
 * @module bench/ui_inventory
 * The UI inventory of issue 13: how much of what a tenant's users see the tenant can change
 * without code. It signs up a workspace with one record of each type, walks every page a member
 * reaches (the navigation, each record type's list, form and a record's page, the settings tabs,
 * search and help) in Chromium at desktop and phone width, and lists the user-visible elements:
 *
 * - navigation entries, page titles (`<title>` and `<h1>`), labels (`label`, `legend`, `dt`,
 *   section headings), column headings, buttons, dashboard cards (heading and place);
 * - colours (page, text, surfaces, links, primary buttons, borders) and the font;
 * - logos (the top bar's mark) and units and formats (money, dates, weights in cells and facts).
 *
 * It then applies a configuration that changes everything the configuration allows (every
 * record type and field renamed, navigation relabelled and reordered, sections retitled, another
 * palette, font, logo and product name, other date, number and currency formats, the dashboard's
 * cards reordered), walks the same pages again and counts the elements whose text, place or
 * look changed. Prints the ratio (target >= 80%) and the elements that stayed the same, which are
 * the ones a tenant cannot change.
 *
 *     ./scripts/deno run -A bench/ui_inventory.ts          # the full list of fixed elements
 *     ./scripts/deno task bench                            # one row among the benchmarks
 */
import type { Page } from "puppeteer-core";
import { RECORD_TYPES } from "../domain/catalog.ts";
import { NAVIGATION_KEYS, PHRASES } from "../customization/document/shaping.ts";
import { DESKTOP, launchBrowser, PHONE, signInThroughPage } from "../tests/e2e/browser.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { pngHeader } from "../tests/helpers/images.ts";

/** One user-visible element: its kind, where it is (stable across passes) and what it shows. */
export interface UiElement {
  kind: string;
  key: string;
  value: string;
}

export interface UiInventory {
  pages: number;
  total: number;
  changed: number;
  ratio: number;
  byKind: Record<string, { total: number; changed: number }>;
  /**
   * The same counted once per distinct element (its kind and built-in text), however many pages
   * and widths show it: changed when every occurrence changed.
   */
  distinct: { total: number; changed: number; ratio: number };
  /** What stayed the same: kind and text, with how many times it was counted. */
  fixed: Array<{ kind: string; value: string; count: number }>;
}

/** Runs in the page: every user-visible element, keyed by what identifies it, not by its text. */
function inventoryOfPage(): UiElement[] {
  const out: UiElement[] = [];
  const text = (el: Element) => (el.textContent ?? "").replace(/\s+/g, " ").trim();
  const shown = (el: Element) => {
    if ((el as HTMLElement).checkVisibility?.()) return true;
    // Inside a closed menu or disclosure: one click away, still part of the page.
    const closed = el.closest("details:not([open])");
    return Boolean(closed && (closed as HTMLElement).checkVisibility?.());
  };
  const add = (kind: string, key: string, value: string) => {
    if (value) out.push({ kind, key, value });
  };
  const all = (selector: string) => [...document.querySelectorAll(selector)].filter(shown);

  add("title", "title", document.title);
  all("h1").forEach((el, i) => add("title", `h1:${i}`, text(el)));
  for (const el of all("nav a")) {
    const nav = el.closest("nav");
    add("nav", `${nav?.getAttribute("aria-label")}:${el.getAttribute("href")}`, text(el));
  }
  all("label").forEach((el, i) => {
    const key = el.getAttribute("for") ??
      (el.querySelector("input,select,textarea") as HTMLInputElement | null)?.name ?? `#${i}`;
    add(
      "label",
      `label:${key}:${(el.querySelector("input") as HTMLInputElement | null)?.value ?? ""}`,
      text(el),
    );
  });
  all("legend").forEach((el, i) => add("label", `legend:${i}`, text(el)));
  all("dt").forEach((el, i) => {
    add("label", `dt:${el.closest("[data-field]")?.getAttribute("data-field") ?? i}`, text(el));
  });
  all("main h2, main h3").forEach((el, i) => {
    if (!el.closest("section.card[data-card]")) add("label", `heading:${i}`, text(el));
  });
  all("th").forEach((el, i) => add("column", `th:${i}`, text(el)));
  all("button, a.button, summary.button, input[type=submit]").forEach((el, i) => {
    const where = el.getAttribute("href") ?? el.closest("form")?.getAttribute("action") ?? "";
    add("button", `button:${where}:${i}`, text(el) || (el as HTMLInputElement).value || "");
  });
  all("section.card[data-card]").forEach((el, i) => {
    add(
      "card",
      `card:${el.getAttribute("data-card")}`,
      `${i + 1}. ${text(el.querySelector("h2")!)}`,
    );
  });
  const style = (selector: string, property: string) => {
    const el = document.querySelector(selector);
    return el ? getComputedStyle(el).getPropertyValue(property) : "";
  };
  add("colour", "page", style("body", "background-color"));
  add("colour", "text", style("body", "color"));
  add("colour", "surface", style(".topbar", "background-color"));
  add("colour", "link", style("main a:not(.button)", "color"));
  add("colour", "primary", style(".button.primary", "background-color"));
  add("colour", "border", style(".card, .table-wrap, table", "border-top-color"));
  add("colour", "font", style("body", "font-family"));
  const brand = document.querySelector(".brand img, .brand svg");
  if (brand) add("logo", "brand", brand.getAttribute("src") ?? "built-in mark");
  const formatted =
    /(\$|USD|US dollars|€)|\b(LB|KG)\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b|\d{4}-\d{2}-\d{2}|\d\/\d|\d[,.' ]\d{3}/;
  all("main td, main dd, main .stat, main .money").forEach((el, i) => {
    const value = text(el);
    if (formatted.test(value)) {
      add("format", `cell:${el.closest("[data-field]")?.getAttribute("data-field") ?? i}`, value);
    }
  });
  return out;
}

/** The configuration that changes everything the configuration document allows. */
function everythingChanged(logo: string): Record<string, unknown> {
  const recordTypes: Record<string, unknown> = {};
  const layouts: Record<string, unknown> = {};
  for (const def of RECORD_TYPES) {
    const fields: Record<string, string> = {};
    for (const f of [...def.fields, ...(def.lines?.fields ?? [])]) fields[f.name] = `${f.label} ·`;
    recordTypes[def.collection] = {
      singular: `${def.singular} item`,
      plural: `${def.singular} items`,
      fields,
    };
    // Every section retitled, in the built-in order: "Details" and "Totals" hold the fields
    // without a group of their own.
    const groupOf = (f: typeof def.fields[number]) =>
      f.group ?? (f.computed ? "Totals" : "Details");
    const groups = [...new Set(def.fields.map(groupOf))];
    layouts[def.collection] = {
      sections: groups.map((g) => ({
        title: `${g} section`,
        fields: def.fields.filter((f) => groupOf(f) === g).map((f) => f.name),
      })),
    };
  }
  return {
    branding: {
      product_name: "Harbor Trade Desk",
      logo,
      font: "humanist",
      density: "compact",
      appearance: "light",
      colors: {
        primary: "#1f6f43",
        primary_hover: "#17563a",
        accent: "#8a3ffc",
        background: "#f3f7f4",
        surface: "#fbfdfb",
        surface_alt: "#e4eee7",
        text: "#10231a",
        muted_text: "#3f5a4b",
        border: "#b9cfc1",
      },
    },
    terminology: {
      record_types: recordTypes,
      navigation_labels: Object.fromEntries(
        NAVIGATION_KEYS.filter((k) => !RECORD_TYPES.some((d) => d.collection === k)).map((
          k,
        ) => [k, `${k[0]!.toUpperCase()}${k.slice(1)} area`]),
      ),
      navigation_order: [...NAVIGATION_KEYS].reverse(),
      phrases: Object.fromEntries(PHRASES.map((p) => [p, `${p} ·`])),
    },
    formats: {
      date_format: "iso",
      number_format: "1.234,56",
      currency_display: "code",
      first_day_of_week: "sunday",
      weight_unit: "KG",
    },
    layouts: {
      record_types: layouts,
      dashboard_cards: {
        default: [
          "top_suppliers",
          "top_customers",
          "margin_weeks",
          "payables_this_week",
          "receivables_aging",
          "loads_by_status",
          "open_purchase_orders",
        ],
      },
    },
  };
}

/**
 * A page without the live-updates stream: each walked page would leave one open, and Chromium
 * keeps only six connections per host. The inventory reads the page as the server wrote it.
 */
async function quiet(page: Page): Promise<Page> {
  await page.setRequestInterception(true);
  page.on("request", (request) => {
    if (new URL(request.url()).pathname.startsWith("/api/v1/events")) request.abort();
    else request.continue();
  });
  return page;
}

async function pathsToWalk(page: Page, origin: string): Promise<string[]> {
  const paths = new Set<string>(["/", "/search?q=Inventory", "/help"]);
  const load = { waitUntil: "domcontentloaded" } as const;
  await page.goto(`${origin}/`, load);
  const hrefs = (selector: string) =>
    page.$$eval(selector, (links) => links.map((a) => a.getAttribute("href") ?? ""));
  for (const href of await hrefs("nav.sidebar a")) paths.add(href);
  await page.goto(`${origin}/settings/profile`, load);
  for (const href of await hrefs("nav.tabs a")) paths.add(href);
  for (const def of RECORD_TYPES) {
    paths.add(`/${def.collection}/new`);
    await page.goto(`${origin}/${def.collection}`, load);
    const first = await hrefs("table.records tbody th a");
    if (first[0]) paths.add(first[0]);
  }
  return [...paths].filter((p) => p.startsWith("/") && !p.startsWith("/logout"));
}

async function walk(
  page: Page,
  origin: string,
  paths: string[],
  width: string,
): Promise<Map<string, UiElement>> {
  const found = new Map<string, UiElement>();
  for (const path of paths) {
    // The page as the server wrote it (a live-updates stream may keep the page loading).
    await page.goto(`${origin}${path}`, { waitUntil: "domcontentloaded" });
    const elements = await page.evaluate(inventoryOfPage);
    for (const el of elements) found.set(`${width} ${path} ${el.kind} ${el.key}`, el);
  }
  return found;
}

/** Runs the inventory on its own server and browser; nothing is left behind. */
export async function benchUiInventory(): Promise<UiInventory> {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "1000000",
    RATE_LIMIT_PER_TENANT: "1000000",
  });
  const browser = await launchBrowser();
  try {
    const owner = await signUpTenant(server);
    const api = await apiClient(server, owner);
    await seedOneOfEach(api, "Inventory");
    const upload = await server.fetch(owner.host, "/api/v1/config/assets", {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "image/png" },
      body: pngHeader(64, 32),
    });
    if (upload.status !== 201) throw new Error(`logo upload: ${upload.status}`);
    const logo = (await upload.json()).name as string;

    const widths = [["desktop", DESKTOP], ["phone", PHONE]] as const;
    // One sign-in: the phone's page shares the browser's cookies.
    const first = await quiet(await browser.newPage(DESKTOP));
    const origin = await signInThroughPage(first, server.port, owner);
    const sessions = [];
    for (const [name, viewport] of widths) {
      sessions.push({
        name,
        page: name === "desktop" ? first : await quiet(await browser.newPage(viewport)),
        origin,
      });
    }
    const paths = await pathsToWalk(sessions[0]!.page, sessions[0]!.origin);
    const before = new Map<string, UiElement>();
    for (const s of sessions) {
      for (const [k, v] of await walk(s.page, s.origin, paths, s.name)) before.set(k, v);
    }

    const current = await api.call("GET", "/api/v1/config");
    const applied = await api.call("PUT", "/api/v1/config", everythingChanged(logo), {
      "if-match": current.headers.get("etag")!,
    });
    if (applied.status !== 200) throw new Error(`configuration: ${JSON.stringify(applied.body)}`);

    const after = new Map<string, UiElement>();
    for (const s of sessions) {
      for (const [k, v] of await walk(s.page, s.origin, paths, s.name)) after.set(k, v);
    }

    const byKind: UiInventory["byKind"] = {};
    const fixed = new Map<string, { kind: string; value: string; count: number }>();
    let changed = 0;
    for (const [key, el] of before) {
      const kind = (byKind[el.kind] ??= { total: 0, changed: 0 });
      kind.total++;
      if (after.get(key)?.value !== el.value) {
        kind.changed++;
        changed++;
        continue;
      }
      const id = `${el.kind}\u0000${el.value}`;
      const entry = fixed.get(id) ?? { kind: el.kind, value: el.value, count: 0 };
      entry.count++;
      fixed.set(id, entry);
    }
    const distinctAll = new Set([...before.values()].map((el) => `${el.kind}\u0000${el.value}`));
    const distinctChanged = [...distinctAll].filter((id) => !fixed.has(id)).length;
    return {
      pages: paths.length,
      distinct: {
        total: distinctAll.size,
        changed: distinctChanged,
        ratio: distinctAll.size ? distinctChanged / distinctAll.size : 0,
      },
      total: before.size,
      changed,
      ratio: before.size ? changed / before.size : 0,
      byKind,
      fixed: [...fixed.values()].sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind)),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

if (import.meta.main) {
  const started = performance.now();
  const r = await benchUiInventory();
  console.log(
    `UI inventory: ${r.pages} pages at desktop and phone width, ${r.total} elements, ` +
      `${r.changed} changed by configuration: ${(r.ratio * 100).toFixed(1)}% (target >= 80%) ` +
      `in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.log(
    `  counted once per distinct element: ${r.distinct.changed} of ${r.distinct.total}, ` +
      `${(r.distinct.ratio * 100).toFixed(1)}%`,
  );
  for (const [kind, k] of Object.entries(r.byKind)) {
    console.log(`  ${kind.padEnd(7)} ${k.changed} of ${k.total} changed`);
  }
  console.log(
    `\nElements a tenant cannot change (${r.fixed.length} distinct, most counted first):`,
  );
  for (const f of r.fixed) {
    console.log(`  ${String(f.count).padStart(4)}  ${f.kind.padEnd(7)} ${f.value}`);
  }
}
