import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { bodyCapFor, CSV_IMPORT_MAX_BYTES, ENVELOPE_BYTES, RESTORE_MAX_BYTES } from "./body_cap.ts";
import { BODY_MAX_BYTES } from "./guards.ts";

/** A request's status, sent over a raw socket so the server can answer before the body ends. */
async function rawStatus(
  port: number,
  head: { method: string; host: string; path: string; headers: Record<string, string> },
  body: { declared: number } | { chunked: number },
): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const enc = new TextEncoder();
  const headers = { ...head.headers, host: `${head.host}:${port}`, connection: "close" };
  const lines = [`${head.method} ${head.path} HTTP/1.1`];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push(
    "declared" in body ? `content-length: ${body.declared}` : "transfer-encoding: chunked",
  );
  const reading = (async () => {
    let text = "";
    const buf = new Uint8Array(4096);
    while (!text.includes("\r\n\r\n")) {
      const n = await conn.read(buf).catch(() => null);
      if (n === null) break;
      text += new TextDecoder().decode(buf.subarray(0, n));
    }
    return Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  })();
  try {
    await conn.write(enc.encode(lines.join("\r\n") + "\r\n\r\n"));
    const piece = enc.encode("x".repeat(64 * 1024));
    if ("declared" in body) await conn.write(piece); // a little of it: the length decides
    else {
      for (let sent = 0; sent <= body.chunked; sent += piece.length) {
        await conn.write(enc.encode(`${piece.length.toString(16)}\r\n`));
        await conn.write(piece);
        await conn.write(enc.encode("\r\n"));
      }
      await conn.write(enc.encode("0\r\n\r\n"));
    }
  } catch { /* the server answered and closed while the body was still going out */ }
  // A server that waits for the rest of an uncapped body would never answer: 0 after 10 s.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const status = await Promise.race([
    reading,
    new Promise<number>((resolve) => timer = setTimeout(() => resolve(0), 10_000)),
  ]);
  clearTimeout(timer);
  try {
    conn.close();
  } catch { /* closed already */ }
  await reading;
  return status;
}

/** Every row of every table of the tenant's database, and the row counts of the control database. */
async function snapshot(server: TestServer, tenantId: string) {
  const dump = async (
    db: { execute(sql: string): Promise<{ rows: unknown[] }> },
    rows: boolean,
  ) => {
    const tables = (await db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    )).rows.map((r) => String((r as Record<string, unknown>).name));
    const out: Record<string, unknown> = {};
    for (const t of tables) {
      out[t] = rows
        ? JSON.stringify((await db.execute(`SELECT * FROM "${t}"`)).rows)
        : (await db.execute(`SELECT count(*) AS n FROM "${t}"`)).rows;
    }
    return out;
  };
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return {
      tenant: await dump(lease.db, true),
      control: await dump(server.services.control, false),
    };
  } finally {
    lease.release();
  }
}

/**
 * Every route that reads its body itself (not through `readJson`), by the file that reads it.
 * The last test fails when a file starts reading a body directly and is missing here.
 */
const ROUTES = [
  { file: "routes/records/pages.tsx", path: "/customers", type: "form" },
  { file: "routes/records/flows.tsx", path: "/loads/x/pod", type: "form" },
  { file: "routes/records/flows_money.tsx", path: "/invoices/x/send", type: "form" },
  { file: "routes/records/csv_import.tsx", path: "/customers/import", type: "multipart" },
  { file: "routes/operator/tenants.tsx", path: "/operator/tenants/x/suspend", apex: true },
  { file: "routes/operator/tenants.tsx", path: "/operator/tenants/x/channel", apex: true },
  { file: "routes/operator/tenants.tsx", path: "/operator/tenants/x/view", apex: true },
  { file: "routes/operator/alerts.tsx", path: "/operator/alerts/rules", apex: true },
  { file: "routes/assistant.tsx", path: "/assistant", type: "form" },
  { file: "routes/api/v1/config.ts", path: "/api/v1/config", method: "PUT", type: "json" },
  { file: "routes/api/v1/config.ts", path: "/api/v1/config/rollback", type: "json" },
  { file: "routes/api/v1/config.ts", path: "/api/v1/config/assets", type: "image/png" },
  { file: "routes/api/v1/documents.ts", path: "/api/v1/documents", type: "multipart" },
  { file: "routes/settings/tokens.tsx", path: "/settings/tokens", type: "form" },
  { file: "routes/settings/configuration.tsx", path: "/settings/configuration/branding" },
  { file: "routes/settings/configuration.tsx", path: "/settings/configuration/image" },
  { file: "routes/settings/configuration.tsx", path: "/settings/configuration/preview" },
  { file: "routes/settings/configuration.tsx", path: "/settings/configuration/apply" },
  { file: "routes/settings/configuration.tsx", path: "/settings/configuration/rollback" },
  { file: "routes/settings/data.tsx", path: "/settings/data/restore", type: "multipart" },
  { file: "routes/settings/plugins.tsx", path: "/settings/plugins/upload", type: "multipart" },
  { file: "routes/settings/option_lists.tsx", path: "/settings/option-lists/x", type: "form" },
  { file: "routes/webhooks/stripe.ts", path: "/webhooks/stripe", apex: true, type: "json" },
  { file: "routes/portal/_webhook.ts", path: "/portal/webhooks/stripe", type: "json" },
  { file: "routes/portal/_pages.tsx", path: "/portal/x/dispute", type: "form" },
  { file: "routes/approvals.tsx", path: "/approvals/x", type: "form" },
  { file: "routes/records/disputes.tsx", path: "/invoices/x/disputes/y/resolve", type: "form" },
  { file: "routes/plugins/actions.tsx", path: "/plugins/x/actions/y", type: "form" },
  { file: "routes/documents/pages.tsx", path: "/documents", type: "multipart" },
  { file: "routes/documents/pages.tsx", path: "/documents/x/accept", type: "form" },
  { file: "routes/documents/camera.tsx", path: "/documents/camera", type: "multipart" },
  {
    file: "routes/api/v1/documents/captures.ts",
    path: "/api/v1/documents/captures",
    type: "multipart",
  },
] as const;

const TYPES: Record<string, string> = {
  form: "application/x-www-form-urlencoded",
  multipart: "multipart/form-data; boundary=x",
  json: "application/json",
};

Deno.test("bodyCapFor() gives uploads their own caps and every other body 1 MB", () => {
  const config = { DOCUMENT_MAX_BYTES: 20 * 1024 * 1024 };
  assert.equal(bodyCapFor("POST", "/documents", config), 20 * 1024 * 1024 + ENVELOPE_BYTES);
  for (const path of ["/api/v1/documents", "/documents/camera", "/api/v1/documents/captures"]) {
    assert.equal(bodyCapFor("POST", path, config), 20 * 1024 * 1024 + ENVELOPE_BYTES, path);
  }
  assert.equal(
    bodyCapFor("POST", "/purchase-orders/import", config),
    CSV_IMPORT_MAX_BYTES + ENVELOPE_BYTES,
  );
  assert.equal(
    bodyCapFor("POST", "/customers/import", config),
    CSV_IMPORT_MAX_BYTES + ENVELOPE_BYTES,
  );
  assert.equal(
    bodyCapFor("POST", "/settings/data/restore", config),
    RESTORE_MAX_BYTES + ENVELOPE_BYTES,
  );
  for (
    const [method, path] of [
      ["POST", "/documents/x/accept"],
      ["PUT", "/documents"],
      ["POST", "/api/v1/documents/x"],
      ["POST", "/customers"],
      ["POST", "/a/b/import"],
      ["POST", "/portal/webhooks/stripe"],
      ["PUT", "/api/v1/config"],
      ["POST", "/webhooks/stripe"],
    ]
  ) assert.equal(bodyCapFor(method!, path!, config), BODY_MAX_BYTES, `${method} ${path}`);
});

Deno.test("an oversized body to any route that reads its own body is refused with 413, with or without a length; nothing changes", async () => {
  const server = await startTestServer({ DOCUMENT_MAX_BYTES: String(1536 * 1024) });
  try {
    const t = await signUpTenant(server);
    const before = await snapshot(server, t.tenantId);
    for (const route of ROUTES) {
      const host = "apex" in route ? "localhost" : t.host;
      const type = "type" in route ? route.type : "form";
      const head = {
        method: "method" in route ? route.method : "POST",
        host,
        path: route.path,
        headers: {
          "content-type": TYPES[type] ?? type,
          cookie: t.jar.header(host),
          "x-csrf-token": t.csrf,
        },
      };
      const cap = bodyCapFor(head.method, route.path, server.services.config);
      const label = `${head.method} ${route.path} (${route.file})`;
      assert.equal(await rawStatus(server.port, head, { declared: cap + 1 }), 413, label);
      if (cap <= 4 * 1024 * 1024) {
        assert.equal(await rawStatus(server.port, head, { chunked: cap }), 413, `${label} chunked`);
      }
    }
    assert.deepEqual(await snapshot(server, t.tenantId), before, "nothing changed");
  } finally {
    await server.close();
  }
});

/** The committed TypeScript sources under `folders` (work in progress elsewhere is not judged). */
async function committedSources(root: string, folders: string[]): Promise<string[]> {
  const out = await new Deno.Command("git", { args: ["ls-files", "--", ...folders], cwd: root })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n")
    .filter((p) => /\.tsx?$/.test(p) && !p.endsWith("_test.ts"));
}

Deno.test("every route file that reads a body directly is in the oversized-body test", async () => {
  const direct = /c\.req\.(json|parseBody|text|arrayBuffer|formData|blob)\(/;
  const listed = new Set<string>(ROUTES.map((r) => r.file));
  const root = new URL("../", import.meta.url).pathname;
  const files = await committedSources(root, ["routes", "plugins", "integrations"]);
  assert.ok(files.includes("routes/webhooks/stripe.ts"), "the sources were listed");
  const missing: string[] = [];
  for (const path of files) {
    if (direct.test(await Deno.readTextFile(root + path)) && !listed.has(path)) missing.push(path);
  }
  assert.deepEqual(missing, [], "add these routes to ROUTES above");
});
