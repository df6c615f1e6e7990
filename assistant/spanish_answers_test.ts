import assert from "node:assert/strict";
import { businessDay, DEFAULT_TIME_ZONE, FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { englishLeftIn } from "../mail/untranslated.ts";
import { untranslated } from "../i18n/untranslated.ts";
import { type AnswerWords, ENGLISH_WORDS } from "./answers.ts";
import { offlineChat } from "./providers.ts";
import { DEFAULT_FORMAT } from "../domain/format.ts";

/** Each Spanish question beside its English twin, over one tenant's real records. */
const TWINS: Array<[string, string]> = [
  ["¿Qué facturas tienen más de 60 días de vencidas?", "Which invoices are over 60 days past due?"],
  ["facturas vencidas", "overdue invoices"],
  ["margen por cliente este mes", "margin by customer this month"],
  ["cargas entregadas esta semana", "loads delivered this week"],
  ["margen desde el 1 de noviembre", "margin since November 1"],
  ["margen de los últimos 30 días", "margin in the last 30 days"],
  ["margen en octubre", "margin in October"],
  ["Mejores clientes de este mes", "Top customers this month"],
  ["mejores proveedores por ventas este mes", "top suppliers by sales this month"],
  ["¿cuánto nos debe Lone Star Grocers?", "What does Lone Star Grocers owe?"],
  ["¿Quién surte pollo desde el EST P1234?", "Who supplies chicken from EST P1234?"],
  ["¿Quién surte res desde el EST P1234?", "Who supplies beef from EST P1234?"],
  ["Cargas abiertas de Cold Chain Express", "Open loads for Cold Chain Express"],
  ["Antigüedad de cuentas por cobrar", "Receivables aging"],
  ["Lista de órdenes de compra abiertas", "List open purchase orders"],
  ["¿A quién se le vence pronto el seguro?", "Whose insurance expires soon?"],
  ["¿Cuánto le debemos a Nadie Transportes?", "What do we owe Nadie Transportes?"],
  ["cuentas por pagar", "payables"],
  ["Ningún Registro Así", "Ningún Registro Así"],
];

/** Texts that read the same in every language: names, record numbers, amounts. */
const VALUES = ["Lone Star Grocers", "Delmarva Chicken", "Cold Chain Express", "Salisbury"];

Deno.test("a Spanish question gets the same facts as its English twin, answered in Spanish", async () => {
  // A Thursday: "this week" holds yesterday's load.
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-19T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const today = businessDay(server.services.clock, DEFAULT_TIME_ZONE);
    const back = (days: number) =>
      new Date(Date.parse(today) - days * 86400_000).toISOString().slice(0, 10);
    const supplier = await api.ok("POST", "/api/v1/suppliers", {
      name: "Delmarva Chicken",
      proteins: ["Chicken"],
    }, 201);
    await api.ok("POST", "/api/v1/plants", {
      name: "Salisbury",
      supplier_id: supplier.id,
      est_number: "EST P1234",
    }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Lone Star Grocers",
      credit_limit_cents: 10_000_000,
    }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Cold Chain Express",
      insurance_expires: back(-5),
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: back(3),
      status: "approved",
      lines: [{ description: "Leg quarters", weight: 10000, price: 0.5 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: back(3),
      lines: [{ description: "Leg quarters", weight: 10000, price: 0.6, purchase_order_id: po.id }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      sales_order_id: so.id,
      pickup_appointment: `${back(1)}T08:00`,
      freight_cents: 40_000,
    }, 201);
    const late = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: back(100),
      due_date: back(70),
      state: "sent",
      lines: [{ description: "Wings", cases: 1, price: 1234.5, price_basis: "case" }],
    }, 201);
    await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: back(20),
      due_date: back(5),
      state: "sent",
      lines: [{ description: "Breasts", cases: 1, price: 100, price_basis: "case" }],
    }, 201);
    const numbers = [po.number, load.number, late.number];
    const ask = async (message: string, language?: string) => {
      const res = await api.call(
        "POST",
        "/api/v1/assistant/messages",
        { message },
        language ? { "accept-language": language } : {},
      );
      assert.equal(res.status, 200, message);
      return res.body as { reply: string; intent: string; citations: Array<{ url: string }> };
    };

    for (const [spanish, english] of TWINS) {
      const es = await ask(spanish, "es-MX,es;q=0.9");
      const en = await ask(english);
      assert.equal(es.intent, en.intent, spanish);
      assert.deepEqual(es.citations, en.citations, `${spanish}: the same records`);
      // The same figures: every amount the English answer gives is in the Spanish one.
      for (const amount of en.reply.match(/\$[\d,]+\.\d\d/g) ?? []) {
        assert.ok(es.reply.includes(amount), `${spanish}: ${amount} in ${es.reply}`);
      }
      if (spanish !== english) {
        assert.notEqual(es.reply, en.reply, `${spanish} is answered in Spanish`);
      }
      assert.deepEqual(
        englishLeftIn(es.reply, en.reply, [...VALUES, ...numbers]),
        [],
        `${spanish} leaves no English:\n${es.reply}`,
      );
    }

    // The facts themselves, in Spanish words and the reader's formats.
    const overdue = await ask("¿Qué facturas tienen más de 60 días de vencidas?", "es");
    assert.equal(overdue.intent, "overdue_invoices");
    assert.match(
      overdue.reply,
      /^1 factura tiene más de 60 días de vencidas, \$1,234\.50 pendientes:/,
    );
    assert.match(
      overdue.reply,
      new RegExp(`${late.number} \\(Lone Star Grocers\\): \\$1,234\\.50, 70 días de vencida`),
    );
    const owes = await ask("¿cuánto nos debe Lone Star Grocers?", "es");
    assert.match(
      owes.reply,
      /^Lone Star Grocers debe \$1,334\.50 en facturas enviadas, con un límite de crédito de \$100,000\.00\.$/,
    );
    const week = await ask("cargas entregadas esta semana", "es");
    assert.match(
      week.reply,
      /^Margen de 1 carga esta semana \(del 16 nov 2026 al 19 nov 2026\): \$600\.00/,
    );
    assert.ok(week.citations.some((c) => c.url === `/loads/${load.id}`));
    const insurance = await ask("¿A quién se le vence pronto el seguro?", "es");
    assert.match(insurance.reply, /Cold Chain Express: 24 nov 2026/);

    // Without Accept-Language a token client reads English, whatever the question's language.
    const plain = await ask("facturas vencidas");
    assert.match(plain.reply, /^2 invoices are past due/);

    // The page: a browser asking for Spanish sends a Spanish example and reads a Spanish answer.
    const cookie = tenant.jar.header(tenant.host);
    const page = await (await server.fetch(tenant.host, "/assistant", {
      headers: { cookie, "accept-language": "es" },
    })).text();
    const example = "¿Cuánto debe Lone Star Grocers?";
    assert.ok(page.includes(`name="message" value="${example}"`), "the example is sent in Spanish");
    const asked = await server.fetch(tenant.host, "/assistant", {
      method: "POST",
      headers: {
        cookie,
        "accept-language": "es",
        "content-type": "application/x-www-form-urlencoded",
        origin: `http://${tenant.host}:${server.port}`,
      },
      body: new URLSearchParams({ _csrf: tenant.csrf, message: example }).toString(),
    });
    assert.equal(asked.status, 303);
    const html =
      await (await server.fetch(tenant.host, asked.headers.get("location")!.split("#")[0]!, {
        headers: { cookie, "accept-language": "es" },
      })).text();
    assert.match(html, /<html lang="es"/);
    assert.match(html, /Lone Star Grocers debe \$1,334\.50 en facturas enviadas/);
    // The questions asked in English above are the sidebar's conversation titles: the member's own words.
    const askedInEnglish = new Set(TWINS.map(([, english]) => english));
    assert.deepEqual(untranslated(html).filter((text) => !askedInEnglish.has(text)), []);
    assert.equal((await api.ok("GET", "/api/v1/invoices")).data.length, 2, "nothing was written");
  } finally {
    await server.close();
  }
});

Deno.test("the built-in rules answer in the asker's language when no data is needed", async () => {
  const es: AnswerWords = { language: "es", format: { ...DEFAULT_FORMAT, locale: "es-US" } };
  const db = { execute: () => Promise.resolve({ rows: [] }) } as never;
  const spanish = await offlineChat(
    db,
    "¿Qué facturas tienen más de 60 días de vencidas?",
    [],
    "2026-11-25",
    undefined,
    es,
  );
  assert.equal(spanish.text, "Ninguna factura tiene más de 60 días de vencida.");
  const english = await offlineChat(
    db,
    "¿Qué facturas tienen más de 60 días de vencidas?",
    [],
    "2026-11-25",
    undefined,
    ENGLISH_WORDS,
  );
  assert.equal(english.text, "No invoices are more than 60 days past due.");
});
