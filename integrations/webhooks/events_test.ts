/**
 * The outbound webhooks' event catalogue in the reader's language (issue 17): Settings → Webhooks
 * lists every event's meaning in Spanish for a Spanish member; the API answers English unless
 * the client asks with Accept-Language.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { BUSINESS_EVENTS, eventCatalog } from "./events.ts";

Deno.test("eventCatalog(): every event's description reads Spanish, English unchanged by default", () => {
  const english = eventCatalog();
  const spanish = eventCatalog("es");
  assert.deepEqual(spanish.map((e) => e.type), english.map((e) => e.type));
  assert.equal(
    english.find((e) => e.type === "purchase_order.created")?.description,
    "A purchase order was created",
  );
  assert.equal(
    english.find((e) => e.type === "invoice.overdue")?.description,
    "An invoice went overdue",
  );
  const same = spanish.filter((e, i) => e.description === english[i]!.description);
  assert.deepEqual(same, [], "every description differs from its English");
  const englishWords = spanish.filter((e) =>
    /\b(was|went|created|updated|could not)\b/.test(e.description)
  );
  assert.deepEqual(englishWords, []);
  assert.equal(
    spanish.find((e) => e.type === "purchase_order.created")?.description,
    "Registro de orden de compra creado",
  );
  for (const [type, text] of Object.entries(BUSINESS_EVENTS)) {
    assert.equal(english.find((e) => e.type === type)?.description, text);
  }
});

Deno.test("Settings → Webhooks shows a Spanish member the events in Spanish; the API follows Accept-Language", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cookie = t.jar.header(t.host);
    const saved = await server.fetch(t.host, "/settings/profile/language", {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, language: "es" }).toString(),
    });
    assert.equal(saved.status, 200);
    await saved.body?.cancel();
    const page = await (await server.fetch(t.host, "/settings/webhooks", { headers: { cookie } }))
      .text();
    assert.match(page, /<code>load\.delivered<\/code><\/dt><dd>Se entregó una carga<\/dd>/);
    assert.match(page, /<code>invoice\.created<\/code><\/dt><dd>Registro de factura creado<\/dd>/);
    for (const e of eventCatalog()) {
      assert.ok(!page.includes(`<dd>${e.description}</dd>`), e.description);
    }

    const english = await api.ok("GET", "/api/v1/webhook-endpoints/events");
    assert.deepEqual(english.data, eventCatalog());
    const asked = await server.fetch(t.host, "/api/v1/webhook-endpoints/events", {
      headers: { authorization: `Bearer ${api.token}`, "accept-language": "es-MX" },
    });
    assert.equal(asked.status, 200);
    assert.deepEqual((await asked.json()).data, eventCatalog("es"));
  } finally {
    await server.close();
  }
});
