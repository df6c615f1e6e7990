/**
 * Notifications in the reader's language (issue 17): stored as catalogue keys with their
 * arguments and rendered when read, so the same notification reads in English for one member and
 * in Spanish for another, and switches when a member switches; rows stored as text before stay
 * readable; the e-mail at once goes in the member's language.
 */
import assert from "node:assert/strict";
import { notify } from "./mod.ts";
import { listNotifications } from "./store.ts";
import { decodeMessage, encodeMessage, renderMessage } from "./messages.ts";
import { loadEvents } from "./from_changes.ts";
import { sendDigests } from "./daily.ts";
import { deliverRuleEffects } from "../workers/rule_jobs.ts";
import { mailTo } from "../tests/helpers/members.ts";
import { addMember } from "../tests/helpers/members.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { saveLanguage } from "../i18n/user_language.ts";
import { englishLeftIn } from "../mail/untranslated.ts";
import { DEFAULT_CONFIGURATION } from "../customization/document/schema.ts";

Deno.test("renderMessage() formats values in the reader's locale and names record types in their words", () => {
  const overdue = {
    key: "notice.invoice_overdue_body",
    args: { amount: { money: 250_000, currency: "CAD" }, due: { date: "2026-03-05" } },
  };
  assert.equal(renderMessage({ language: "en" }, overdue), "CA$2,500.00 was due Mar 5, 2026.");
  assert.match(
    renderMessage({ language: "es" }, overdue),
    /^CAD\s2,500\.00 vencía el 5 mar 2026\.$/,
  );
  const mention = {
    key: "notice.mention",
    args: { name: "Ana", type: { label: "Purchase order" }, title: "PO-1" },
  };
  assert.equal(
    renderMessage({ language: "es" }, mention),
    "Ana le mencionó en orden de compra PO-1",
  );
  // The workspace's rename reaches the English message's fixed words, never a value.
  const config = structuredClone(DEFAULT_CONFIGURATION);
  config.terminology.record_types = {
    loads: { singular: "Shipment", plural: "Shipments", fields: {}, languages: {} },
  };
  const delivered = { key: "notice.load_delivered", args: { number: "Load-7" } };
  assert.equal(
    renderMessage({ language: "en", config }, delivered),
    "Shipment Load-7 was delivered",
  );
});

Deno.test("a message survives storage; free text and unreadable rows have none", () => {
  const title = { key: "notice.load_late", args: { number: "L-1" } };
  assert.deepEqual(decodeMessage(encodeMessage(title, "free text")), { title });
  assert.equal(encodeMessage("Load L-1 is late", undefined), null);
  assert.equal(decodeMessage("{not json"), null);
  assert.equal(decodeMessage(null), null);
});

Deno.test("notifications switch language with the reader; old rows stay readable; the e-mail is in the member's language", async () => {
  const server = await startTestServer();
  const t = await signUpTenant(server);
  const broker = await addMember(server, t.tenantId, "broker");
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const db = lease.db;
    const ctx = { services: server.services, tenantId: t.tenantId, db };
    const control = server.services.control;
    await saveLanguage(control, broker.userId, "es", new Date());
    // A load delivered late (e-mailed at once by default) and a row stored as text before.
    const [delivered, late] = loadEvents(
      {
        id: "01load",
        number: "L-77",
        delivery_appointment: "2026-10-09T05:30",
        pickup_appointment: null,
      },
      { status: ["dispatched", "delivered"] },
      "2026-10-09T15:00:00Z",
      "America/Chicago",
    );
    await notify(ctx, delivered!);
    await notify(ctx, late!);
    await db.execute({
      sql: `INSERT INTO notifications (id, user_id, event, title, body, created_at)
            VALUES ('old1', ?, 'mention', 'Old English title', '', '2000-01-01T00:00:00Z')`,
      args: [broker.userId],
    });

    const listed = (language: "en" | "es") =>
      listNotifications(db, broker.userId, { reader: { language } });
    const [esLate, esDelivered, esOld] = await listed("es");
    assert.equal(esDelivered!.title, "La carga L-77 fue entregada");
    assert.equal(esLate!.title, "La carga L-77 fue entregada con retraso");
    assert.match(esLate!.body, /^La cita de entrega era el 9 oct 2026/);
    assert.equal(esOld!.title, "Old English title", "a row stored before keeps its text");

    // The member switches to English: the same rows read in English.
    const [enLate, enDelivered] = await listed("en");
    assert.equal(enDelivered!.title, "Load L-77 was delivered");
    assert.match(enLate!.body, /^The delivery appointment was Oct 9, 2026/);
    assert.equal(enLate!.id, esLate!.id);

    // Without a reader (older callers), the stored English text.
    assert.equal((await listNotifications(db, broker.userId))[1]!.title, enDelivered!.title);

    // The bell's API reads the member's saved language from their session.
    await saveLanguage(control, t.userId, "es", new Date());
    await notify(ctx, { ...delivered!, dedupeKey: "again", to: [t.userId] });
    const res = await server.fetch(t.host, "/api/v1/notifications?limit=1", {
      headers: { cookie: t.jar.header(t.host) },
    });
    const body = await res.json();
    assert.equal(body.data[0].title, "La carga L-77 fue entregada");

    // The late load e-mailed the broker at once, in Spanish.
    const [mail] = await mailTo(server, broker.email);
    assert.equal(mail!.subject, "La carga L-77 fue entregada con retraso");
    const english = "Load L-77 was delivered late";
    assert.deepEqual(englishLeftIn(mail!.subject, english, ["L-77"]), []);
    assert.match(mail!.text, /Preferencias/);
    assert.doesNotMatch(mail!.text, /Choose what you hear about/);
  } finally {
    lease.release();
    await server.close();
  }
});

Deno.test("the daily digest is written in each member's language", async () => {
  const server = await startTestServer();
  const t = await signUpTenant(server);
  const broker = await addMember(server, t.tenantId, "broker");
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const ctx = { services: server.services, tenantId: t.tenantId, db: lease.db };
    await saveLanguage(server.services.control, broker.userId, "es", new Date());
    // An overdue invoice goes to the bell and the digest by default.
    await notify(ctx, {
      kind: "invoice_overdue",
      title: { key: "notice.invoice_overdue", args: { number: "INV-9" } },
      dedupeKey: "overdue:test",
    });
    // A rule's notice: its title in the reader's language, its message as the workspace wrote it.
    await deliverRuleEffects(server.services, t.tenantId, lease.db, [{
      type: "notify",
      rule: "Big PO",
      roles: ["broker"],
      users: [],
      message: "Call Dana.",
      link: "/purchase-orders",
    }]);
    // Both notices may carry the same instant (a fixed clock): find the rule's by its message.
    const notes = await listNotifications(lease.db, broker.userId, { reader: { language: "es" } });
    const rule = notes.find((n) => n.body === "Call Dana.");
    assert.equal(rule!.title, "Regla «Big PO»");
    assert.equal(rule!.body, "Call Dana.");

    assert.equal(await sendDigests(server.services, t.tenantId, lease.db), 2);
    const [spanish] = await mailTo(server, broker.email);
    const [english] = await mailTo(server, t.email);
    assert.equal(spanish!.subject, "Su resumen diario: 1 notificación");
    assert.equal(english!.subject, "Your daily digest: 1 notification");
    assert.match(spanish!.text, /^- La factura INV-9 está vencida/);
    assert.deepEqual(englishLeftIn(spanish!.text, english!.text, ["INV-9", t.host]), []);
  } finally {
    lease.release();
    await server.close();
  }
});

/** Loads renamed Shipment (envío, masculine in Spanish), payments Remittance (remesa, feminine). */
function renamedConfig() {
  const config = structuredClone(DEFAULT_CONFIGURATION);
  config.terminology.record_types = {
    loads: {
      singular: "Shipment",
      plural: "Shipments",
      fields: {},
      languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
    },
    payments: {
      singular: "Remittance",
      plural: "Remittances",
      fields: {},
      languages: { es: { singular: "Remesa", plural: "Remesas", gender: "feminine" } },
    },
    // No Spanish names: the English one, in the built-in word's gender (factura, feminine).
    invoices: { singular: "Bill", plural: "Bills", fields: {}, languages: {} },
  };
  return config;
}

Deno.test("renderMessage() names renamed record types in Spanish with their Spanish names and gender", () => {
  const config = renamedConfig();
  const es = { language: "es" as const, config };
  const en = { language: "en" as const, config };
  const delivered = { key: "notice.load_delivered", args: { number: "L-7" } };
  assert.equal(renderMessage(es, delivered), "El envío L-7 fue entregado");
  assert.equal(renderMessage(en, delivered), "Shipment L-7 was delivered");
  assert.equal(
    renderMessage(es, { key: "notice.load_picked_up_late", args: { number: "L-7" } }),
    "El envío L-7 fue recogido con retraso",
  );
  assert.equal(
    renderMessage(es, { key: "notice.temperature_at_pickup", args: { number: "L-7", value: 41 } }),
    "El envío L-7 marcó 41 °F en la recogida",
  );
  const paid = { key: "notice.payment_received", args: { amount: { money: 125_000 } } };
  assert.match(renderMessage(es, paid), /^Se recibió una remesa de \$1,250\.00$/);
  assert.equal(renderMessage(en, paid), "Remittance of $1,250.00 received");
  // Renamed in English only: the English name in the built-in word's gender.
  const overdue = { key: "notice.invoice_overdue", args: { number: "INV-9" } };
  assert.equal(renderMessage(es, overdue), "La bill INV-9 está vencida");
  // A record type named as a value ({type}) in the reader's words.
  const mention = {
    key: "notice.mention",
    args: { name: "Ana", type: { label: "Load" }, title: "L-7" },
  };
  assert.equal(renderMessage(es, mention), "Ana le mencionó en envío L-7");
  assert.equal(renderMessage(en, mention), "Ana mentioned you on shipment L-7");
  // What the workspace did not rename reads as the catalogue has it.
  const insurance = { key: "notice.insurance_body" };
  assert.equal(
    renderMessage(es, insurance),
    "Pida al transportista un certificado nuevo antes de volver a contratarlo.",
  );
  // Without renames, the built-in Spanish.
  assert.equal(renderMessage({ language: "es" }, delivered), "La carga L-7 fue entregada");
});

Deno.test("the bell, the notifications page and the preferences use a Spanish member's renamed record types", async () => {
  const server = await startTestServer();
  const t = await signUpTenant(server);
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const config = renamedConfig().terminology;
    const put = await server.fetch(t.host, "/api/v1/config", {
      method: "PUT",
      headers: {
        cookie: t.jar.header(t.host),
        "x-csrf-token": t.csrf,
        "content-type": "application/json",
        "if-match": '"0"',
      },
      body: JSON.stringify({ terminology: { record_types: config.record_types } }),
    });
    assert.equal(put.status, 200, await put.text());
    await saveLanguage(server.services.control, t.userId, "es", new Date());
    const cookie = t.jar.header(t.host);
    const page = async (path: string) =>
      await (await server.fetch(t.host, path, { headers: { cookie } })).text();

    // Nothing yet: the empty page's sentence agrees with envío and names bills as written.
    const empty = await page("/notifications");
    assert.match(empty, /se entregue un envío, venza una bill o/);
    assert.doesNotMatch(empty, /una carga|una factura/);
    const preferences = await page("/notifications/preferences");
    assert.match(preferences, />Se entregó un envío</);
    assert.match(preferences, />Se recibió una remesa</);
    assert.match(preferences, />Una bill se venció</);
    assert.doesNotMatch(preferences, /una carga|un pago\b/);

    const ctx = { services: server.services, tenantId: t.tenantId, db: lease.db };
    await notify(ctx, {
      kind: "load_delivered",
      title: { key: "notice.load_delivered", args: { number: "L-77" } },
      dedupeKey: "delivered:L-77",
      to: [t.userId],
    });
    const bell = await server.fetch(t.host, "/api/v1/notifications?limit=1", {
      headers: { cookie },
    });
    assert.equal((await bell.json()).data[0].title, "El envío L-77 fue entregado");
    assert.match(await page("/notifications"), />\s*El envío L-77 fue entregado\s*</);

    // The same member in English reads the English names; the stored text is English too.
    await saveLanguage(server.services.control, t.userId, "en", new Date());
    assert.match(await page("/notifications"), /Shipment L-77 was delivered/);
    assert.match(await page("/notifications/preferences"), />A shipment was delivered</);
    const [stored] = await listNotifications(lease.db, t.userId);
    assert.equal(stored!.title, "Shipment L-77 was delivered");
  } finally {
    lease.release();
    await server.close();
  }
});
