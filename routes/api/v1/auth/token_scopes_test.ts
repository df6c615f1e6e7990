/**
 * Scoped API tokens over real HTTP: scopes per record type and verb, the role as a ceiling, the IP
 * allow-list, tokens made before scopes, and what creation refuses.
 */
import assert from "node:assert/strict";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../../../tests/helpers/server.ts";
import { apiClient, clientWithToken } from "../../../../tests/helpers/api.ts";
import { addMember } from "../../../../tests/helpers/members.ts";

async function makeToken(
  server: TestServer,
  t: { host: string; email: string; password: string },
  extra: Record<string, unknown>,
) {
  const res = await server.fetch(t.host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: t.email, password: t.password, name: "scoped", ...extra },
  });
  return { status: res.status, body: await res.json() };
}

async function scoped(
  server: TestServer,
  t: SignedUp | { host: string; email: string; password: string },
  extra: Record<string, unknown>,
) {
  const made = await makeToken(server, t, extra);
  assert.equal(made.status, 201, JSON.stringify(made.body));
  return clientWithToken(server, t.host, made.body.token);
}

/** The server clock's date: a business date that is valid on any day the suite runs. */
function today(server: TestServer): string {
  return server.services.clock.now().toISOString().slice(0, 10);
}

async function count(server: TestServer, t: SignedUp, table: string): Promise<number> {
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const rs = await lease.db.execute(`SELECT count(*) AS n FROM ${table}`);
    return Number(rs.rows[0]!.n);
  } finally {
    lease.release();
  }
}

Deno.test("a read-only token lists records but cannot write them, and the 403 names the scope", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    await owner.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const reader = await scoped(server, t, { scopes: ["suppliers:read"] });

    const list = await reader.call("GET", "/api/v1/suppliers");
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.data.map((s: { name: string }) => s.name), ["Prairie Packers"]);
    const before = await count(server, t, "suppliers");
    const write = await reader.call("POST", "/api/v1/suppliers", { name: "Not Allowed" });
    assert.equal(write.status, 403);
    assert.equal(write.body.error.details.reason, "missing_scope");
    assert.deepEqual(write.body.error.details.missing_scopes, ["suppliers:write"]);
    assert.match(write.body.error.message, /lacks the scope suppliers:write/);
    const id = list.body.data[0].id;
    const archive = await reader.call("POST", `/api/v1/suppliers/${id}/archive`, {});
    assert.equal(archive.status, 403);
    assert.equal(await count(server, t, "suppliers"), before, "nothing was written");
    assert.equal((await reader.call("GET", "/api/v1/carriers")).status, 403, "another type");
    // The identity call is open to any token, and says what it may do; account and token
    // management are not.
    const me = await reader.call("GET", "/api/v1/me");
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.scopes, ["suppliers:read"]);
    assert.equal((await owner.call("GET", "/api/v1/me")).body.scopes, null, "full access");
    const mint = await reader.call("POST", "/api/v1/auth/tokens", { name: "escalate" });
    assert.equal(mint.status, 403, "a scoped token cannot mint a full-access one");
    assert.equal(mint.body.error.details.reason, "scoped_token");
    assert.equal((await reader.call("GET", "/api/v1/auth/tokens")).status, 403);
    // Nor does it open the workspace's pages.
    const page = await server.fetch(t.host, "/suppliers", {
      headers: { authorization: `Bearer ${reader.token}` },
    });
    await page.body?.cancel();
    assert.equal(page.status, 403);

    // write includes read of the same type.
    const writer = await scoped(server, t, { scopes: ["suppliers:write"] });
    assert.equal((await writer.call("GET", "/api/v1/suppliers")).status, 200);
    await writer.ok("POST", "/api/v1/suppliers", { name: "Written" }, 201);
  } finally {
    await server.close();
  }
});

Deno.test("a token scoped to loads cannot read invoices, and search shows it no invoice", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    const carrier = await owner.ok("POST", "/api/v1/carriers", { name: "Cold Chain" }, 201);
    const customer = await owner.ok("POST", "/api/v1/customers", { name: "Metro Grocers" }, 201);
    const supplier = await owner.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const po = await owner.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: today(server),
      lines: [{ description: "Leg quarters", weight: 100, price: 0.5 }],
    }, 201);
    const load = await owner.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      notes: "zanzibar reefer",
    }, 201);
    const invoice = await owner.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: today(server),
      notes: "zanzibar invoice",
      lines: [{ description: "Wings", cases: 1, price: 10, price_basis: "case" }],
    }, 201);
    // The owner (full access) finds both, which also warms the search cache for this query.
    const all = await owner.ok("GET", "/api/v1/search?q=zanzibar");
    assert.deepEqual(
      all.data.map((h: { collection: string }) => h.collection).sort(),
      ["invoices", "loads"],
    );

    const loadsOnly = await scoped(server, t, { scopes: ["loads:read"] });
    assert.equal((await loadsOnly.call("GET", `/api/v1/loads/${load.id}`)).status, 200);
    for (const path of ["/api/v1/invoices", `/api/v1/invoices/${invoice.id}`]) {
      const res = await loadsOnly.call("GET", path);
      assert.equal(res.status, 403, path);
      assert.deepEqual(res.body.error.details.missing_scopes, ["invoices:read"]);
    }
    const pdf = await loadsOnly.call("GET", `/api/v1/invoices/${invoice.id}/pdf`);
    assert.equal(pdf.status, 403, "nor the invoice's PDF");
    const found = await loadsOnly.ok("GET", "/api/v1/search?q=zanzibar");
    assert.deepEqual(found.data.map((h: { id: string }) => h.id), [load.id]);
    // The assistant reads every type, so it needs read on all of them.
    const ask = await loadsOnly.call("POST", "/api/v1/assistant/messages", {
      message: "Which invoices are overdue?",
    });
    assert.equal(ask.status, 403);
    assert.ok(ask.body.error.details.missing_scopes.includes("invoices:read"));
    assert.ok(ask.body.error.details.missing_scopes.includes("assistant:use"));
  } finally {
    await server.close();
  }
});

Deno.test("the creator's role caps a token's scopes, at creation and after a later role change", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const broker = await addMember(server, t.tenantId, "broker");
    const b = { host: t.host, ...broker };
    const refused = await makeToken(server, b, { scopes: ["loads:read", "invoices:write"] });
    assert.equal(refused.status, 422);
    assert.match(refused.body.error.details.scopes[0], /broker\) does not grant invoices:write/);

    const admin = await addMember(server, t.tenantId, "admin");
    const a = { host: t.host, ...admin };
    const token = await scoped(server, a, { scopes: ["invoices:write", "customers:read"] });
    const customer = await (await apiClient(server, t)).ok(
      "POST",
      "/api/v1/customers",
      { name: "Metro Grocers" },
      201,
    );
    const invoice = {
      customer_id: customer.id,
      invoice_date: today(server),
      lines: [{ description: "Wings", cases: 1, price: 10, price_basis: "case" }],
    };
    await token.ok("POST", "/api/v1/invoices", invoice, 201);

    // Demoted to broker: the token still carries invoices:write, but the role no longer grants it.
    const owner = await apiClient(server, t);
    await owner.ok("PATCH", `/api/v1/members/${admin.userId}`, { role: "broker" });
    const before = await count(server, t, "invoices");
    const denied = await token.call("POST", "/api/v1/invoices", invoice);
    assert.equal(denied.status, 403);
    assert.equal(denied.body.error.details.reason, "role");
    assert.match(denied.body.error.message, /Your role \(broker\) does not grant invoices:write/);
    assert.equal(await count(server, t, "invoices"), before);
    // Reading is still within both the scope (write includes read) and the role.
    assert.equal((await token.call("GET", "/api/v1/invoices")).status, 200);
    const rows = await server.services.control.execute({
      sql: "SELECT count(*) AS n FROM api_tokens WHERE user_id = ?",
      args: [broker.userId],
    });
    assert.equal(Number(rows.rows[0]!.n), 0, "the refused token was not created");
  } finally {
    await server.close();
  }
});

Deno.test("a token limited to other addresses is refused and the refusal is logged; 127.0.0.1/32 passes", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const far = await scoped(server, t, { allowed_ips: ["10.0.0.0/8"] });
    const refused = await far.call("GET", "/api/v1/suppliers");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.details.reason, "ip_not_allowed");
    assert.match(refused.body.error.message, /may not be used from 127\.0\.0\.1/);
    const near = await scoped(server, t, {
      allowed_ips: ["10.0.0.0/8", "127.0.0.1/32"],
      scopes: ["suppliers:read"],
    });
    assert.equal((await near.call("GET", "/api/v1/suppliers")).status, 200);

    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const rs = await lease.db.execute(
        "SELECT action, target, ip, details FROM security_events WHERE action LIKE 'api_token.%'",
      );
      assert.equal(rs.rows.length, 1, "one refusal, and the allowed call logged nothing");
      assert.equal(rs.rows[0]!.target, "scoped");
      assert.equal(rs.rows[0]!.ip, "127.0.0.1");
      assert.equal(JSON.parse(String(rs.rows[0]!.details)).path, "/api/v1/suppliers");
    } finally {
      lease.release();
    }
    const listed = await (await apiClient(server, t)).ok("GET", "/api/v1/auth/tokens");
    const byIps = listed.data.map((x: { allowed_ips: string[] }) => x.allowed_ips.join(" "));
    assert.ok(byIps.includes("10.0.0.0/8 127.0.0.1/32"), JSON.stringify(byIps));
  } finally {
    await server.close();
  }
});

Deno.test("a token made before scopes keeps its role's full rights and lists as full access", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    // A row as it was written before migration 0012: no scopes or allow-list columns given.
    const legacy = "pm_legacyLegacyLegacyLegacyLegacy0";
    const hash = Array.from(
      new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(legacy))),
    ).map((b) => b.toString(16).padStart(2, "0")).join("");
    await server.services.control.execute({
      sql: `INSERT INTO api_tokens (id, tenant_id, user_id, name, token_hash, prefix, created_at)
            VALUES ('01jd8x7k3m5n9p2q4r6s8t0v1w', ?, (SELECT user_id FROM memberships
              WHERE tenant_id = ? AND role = 'owner'), 'old script', ?, 'pm_legacyLe', ?)`,
      args: [t.tenantId, t.tenantId, hash, new Date().toISOString()],
    });
    const old = clientWithToken(server, t.host, legacy);
    await old.ok("POST", "/api/v1/suppliers", { name: "Still Works" }, 201);
    await old.ok("GET", "/api/v1/invoices");
    await old.ok("GET", "/api/v1/auth/tokens");
    const listed = await owner.ok("GET", "/api/v1/auth/tokens");
    const row = listed.data.find((x: { name: string }) => x.name === "old script");
    assert.equal(row.scopes, null);
    assert.deepEqual(row.allowed_ips, []);
    // A token created without scopes, as scripts did before, is full access too.
    assert.equal(listed.data.find((x: { name: string }) => x.name === "tests").scopes, null);
  } finally {
    await server.close();
  }
});

Deno.test("unknown scopes and bad addresses are refused with the entry named, and nothing is created", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ scopes: ["loads:read", "loads:delete"] }, "scopes", /"loads:delete" is not a scope/],
      [{ scopes: ["everything"] }, "scopes", /not a scope/],
      [{ scopes: [] }, "scopes", /at least one scope/],
      [{ allowed_ips: ["10.0.0.0/33"] }, "allowed_ips", /at most 32 network bits/],
      [{ allowed_ips: ["office.example"] }, "allowed_ips", /not an IP address or CIDR range/],
      [{ allowed_ips: "10.0.0.0/8" }, "allowed_ips", /./],
    ];
    for (const [extra, field, message] of cases) {
      const res = await makeToken(server, t, extra);
      assert.equal(res.status, 422, JSON.stringify(extra));
      assert.equal(res.body.error.code, "invalid_request");
      const details = res.body.error.details as Record<string, string[]>;
      const said = Object.entries(details).filter(([k]) => k.startsWith(field));
      assert.ok(said.some(([, v]) => message.test(v.join(" "))), JSON.stringify(details));
    }
    const rows = await server.services.control.execute("SELECT count(*) AS n FROM api_tokens");
    assert.equal(Number(rows.rows[0]!.n), 0);
  } finally {
    await server.close();
  }
});

Deno.test("the API reference names each operation's scopes and the scopes a token may be given", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const doc = await (await server.fetch("localhost", "/api/openapi.json")).json();
    const op = (method: string, path: string) => doc.paths[path][method];
    assert.deepEqual(op("get", "/api/v1/loads").security, [{ bearer: ["loads:read"] }]);
    assert.deepEqual(op("post", "/api/v1/invoices").security, [{ bearer: ["invoices:write"] }]);
    assert.deepEqual(op("get", "/api/v1/invoices/{id}/pdf").security, [{
      bearer: ["invoices:read"],
    }]);
    assert.equal(op("get", "/api/v1/auth/tokens")["x-scoped-tokens"], false);
    assert.equal(op("get", "/api/v1/me").security, undefined, "open to any token");
    assert.deepEqual(op("post", "/api/v1/auth/login").security, [], "still anonymous");
    const body = op("post", "/api/v1/auth/tokens").requestBody.content["application/json"].schema;
    const variants = body.anyOf ?? body.oneOf;
    const scopes = variants[0].properties.scopes;
    const names = (scopes.anyOf ?? [scopes]).find((s: { type: string }) => s.type === "array")
      .items.enum;
    assert.ok(names.includes("purchase_orders:read") && names.includes("billing:read"));

    const page = await (await server.fetch(t.host, "/api/docs", {
      headers: { cookie: t.jar.header(t.host) },
    })).text();
    assert.match(page, /Token scopes: <code>loads:read<\/code>/);
    assert.match(page, /Token scopes: needs a full-access token or a session\./);
  } finally {
    await server.close();
  }
});
