import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { securityEntries, seedPortal, withTenantDb } from "../../tests/helpers/portal.ts";
import type { Logger } from "../../http/log.ts";
import { loggedPath } from "../../http/middleware.ts";

/** A logger that keeps every entry, so the test can read the access log. */
function memoryLog() {
  const entries: Array<Record<string, unknown>> = [];
  const keep = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    entries.push({ level, msg, ...fields });
  const log: Logger = {
    enabled: () => true,
    debug: keep("debug"),
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
  };
  return { log, entries };
}

Deno.test("a portal link's token reaches neither the access log nor another site's Referer", async () => {
  const { log, entries } = memoryLog();
  const clock = new FixedClock("2026-11-20T18:00:00Z");
  const server = await startTestServer({}, { clock, log });
  try {
    const tenant = await signUpTenant(server, "leakco");
    const f = await seedPortal(server, tenant, await apiClient(server, tenant));
    const [body, signature] = f.token.split(".") as [string, string];
    const secretPart = signature.slice(0, 16);

    const pages = [
      await server.fetch(tenant.host, `/portal/${f.token}`),
      await server.fetch(tenant.host, `/portal/${f.token}/pay`),
      await server.fetch(tenant.host, `/portal/${f.token}/invoice.pdf`),
      // Refused: a tampered link and, later, the genuine one once expired.
      await server.fetch(tenant.host, `/portal/${body}.${signature.slice(0, -2)}AA`),
    ];
    clock.set("2027-06-01T00:00:00Z");
    pages.push(await server.fetch(tenant.host, `/portal/${f.token}`));
    assert.deepEqual(pages.map((r) => r.status), [200, 303, 200, 404, 410]);
    for (const res of pages) {
      await res.body?.cancel();
      // The page's own policy survives the pipeline's headers: no Referer at all, so neither a
      // link in the page nor the redirect to Stripe carries the token away.
      if (res.headers.get("content-type")?.startsWith("text/html") || res.status === 303) {
        assert.equal(res.headers.get("referrer-policy"), "no-referrer", String(res.status));
        assert.match(res.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
      }
    }

    const portalLines = entries.filter((e) => e.msg === "request" && e.tenant === "leakco")
      .filter((e) => String(e.path).startsWith("/portal/"));
    assert.equal(portalLines.length, 5, "every portal answer is logged");
    for (const line of portalLines) {
      assert.doesNotMatch(JSON.stringify(line), new RegExp(secretPart), "no token in the log");
      assert.match(String(line.path), /^\/portal\/\[token\](\/pay|\/invoice\.pdf)?$/);
    }
    // (Outside production the mail log carries each message's body, the link included, by
    // design: it is the development mailbox. Production logs no body, mail/outbox.ts.)
    const leaked = entries.filter((e) => !String(e.msg).startsWith("mail "))
      .filter((e) => JSON.stringify(e).includes(secretPart));
    assert.deepEqual(leaked, [], "nowhere in any log");
    // The security log names the refusal and the invoice claimed, never the link itself.
    const refused = await securityEntries(server, tenant.tenantId, "portal.link_refused");
    assert.deepEqual(refused.map((r) => r.details.reason), ["bad_signature", "expired"]);
    for (const r of refused) {
      assert.equal(r.target, f.invoice.id);
      assert.doesNotMatch(JSON.stringify(r), new RegExp(secretPart));
    }
  } finally {
    await server.close();
  }
});

Deno.test("loggedPath() hides only a portal token", () => {
  assert.equal(loggedPath("/portal/abc.def"), "/portal/[token]");
  assert.equal(loggedPath("/portal/abc.def/invoice.pdf"), "/portal/[token]/invoice.pdf");
  assert.equal(loggedPath("/portal/webhooks/stripe"), "/portal/webhooks/stripe");
  assert.equal(loggedPath("/api/v1/invoices/x.y"), "/api/v1/invoices/x.y");
});

Deno.test("a dispute's reason reaches the members without direction overrides or zero-width characters", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server, "bidico");
    const f = await seedPortal(server, tenant, await apiClient(server, tenant));
    const html = await (await server.fetch(tenant.host, `/portal/${f.token}`)).text();
    const lineId = /<option value="([^"]+)">1\. Beef trim/.exec(html)?.[1];
    assert.ok(lineId);
    // Reads "Credit us 9,000.00" on screen, while the text says 00.000,9.
    const reason = "<b>Short</b> =cmd|' \u202E00.000,9 su tiderC\u202C\u200B shipped";
    const res = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ line_id: lineId, reason }).toString(),
    });
    assert.equal(res.status, 303);
    await res.body?.cancel();
    const stored = await withTenantDb(
      server,
      tenant.tenantId,
      async (db) =>
        (await db.execute("SELECT reason FROM invoice_disputes")).rows.map((
          r: { reason: unknown },
        ) => String(r.reason)),
    );
    assert.deepEqual(stored, ["<b>Short</b> =cmd|' 00.000,9 su tiderC shipped"]);
    // On the portal the markup stays text.
    const shown = await (await server.fetch(tenant.host, `/portal/${f.token}`)).text();
    assert.match(shown, /&lt;b>Short&lt;\/b> =cmd/);
    assert.doesNotMatch(shown, /<b>Short<\/b>|\u202E/);
    // Only invisible characters: nothing is left to say, so it is refused like an empty reason.
    const empty = await server.fetch(tenant.host, `/portal/${f.token}/dispute`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ line_id: lineId, reason: "\u202E\u200B\u2066" }).toString(),
    });
    assert.equal(empty.status, 422);
    await empty.body?.cancel();
  } finally {
    await server.close();
  }
});
