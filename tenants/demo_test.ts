import assert from "node:assert/strict";
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_SLUG, ensureDemoTenant } from "./demo.ts";
import { startTestServer } from "../tests/helpers/server.ts";
import { clientWithToken } from "../tests/helpers/api.ts";

Deno.test("the demo owner's address is confirmed, also for a demo made before, so the demo sends invoices to its customers", async () => {
  const server = await startTestServer();
  const host = `${DEMO_SLUG}.localhost`;
  const s = server.services;
  const verified = async () =>
    (await s.control.execute({
      sql: "SELECT email_verified_at FROM users WHERE email = ?",
      args: [DEMO_EMAIL],
    })).rows[0]?.email_verified_at ?? null;
  try {
    assert((await ensureDemoTenant(s)).created);
    assert.notEqual(await verified(), null);
    // A demo made before the rule: confirmed on the next start.
    await s.control.execute({
      sql: "UPDATE users SET email_verified_at = NULL WHERE email = ?",
      args: [DEMO_EMAIL],
    });
    assert.equal((await ensureDemoTenant(s)).created, false);
    assert.notEqual(await verified(), null);

    const res = await server.fetch(host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: DEMO_EMAIL, password: DEMO_PASSWORD, name: "tests" },
    });
    assert.equal(res.status, 201);
    const api = clientWithToken(server, host, (await res.json()).token);
    const invoice = (await api.ok("GET", "/api/v1/invoices?limit=1")).data[0];
    assert.ok(invoice, "the demo has invoices");
    const sent = await api.call("POST", `/api/v1/invoices/${invoice.id}/send`, {
      to: "ap@customer.example",
    });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
  } finally {
    await server.close();
  }
});
