/**
 * Paperwork mail in the party's language (issue 17): a customer or carrier whose `language` is
 * Spanish gets its invoice, statement, reminder and rate confirmation in Spanish (amounts and
 * dates in the Spanish locale, the PDF's labels too), while the English member who reads the log
 * on the record's page sees it in English.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../../tests/helpers/api.ts";
import { confirmAddress, mailTo } from "../../tests/helpers/members.ts";
import { seedOneOfEach } from "../../tests/helpers/records.ts";
import { attachmentsOf } from "../../mail/outbox.ts";
import { englishLeftIn } from "../../mail/untranslated.ts";
import { pdfPages } from "../documents/pdf.ts";
import { businessDay } from "../clock.ts";
import { date } from "../format.ts";

function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 864e5).toISOString().slice(0, 10);
}

async function party(api: ApiClient, name: string, language: "en" | "es") {
  const customer = await api.ok("POST", "/api/v1/customers", { name, language }, 201);
  const carrier = await api.ok(
    "POST",
    "/api/v1/carriers",
    { name: `${name} Reefer`, language },
    201,
  );
  return { customer, carrier };
}

Deno.test("a Spanish customer and carrier get their paperwork mail in Spanish; the member's log stays English", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, t);
    const today = businessDay(
      server.services.clock,
      server.services.registry.timeZoneOf(t.tenantId),
    );
    const seeded = await seedOneOfEach(api, "Idioma");
    const sent: Record<string, Record<"en" | "es", { subject: string; text: string }>> = {};
    const values: string[] = [];
    let spanishInvoice = "";
    for (const language of ["en", "es"] as const) {
      const name = language === "es" ? "Carnes del Norte" : "Boston Grocers";
      const { customer, carrier } = await party(api, name, language);
      values.push(name, `${name} Reefer`);
      const invoice = await api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date: daysBefore(today, 40),
        due_date: daysBefore(today, 10),
        state: "sent",
        lines: [{ description: "Brisket", cases: 2, price: 1250.5, price_basis: "case" }],
      }, 201);
      if (language === "es") spanishInvoice = invoice.id;
      values.push(invoice.number);
      const load = await api.ok("POST", "/api/v1/loads", {
        carrier_id: carrier.id,
        purchase_order_id: seeded["purchase-orders"].id,
        freight_cents: 310_000,
        pickup_appointment: `${today}T08:30`,
      }, 201);
      values.push(load.number);
      const to = `${language}@party.example`;
      await api.ok("POST", `/api/v1/invoices/${invoice.id}/send`, { to }, 201);
      await api.ok("POST", `/api/v1/loads/${load.id}/rate-confirmation/send`, { to }, 201);
      await api.ok("POST", `/api/v1/customers/${customer.id}/statement`, {
        kind: "statement",
        to,
      }, 201);
      await api.ok("POST", `/api/v1/customers/${customer.id}/statement`, {
        kind: "reminder",
        to,
      }, 201);
      const mail = (await mailTo(server, to)).reverse(); // oldest first: the order sent
      assert.equal(mail.length, 4);
      ["invoice", "rate confirmation", "statement", "reminder"].forEach((kind, i) => {
        (sent[kind] ??= {} as Record<"en" | "es", { subject: string; text: string }>)[language] =
          mail[i]!;
      });
    }
    values.push(sent.invoice!.en.text.split("\n").at(-1)!); // the company's name, signing off
    for (const [kind, { en, es }] of Object.entries(sent)) {
      assert.deepEqual(englishLeftIn(es.subject, en.subject, values), [], `${kind} subject`);
      assert.deepEqual(englishLeftIn(es.text, en.text, values), [], `${kind} body`);
      assert.notEqual(es.subject, en.subject, kind);
    }
    assert.match(sent.invoice!.es.subject, /^Factura /);
    assert.match(sent.invoice!.en.subject, /^Invoice /);
    assert.match(
      sent.invoice!.es.text,
      /\$2,501\.00/,
      "the amount as a Spanish reader in the US reads it",
    );
    assert.match(sent.reminder!.es.text, /10 días de atraso/);
    assert.match(sent.reminder!.en.text, /10 days past due/);

    // The invoice's PDF speaks Spanish too.
    const row = await server.services.control.execute({
      sql: "SELECT id FROM outbox WHERE to_addr = 'es@party.example' AND subject LIKE 'Factura%'",
      args: [],
    });
    const [pdf] = await attachmentsOf(server.services.control, String(row.rows[0]!.id));
    const [page] = await pdfPages(pdf!.content);
    const text = page!.lines.join("\n");
    assert.match(text, /FACTURA/);
    assert.match(text, /Facturar a/i);
    assert.doesNotMatch(text, /Bill to|Balance due/i);
    // Its dates in the Spanish locale too ("27 oct 2026").
    const spanishDate = date(daysBefore(today, 40), { locale: "es-US", currency: "USD" });
    assert.ok(
      text.replace(/\s+/g, " ").includes(`Fecha de factura: ${spanishDate}`),
      `${spanishDate} in ${text}`,
    );

    // The member (English) reads the log on the invoice's page in English, with what was sent.
    const html = await (await server.fetch(t.host, `/invoices/${spanishInvoice}`, {
      headers: { cookie: t.jar.header(t.host) },
    })).text();
    assert.match(html, /<html lang="en">/);
    assert.match(html, /E-mailed/);
    assert.ok(html.includes(sent.invoice!.es.subject), "the log names the mail as it was sent");
  } finally {
    await server.close();
  }
});

Deno.test("a party with no language follows the workspace's default", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, t);
    const today = businessDay(
      server.services.clock,
      server.services.registry.timeZoneOf(t.tenantId),
    );
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Sin Idioma" }, 201);
    assert.equal(customer.language, null);
    const invoice = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: today,
      state: "sent",
      lines: [{ description: "Ribeye", cases: 1, price: 100, price_basis: "case" }],
    }, 201);
    await api.ok("POST", `/api/v1/invoices/${invoice.id}/send`, { to: "a@b.example" }, 201);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      await lease.db.execute({
        sql: `INSERT INTO settings (key, value, updated_at) VALUES ('locale', 'es-MX', ?)
              ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        args: [new Date().toISOString()],
      });
    } finally {
      lease.release();
    }
    await api.ok("POST", `/api/v1/invoices/${invoice.id}/send`, { to: "a@b.example" }, 201);
    const [spanish, english] = await mailTo(server, "a@b.example");
    assert.match(english!.subject, /^Invoice /);
    assert.match(spanish!.subject, /^Factura /);
    const bad = await api.call("POST", "/api/v1/customers", { name: "X", language: "fr" });
    assert.equal(bad.status, 422);
  } finally {
    await server.close();
  }
});

Deno.test("a workspace's renamed loads and invoices are named its way in a Spanish party's mail and PDF, and in English", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const api = await apiClient(server, t);
    const put = await api.call("PUT", "/api/v1/config", {
      terminology: {
        record_types: {
          loads: {
            singular: "Shipment",
            plural: "Shipments",
            languages: { es: { singular: "Envío", plural: "Envíos", gender: "masculine" } },
          },
          invoices: {
            singular: "Bill",
            plural: "Bills",
            languages: { es: { singular: "Cuenta", plural: "Cuentas", gender: "feminine" } },
          },
        },
      },
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const today = businessDay(
      server.services.clock,
      server.services.registry.timeZoneOf(t.tenantId),
    );
    const seeded = await seedOneOfEach(api, "Nombres");
    const sent: Record<string, { subject: string; text: string }> = {};
    const loads: Record<string, string> = {};
    for (const language of ["en", "es"] as const) {
      const { customer, carrier } = await party(api, `Nombres ${language}`, language);
      const invoice = await api.ok("POST", "/api/v1/invoices", {
        customer_id: customer.id,
        invoice_date: daysBefore(today, 40),
        due_date: daysBefore(today, 10),
        state: "sent",
        lines: [{ description: "Brisket", cases: 2, price: 1250.5, price_basis: "case" }],
      }, 201);
      const load = await api.ok("POST", "/api/v1/loads", {
        carrier_id: carrier.id,
        purchase_order_id: seeded["purchase-orders"].id,
        freight_cents: 310_000,
      }, 201);
      loads[language] = load.id;
      const to = `${language}@names.example`;
      await api.ok("POST", `/api/v1/invoices/${invoice.id}/send`, { to }, 201);
      await api.ok("POST", `/api/v1/loads/${load.id}/rate-confirmation/send`, { to }, 201);
      await api.ok("POST", `/api/v1/customers/${customer.id}/statement`, {
        kind: "reminder",
        to,
      }, 201);
      const [invoiceMail, rateMail, reminderMail] = (await mailTo(server, to)).reverse();
      sent[`invoice ${language}`] = invoiceMail!;
      sent[`rate ${language}`] = rateMail!;
      sent[`reminder ${language}`] = reminderMail!;
    }
    const es = (kind: string) => `${sent[`${kind} es`]!.subject}\n${sent[`${kind} es`]!.text}`;
    const en = (kind: string) => `${sent[`${kind} en`]!.subject}\n${sent[`${kind} en`]!.text}`;
    assert.match(es("rate"), /Confirmación de tarifa, envío L-/);
    assert.match(es("rate"), /El envío L-\S+ está reservado con ustedes/);
    assert.doesNotMatch(es("rate"), /carga/i);
    assert.match(en("rate"), /Rate confirmation, shipment L-/);
    assert.match(en("rate"), /Shipment L-\S+ is booked with you/);
    assert.match(es("invoice"), /: cuenta \S+\n/, "the subject names the invoice as a cuenta");
    assert.match(es("invoice"), /Le enviamos la cuenta \S+ por/);
    assert.match(es("invoice"), /La cuenta va adjunta/);
    assert.doesNotMatch(es("invoice"), /factura/i);
    assert.match(en("invoice"), /^Bill \S+ from/);
    assert.match(es("reminder"), /estas cuentas vencidas/);
    assert.doesNotMatch(es("reminder"), /factura/i);
    assert.match(en("reminder"), /these bills past due/);

    // The rate confirmation's acceptance sentence, downloaded as each carrier reads it.
    const acceptance = async (language: string) => {
      const res = await server.fetch(t.host, `/api/v1/loads/${loads[language]}/pdf`, {
        headers: { authorization: `Bearer ${api.token}` },
      });
      assert.equal(res.status, 200);
      const pages = await pdfPages(new Uint8Array(await res.arrayBuffer()));
      return pages.flatMap((p) => p.lines).join(" ").replace(/\s+/g, " ");
    };
    assert.match(await acceptance("es"), /acepta este envío a la tarifa indicada/);
    assert.match(await acceptance("en"), /accepts this shipment at the rate above/);
  } finally {
    await server.close();
  }
});
