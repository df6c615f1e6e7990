/**
 * Walks the app's route table: every mutating /api/v1 route, called by a viewer (the lowest role)
 * and by an owner's read-only token, must refuse; a route that answers 2xx without a role or
 * scope check fails here. The few routes a viewer may call on their own account are named.
 */
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { signUpTenant, startTestServer, type TestServer } from "./helpers/server.ts";
import { addMember, call, type Session, signIn } from "./helpers/members.ts";

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** The viewer's own account and sign-in: theirs to call, and none of them writes business data. */
const VIEWER_MAY = new Set([
  "POST /api/v1/auth/passkeys/registration-options",
  "POST /api/v1/auth/passkeys/sign-in-options",
  "POST /api/v1/auth/sessions/revoke-others",
  "POST /api/v1/auth/verify/resend",
]);

function mutatingApiRoutes(server: TestServer): Array<{ method: string; path: string }> {
  const seen = new Set<string>();
  return createApp(server.services).routes.filter((r) => {
    const key = `${r.method} ${r.path}`;
    if (!MUTATING.has(r.method) || !r.path.startsWith("/api/v1/") || seen.has(key)) return false;
    seen.add(key);
    // Sign-out ends the session the walk uses; it is tested on its own.
    return r.path !== "/api/v1/auth/logout";
  });
}

const sample = (path: string) =>
  path.replace(":collection", "purchase-orders")
    .replace(/:(\w+)/g, (_, name: string) => `01jdb2c4e6g8j0k2m4p6r8t0${name.length}`);

async function rowCount(server: TestServer, tenantId: string): Promise<number> {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    const tables = await lease.db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN " +
        "('suppliers', 'customers', 'purchase_orders', 'invoices', 'documents', 'loads')",
    );
    let n = 0;
    for (const t of tables.rows) {
      n += Number((await lease.db.execute(`SELECT count(*) AS n FROM ${t.name}`)).rows[0]!.n);
    }
    return n;
  } finally {
    lease.release();
  }
}

Deno.test("no mutating API route lets a viewer or a read-only token through", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const viewer = await addMember(server, tenant.tenantId, "viewer");
    const session: Session = await signIn(server, tenant.host, viewer.email, viewer.password);
    const made = await server.fetch(tenant.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: {
        email: tenant.email,
        password: tenant.password,
        name: "read",
        scopes: ["suppliers:read"],
      },
    });
    assert.equal(made.status, 201);
    const readToken = (await made.json()).token as string;
    const before = await rowCount(server, tenant.tenantId);

    const routes = mutatingApiRoutes(server);
    assert.ok(routes.length > 100, `only ${routes.length} routes found`);
    const viewerThrough: string[] = [];
    const tokenThrough: string[] = [];
    for (const r of routes) {
      const key = `${r.method} ${r.path}`;
      const path = sample(r.path);
      // A new connection each time: an answer given before the body was read leaves it unread.
      const body = r.method === "DELETE" ? undefined : { name: "Walked" };
      const asViewer = await call(server, session, r.method, path, body);
      await asViewer.body?.cancel();
      if (asViewer.status < 300 && !VIEWER_MAY.has(key)) {
        viewerThrough.push(`${asViewer.status} ${key}`);
      }
      const asToken = await server.fetch(tenant.host, path, {
        method: r.method,
        headers: { authorization: `Bearer ${readToken}`, connection: "close" },
        json: body,
      });
      await asToken.body?.cancel();
      // Sign-in and sign-up take no token at all; everything else refuses this one.
      if (
        asToken.status < 300 || (asToken.status !== 403 && asToken.status !== 401 &&
          !/^\/api\/v1\/(auth|signup|invitations)\//.test(r.path) && r.path !== "/api/v1/signup")
      ) {
        tokenThrough.push(`${asToken.status} ${key}`);
      }
    }
    assert.deepEqual(viewerThrough, [], "mutating routes a viewer passed");
    assert.deepEqual(tokenThrough, [], "mutating routes a suppliers:read token was not refused");
    assert.equal(await rowCount(server, tenant.tenantId), before, "nothing was written");

    // The camera's upload checks the role before anything is stored.
    const form = new FormData();
    form.set("load_id", sample(":id"));
    form.set("file", new File([new Uint8Array(2048)], "bol.jpg", { type: "image/jpeg" }));
    const photo = await fetch(`http://127.0.0.1:${server.port}/api/v1/documents/captures`, {
      method: "POST",
      headers: {
        host: tenant.host,
        cookie: session.jar.header(tenant.host),
        "x-csrf-token": session.csrf,
      },
      body: form,
    });
    assert.equal(photo.status, 403);
    await photo.body?.cancel();
    // ... and before its body is read: over a raw connection, a body announced as 20 MB of which
    // only the first bytes come gets the 403 at once.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    const head = [
      "POST /api/v1/documents/captures HTTP/1.1",
      `Host: ${tenant.host}`,
      `Cookie: ${session.jar.header(tenant.host)}`,
      `X-CSRF-Token: ${session.csrf}`,
      "Content-Type: multipart/form-data; boundary=b",
      `Content-Length: ${20 * 1024 * 1024}`,
      "",
      "--b\r\nContent-Disposition: form-data; ",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(head));
    const buffer = new Uint8Array(512);
    const stalled = await Promise.race([
      conn.read(buffer).then((n) => new TextDecoder().decode(buffer.subarray(0, n ?? 0))),
      new Promise<string>((resolve) => setTimeout(() => resolve("no answer in 3 s"), 3000)),
    ]);
    conn.close();
    assert.match(stalled, /^HTTP\/1\.1 403/);
  } finally {
    await server.close();
  }
});
