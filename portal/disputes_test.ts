/**
 * What a customer reads once the broker decides a disputed line (issue 17), in the customer's
 * language: the outcome e-mail says what was decided on which line, the credit and the balance now
 * due (or the reason and that the invoice is unchanged) and links to the portal; the statement
 * lists each credit as a line under its invoice. The same flow in English and in Spanish, so the
 * Spanish mail can be checked for English left in it.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedPortal, withTenantDb } from "../tests/helpers/portal.ts";
import { englishLeftIn } from "../mail/untranslated.ts";

interface Mails {
  accepted: string;
  rejected: string;
  statement: string;
}

/** Disputes both lines of the first invoice, accepts one with a credit, rejects the other. */
async function decideAndMail(server: TestServer, slug: string, language: "en" | "es") {
  const tenant = await signUpTenant(server, slug);
  const api = await apiClient(server, tenant);
  const f = await seedPortal(server, tenant, api);
  await api.ok("PATCH", `/api/v1/customers/${f.customer.id}`, {
    language,
    version: f.customer.version,
  });
  for (const [position, reason] of [[1, "Short 150 lb"], [2, "Never ordered"]] as const) {
    const html = await (await server.fetch(tenant.host, `/portal/${f.token}`)).text();
    const lineId = new RegExp(`<option value="([^"]+)">${position}\\. `).exec(html)?.[1];
    assert.ok(lineId, `line ${position} offered`);
    const res = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ line_id: lineId, reason }).toString(),
    });
    assert.equal(res.status, 303);
    await res.body?.cancel();
  }
  const [trim, chuck] = (await api.ok("GET", `/api/v1/invoices/${f.invoice.id}/disputes`)).data;
  const resolve = (id: string, body: Record<string, string>) =>
    api.ok("POST", `/api/v1/invoices/${f.invoice.id}/disputes/${id}/resolve`, body);
  const last = async () => {
    const rs = await server.services.control.execute({
      sql: `SELECT subject, body_text FROM outbox WHERE tenant_id = ? AND to_addr = ?
            ORDER BY created_at DESC, id DESC LIMIT 1`,
      args: [tenant.tenantId, "ap@lonestar.example"],
    });
    return `${rs.rows[0]!.subject}\n${rs.rows[0]!.body_text}`;
  };
  await resolve(trim.id, { outcome: "accept", credit_amount: "300.00", note: "150 lb x 2" });
  const accepted = await last();
  await resolve(chuck.id, { outcome: "reject", note: "Signed PO 4471 lists the chuck rolls" });
  const rejected = await last();
  await api.ok("POST", `/api/v1/customers/${f.customer.id}/statement`, { kind: "statement" });
  const statement = await last();
  return { mails: { accepted, rejected, statement } as Mails, invoice: f.invoice };
}

Deno.test("the dispute outcome e-mails and the statement tell the customer the decision, the credit and the balance, in its language", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const en = await decideAndMail(server, "outcomeen", "en");
    const es = await decideAndMail(server, "outcomees", "es");
    const number = en.invoice.number;

    // English: what was decided, on which line, the credit, the new balance and the link.
    assert.match(
      en.mails.accepted,
      new RegExp(`^Credit on invoice ${number} from .+: your dispute`),
    );
    assert.match(en.mails.accepted, /^Hello Lone Star Grocers,$/m);
    assert.match(en.mails.accepted, /dispute of the line "Beef trim 81\/19" .* accepted it/);
    assert.match(en.mails.accepted, /^Credit: \$300\.00$/m);
    assert.match(
      en.mails.accepted,
      new RegExp(`^Balance now due on invoice ${number}: \\$3,200\\.00$`, "m"),
    );
    assert.match(en.mails.accepted, /^Our note: 150 lb x 2$/m);
    assert.match(en.mails.accepted, /: https?:\/\/\S+\/portal\/\S+$/m);
    assert.match(en.mails.rejected, /could not accept it\. The invoice is unchanged\.$/m);
    assert.match(en.mails.rejected, /^Our reason: Signed PO 4471 lists the chuck rolls$/m);
    assert.match(en.mails.rejected, /^Balance due on invoice .+: \$3,200\.00$/m);
    assert.match(
      en.mails.rejected,
      /^If you disagree, contact outcomeen Foods and tell us why\.$/m,
    );
    assert.match(en.mails.rejected, /\/portal\//);
    // The statement: the invoice at its open amount, the credit as a line under it.
    assert.match(
      en.mails.statement,
      new RegExp(
        `^${number} .+\\$3,200\\.00.*\\n {4}Credit \\$300\\.00 on .+"Beef trim 81/19"`,
        "m",
      ),
    );
    assert.match(en.mails.statement, /^Credits already deducted: \$300\.00$/m);

    // Spanish: the same facts, no English left.
    assert.match(es.mails.accepted, /^Abono en la factura .+: aceptamos su reclamación/);
    assert.match(es.mails.accepted, /^Hola, Lone Star Grocers:$/m);
    assert.match(es.mails.accepted, /«Beef trim 81\/19» .* la aceptamos: abonamos \$300\.00/);
    assert.match(es.mails.accepted, /^Abono: \$300\.00$/m);
    assert.match(es.mails.accepted, /^Saldo pendiente ahora en la factura .+: \$3,200\.00$/m);
    assert.match(es.mails.rejected, /no pudimos aceptarla\. La factura no cambia\.$/m);
    assert.match(es.mails.rejected, /^Nuestro motivo: Signed PO 4471 lists the chuck rolls$/m);
    assert.match(es.mails.statement, /^ {4}Abono de \$300\.00 el .+«Beef trim 81\/19»/m);
    assert.match(es.mails.statement, /^Abonos ya descontados: \$300\.00$/m);
    const values = [
      "Lone Star Grocers",
      "Beef trim 81/19",
      "150 lb x 2",
      "Signed PO 4471 lists the chuck rolls",
    ];
    for (const kind of ["accepted", "rejected", "statement"] as const) {
      const left = englishLeftIn(es.mails[kind], en.mails[kind], values);
      assert.deepEqual(left, [], `${kind}: English left in the Spanish mail`);
    }
  } finally {
    await server.close();
  }
});

Deno.test("a dispute's note on the invoice is written in the workspace's language, the customer's words kept", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server, "notees");
    const api = await apiClient(server, tenant);
    const f = await seedPortal(server, tenant, api);
    await withTenantDb(server, tenant.tenantId, (db) =>
      db.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES ('locale', 'es-MX', '2026-11-20') " +
          "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      ));
    const html = await (await server.fetch(tenant.host, `/portal/${f.token}`)).text();
    const lineId = /<option value="([^"]+)">1\. /.exec(html)?.[1];
    assert.ok(lineId, "line 1 offered");
    const res = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ line_id: lineId, reason: "Short 150 lb" }).toString(),
    });
    assert.equal(res.status, 303);
    await res.body?.cancel();
    const timeline = await api.ok("GET", `/api/v1/invoices/${f.invoice.id}/activity`);
    const bodies = JSON.stringify(timeline);
    assert.match(
      bodies,
      /Lone Star Grocers disputó la línea 1 \(Beef trim 81\/19\) en el portal de facturas: Short 150 lb/,
    );
    assert.doesNotMatch(bodies, /Disputed by/);
  } finally {
    await server.close();
  }
});
