import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { confirmAddress } from "../tests/helpers/members.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { saveLanguage } from "../i18n/user_language.ts";
import { decodeMessage, renderMessage } from "../notifications/messages.ts";
import { addBusinessAlertRule, evaluateBusinessAlerts } from "./business_alerts.ts";

Deno.test("a business alert e-mail is written in its recipient member's language, an outside address in the workspace's, and the credit-limit notice is read in each member's", async () => {
  const clock = new FixedClock("2026-03-10T15:00:00Z");
  const server = await startTestServer({}, { clock });
  try {
    const t = await signUpTenant(server);
    await confirmAddress(server, t.userId); // mail to outsiders needs a confirmed sender
    const s = server.services;
    await saveLanguage(s.control, t.userId, "es", clock.now());
    const api = await apiClient(server, t);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Slow Payers",
      credit_limit_cents: 100_000,
    }, 201);
    await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-03-01",
      due_date: "2026-03-31",
      state: "sent",
      lines: [{ description: "Wings", cases: 1, price: 1_100, price_basis: "case" }],
    }, 201);
    const tenant = (await s.registry.findById(t.tenantId))!;
    const lease = await s.pool.acquire(t.tenantId, null);
    const db = lease.db;
    try {
      const rule = (metric: "documents_failed" | "customer_over_credit_limit", target: string) =>
        addBusinessAlertRule(s, t.tenantId, db, {
          metric,
          threshold: 0,
          channel: "email",
          target,
        }, t.userId);
      await rule("documents_failed", t.email.toUpperCase()); // the member, typed in capitals
      await rule("documents_failed", "dock@outside.example");
      await rule("customer_over_credit_limit", t.email.toUpperCase());
      const now = clock.now().toISOString();
      await db.execute({
        sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key,
                status, created_at, updated_at) VALUES ('doc1', 'bol.pdf', 'application/pdf', 10,
                'x', 'k', 'failed', ?, ?)`,
        args: [now, now],
      });
      const changes = await evaluateBusinessAlerts(s, tenant, db);
      assert.equal(changes.length, 3);

      const mails = async (to: string) =>
        (await s.control.execute({
          sql: `SELECT subject, body_text FROM outbox
                WHERE lower(to_addr) = lower(?) AND subject LIKE '[ProjectMeats] Alert%'
                ORDER BY subject`,
          args: [to],
        })).rows.map((r) => `${r.subject}\n${r.body_text}`);
      const spanish = await mails(t.email);
      assert.equal(spanish.length, 2);
      const [credit, documents] = spanish;
      assert.match(documents!, /^\[ProjectMeats\] Alerta: documentos que no se pudieron leer\n/);
      assert.match(documents!, /1 documento que no se pudo leer, por encima del umbral/);
      assert.match(documents!, /10 mar 2026/);
      assert.match(credit!, /^\[ProjectMeats\] Alerta: Slow Payers superó su límite de crédito\n/);
      assert.match(
        credit!,
        /exposición de \$1,100\.00 frente a un límite de \$1,000\.00 \(10 mar 2026\)/,
      );
      for (const mail of spanish) {
        assert.doesNotMatch(
          mail.replace(/\s/g, " "),
          /Alert:|documents|could not|over its credit|exposure|against|above your|Mar 10/,
        );
      }
      const english = await mails("dock@outside.example");
      assert.equal(english.length, 1, "an address outside the workspace: the workspace's default");
      assert.match(english[0]!, /^\[ProjectMeats\] Alert: documents that could not be read\n/);
      assert.match(english[0]!, /1 document that could not be read, above your alert's 0/);

      // The members' notice: stored in English, read in Spanish by the member who chose it.
      const notice = (await db.execute(
        "SELECT title, body, message FROM notifications WHERE dedupe_key LIKE 'credit-crossing:%'",
      )).rows[0]!;
      assert.equal(notice.title, "Slow Payers is over its credit limit");
      const stored = decodeMessage(notice.message)!;
      assert.ok(stored, "the notice is kept as catalogue keys");
      assert.equal(
        renderMessage({ language: "es" }, stored.title),
        "Slow Payers superó su límite de crédito",
      );
      assert.match(
        renderMessage({ language: "es" }, stored.body!),
        /^Exposición de .+ \(facturas y pedidos abiertos\) frente a un límite de .+\.$/,
      );
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});

Deno.test("Slack and webhook alerts are written in the workspace's default language; the webhook keeps its English text beside it", async () => {
  const clock = new FixedClock("2026-03-10T15:00:00Z");
  const got: Array<{ path: string; body: Record<string, unknown> }> = [];
  const hooks = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    got.push({ path: new URL(req.url).pathname, body: await req.json() });
    return new Response("ok");
  });
  const base = `http://127.0.0.1:${hooks.addr.port}`;
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" }, { clock });
  try {
    const spanishSpace = await signUpTenant(server);
    const englishSpace = await signUpTenant(server);
    const s = server.services;
    const now = clock.now().toISOString();
    for (const [t, locale] of [[spanishSpace, "es-MX"], [englishSpace, null]] as const) {
      const lease = await s.pool.acquire(t.tenantId, null);
      try {
        if (locale) {
          await lease.db.execute({
            sql: `INSERT INTO settings (key, value, updated_at) VALUES ('locale', ?, ?)
                  ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
            args: [locale, now],
          });
        }
        for (const channel of ["slack", "webhook"] as const) {
          await addBusinessAlertRule(s, t.tenantId, lease.db, {
            metric: "documents_failed",
            threshold: 0,
            channel,
            target: `${base}/${t.slug}/${channel}`,
            ...(channel === "webhook" ? { secret: "s3cret" } : {}),
          }, t.userId);
        }
        await lease.db.execute({
          sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key,
                  status, created_at, updated_at) VALUES ('doc1', 'bol.pdf', 'application/pdf',
                  10, 'x', 'k', 'failed', ?, ?)`,
          args: [now, now],
        });
        const tenant = (await s.registry.findById(t.tenantId))!;
        assert.equal((await evaluateBusinessAlerts(s, tenant, lease.db)).length, 2);
      } finally {
        lease.release();
      }
    }
    const at = (slug: string, channel: string) =>
      got.find((g) => g.path === `/${slug}/${channel}`)?.body;
    assert.equal(got.length, 4);

    const slack = String(at(spanishSpace.slug, "slack")?.text);
    assert.match(slack, /1 documento que no se pudo leer, por encima del umbral/);
    assert.doesNotMatch(slack, /document that could not be read|above your alert/);
    const hook = at(spanishSpace.slug, "webhook")!;
    assert.equal(hook.language, "es");
    assert.match(String(hook.message), /1 documento que no se pudo leer/);
    assert.match(String(hook.text), /documents? that could not be read, above your alert's 0/);
    assert.equal(hook.metric, "documents_failed");

    const englishSlack = String(at(englishSpace.slug, "slack")?.text);
    assert.match(englishSlack, /1 document that could not be read, above your alert's 0/);
    const englishHook = at(englishSpace.slug, "webhook")!;
    assert.equal(englishHook.language, "en");
    assert.match(String(englishHook.message), /1 document that could not be read, above your/);
  } finally {
    await server.close();
    await hooks.shutdown();
  }
});
