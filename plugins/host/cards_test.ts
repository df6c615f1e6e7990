/**
 * Plugins' dashboard cards over the real app: a table and bars drawn by the app from the plugin's
 * answer; a card that loops is stopped and says so while the dashboard still answers.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { installForTest } from "../../tests/helpers/plugins.ts";
import { bundleFrom } from "./bundle.ts";

const cardsPlugin = bundleFrom(
  "private",
  JSON.stringify({
    name: "card-demo",
    title: "Card demo",
    version: "1.0.0",
    apiVersion: "^1.0.0",
    permissions: ["read:customers"],
    entryPoints: {
      cards: [
        { id: "customers", title: "Customers by name", handler: "customers" },
        { id: "bars", title: "Boxes by plant", handler: "bars" },
        { id: "stuck", title: "Stuck card", handler: "stuck" },
      ],
    },
  }),
  `export async function customers() {
     const page = await host.records.list("customers", { limit: 5 });
     return { kind: "table", columns: [{ key: "name", label: "Customer" }],
       rows: page.data.map((c) => ({ name: c.name + " <b>" })) };
   }
   export const bars = () => ({ kind: "bars", bars: [{ label: "EST 245C", value: 800 }] });
   export function stuck() { for (;;) {} }`,
);

Deno.test("dashboard cards: tables and bars from the spec, a stuck card stopped alone", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    await installForTest(server.services, t.tenantId, cardsPlugin);
    await server.fetch(t.host, "/api/v1/customers", {
      method: "POST",
      headers: { cookie: t.jar.header(t.host), "x-csrf-token": t.csrf },
      json: { name: "Card Grocers" },
    }).then((r) => r.body?.cancel());
    const res = await server.fetch(t.host, "/", { headers: { cookie: t.jar.header(t.host) } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<h2>Customers by name<\/h2>/);
    assert.match(html, /<td>Card Grocers &lt;b><\/td>/, "the plugin's text is escaped");
    assert.match(html, /<meter min="0" max="800" value="800" aria-label="EST 245C"/);
    assert.match(html, /Card demo was stopped: it ran longer than 1000 ms/);
  } finally {
    await server.close();
  }
});
