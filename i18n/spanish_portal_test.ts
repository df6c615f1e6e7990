/**
 * The customer invoice portal speaks the customer's language: their own (`customers.language`),
 * else the browser's Accept-Language, else the workspace's default. The page in Spanish leaves no
 * English catalogue text, and a refused link says so in the visitor's language too.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedPortal } from "../tests/helpers/portal.ts";
import { translator } from "./mod.ts";
import { untranslated } from "./untranslated.ts";

const es = translator("es");

Deno.test("the portal is in the customer's language, else the browser's, with no English left", async () => {
  const clock = new FixedClock("2026-11-20T18:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const tenant = await signUpTenant(server, "portallengua");
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api);
    const open = async (acceptLanguage?: string) => {
      const res = await server.fetch(tenant.host, `/portal/${f.token}`, {
        headers: acceptLanguage ? { "accept-language": acceptLanguage } : {},
      });
      const html = await res.text();
      assert.equal(res.status, 200);
      return html;
    };

    // No choice anywhere: the workspace's default, English.
    const english = await open();
    assert.match(english, /<html lang="en">/);
    assert.match(english, new RegExp(`Invoice ${f.invoice.number}`));
    assert.ok(untranslated(english).length > 5, "the English page reads as English");

    // A browser asking for Spanish gets Spanish while the customer has chosen nothing.
    assert.match(await open("es-MX,es;q=0.9"), /<html lang="es">/);

    // The customer's own language wins over the browser's.
    await api.ok("PATCH", `/api/v1/customers/${f.customer.id}`, {
      version: f.customer.version,
      language: "es",
    });
    const spanish = await open("en-US,en;q=0.9");
    assert.match(spanish, /<html lang="es">/);
    assert.ok(spanish.includes(es("portal.invoice_number", { number: f.invoice.number })));
    assert.ok(spanish.includes(es("portal.balance_due")));
    assert.deepEqual(untranslated(spanish), []);

    // A link that does not work answers in the visitor's language, and reveals nothing more.
    const refused = await server.fetch(tenant.host, "/portal/not-a-token.at-all", {
      headers: { "accept-language": "es" },
    });
    const refusedHtml = await refused.text();
    assert.equal(refused.status, 404);
    assert.match(refusedHtml, /<html lang="es">/);
    assert.ok(refusedHtml.includes(es("portal.broken_title")));
    assert.deepEqual(untranslated(refusedHtml), []);
  } finally {
    await server.close();
  }
});
