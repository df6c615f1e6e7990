/**
 * axe-core finds no accessibility violations on the platform's pages (public and in a workspace:
 * dashboard, settings, record lists, forms and detail pages, reports, search, API reference, help), in
 * light and dark colour schemes.
 */
import assert from "node:assert/strict";
import axe from "axe-core";
import { signUpTenant, startTestServer } from "../helpers/server.ts";
import { launchBrowser } from "./browser.ts";
import { apiClient } from "../helpers/api.ts";
import { seedOneOfEach } from "../helpers/records.ts";

const PUBLIC_PAGES = ["/", "/signup", "/login", "/forgot-password", "/help", "/help?q=credit"];
const APP_PAGES = [
  "/",
  "/settings/profile",
  "/settings/profile/second-factor",
  "/settings/company",
  "/settings/members",
  "/settings/tokens",
  "/settings/option-lists",
  "/settings/sso",
  "/settings/security?verify=1",
  "/purchase-orders",
  "/purchase-orders/new",
  "/customers",
  "/carriers/import",
  "/reports",
  "/reports?report=aging",
  "/search?q=axe",
  "/api/docs",
  "/assistant",
  "/help",
  "/help/09_team_roles_and_security",
  "/help/11_using_the_api",
];

Deno.test("browser: axe finds no accessibility violations on public and workspace pages", async () => {
  const server = await startTestServer();
  const session = await launchBrowser();
  try {
    const t = await signUpTenant(server, "axe");
    const records = await seedOneOfEach(await apiClient(server, t), "axe");
    const detailPages = ["purchase-orders", "loads", "customers", "invoices"].map((c) =>
      `/${c}/${records[c as keyof typeof records].id}`
    );
    const page = await session.newPage();
    await page.setBypassCSP(true); // to inject axe; the pages themselves run under their CSP
    await page.setCookie({
      name: "pm_session",
      value: t.jar.get(t.host, "pm_session")!,
      domain: t.host,
      path: "/",
    });
    const targets = [
      ...PUBLIC_PAGES.map((p) => `http://localhost:${server.port}${p}`),
      ...[...APP_PAGES, ...detailPages].map((p) => `http://${t.host}:${server.port}${p}`),
    ];
    const problems: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: scheme }]);
      for (const url of targets) {
        await page.goto(url);
        await page.addScriptTag({ content: axe.source });
        const result = await page.evaluate(async () => {
          type Violation = { id: string; help: string; nodes: Array<{ target: string[] }> };
          const run = (globalThis as unknown as {
            axe: { run(d: Document): Promise<{ violations: Violation[] }> };
          }).axe.run;
          const r = await run(document);
          return r.violations.map((v) =>
            `${v.id}: ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`
          );
        });
        for (const v of result) problems.push(`${scheme} ${url}: ${v}`);
      }
    }
    assert.deepEqual(problems, []);
  } finally {
    await session.close();
    await server.close();
  }
});
