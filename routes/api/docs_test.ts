import assert from "node:assert/strict";
import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import type { Services } from "../../services.ts";
import { createApp } from "../../app.ts";
import { openApiPath } from "../../http/openapi.ts";
import { startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiDocsRoutes, openApiDocument } from "./docs.tsx";

type Json = Record<string, unknown>;
type Operation = {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Array<Json & { $ref?: string; example?: unknown }>;
  requestBody?: { content: Record<string, { schema: Json; example?: unknown }> };
  responses: Record<string, { $ref?: string; content?: Record<string, { example?: unknown }> }>;
};
type Doc = {
  paths: Record<string, Record<string, Operation>>;
  tags: Array<{ name: string; description: string }>;
  servers: Array<{ url: string }>;
  components: { parameters: Record<string, { name: string }> };
};

const METHODS = ["get", "put", "post", "delete", "patch"];

function operations(doc: Doc): Array<{ key: string; path: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => METHODS.includes(m)).map(([method, op]) => ({
      key: `${method.toUpperCase()} ${path}`,
      path,
      op,
    }))
  );
}

async function withServer(fn: (server: TestServer, doc: Doc) => void | Promise<void>) {
  const server = await startTestServer();
  try {
    const res = await server.fetch("localhost", "/api/openapi.json");
    assert.equal(res.status, 200);
    await fn(server, await res.json());
  } finally {
    await server.close();
  }
}

Deno.test("/api/openapi.json has an operation for every /api/v1 route of the app, and no other", async () => {
  await withServer((server, doc) => {
    const routes = new Set<string>();
    for (const r of createApp(server.services).routes) {
      if (r.method === "ALL" || !r.path.startsWith("/api/v1/")) continue;
      routes.add(`${r.method} ${openApiPath(r.path)}`);
    }
    const documented = new Set(operations(doc).map((o) => o.key));
    assert.ok(routes.size > 140, `only ${routes.size} routes found`);
    assert.deepEqual([...routes].filter((r) => !documented.has(r)), [], "routes not documented");
    assert.deepEqual([...documented].filter((o) => !routes.has(o)), [], "operations with no route");
    // The operations this document used to miss.
    for (
      const key of [
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/logout",
        "POST /api/v1/auth/password/forgot",
        "POST /api/v1/auth/password/reset",
        "POST /api/v1/auth/password/change",
        "POST /api/v1/auth/verify/resend",
        "DELETE /api/v1/auth/tokens/{id}",
        "GET /api/v1/invitations",
        "GET /api/v1/invitations/lookup",
        "POST /api/v1/invitations/accept",
        "DELETE /api/v1/invitations/{id}",
        "PATCH /api/v1/members/{userId}",
        "DELETE /api/v1/members/{userId}",
      ]
    ) assert.ok(documented.has(key), key);
  });
});

Deno.test("every operation has a unique camelCase operationId, a described tag and an example", async () => {
  await withServer((_server, doc) => {
    const ids = new Set<string>();
    const tags = new Map(doc.tags.map((t) => [t.name, t.description]));
    for (const { key, op } of operations(doc)) {
      assert.match(op.operationId ?? "", /^[a-z][a-zA-Z0-9]*$/, key);
      assert.ok(!ids.has(op.operationId!), `${op.operationId} twice`);
      ids.add(op.operationId!);
      assert.equal(op.tags?.length, 1, key);
      assert.ok(tags.get(op.tags![0]!), `${key}: tag without a description`);
      const examples = [
        ...(op.parameters ?? []).map((p) => p.example),
        ...Object.values(op.requestBody?.content ?? {}).map((c) => c.example),
        ...Object.values(op.responses).flatMap((r) =>
          Object.values(r.content ?? {}).map((c) => c.example)
        ),
      ].filter((e) => e !== undefined);
      // Something to show, unless the call has no input and answers no body (sign out).
      const hasContent = op.requestBody || (op.parameters ?? []).some((p) => !p.$ref) ||
        Object.values(op.responses).some((r) => r.content);
      assert.ok(examples.length > 0 || !hasContent, `${key} has no example`);
      // What a client must send, it finds an example of.
      for (const p of op.parameters ?? []) {
        if (p.required) assert.notEqual(p.example, undefined, `${key}: ${p.name} has no example`);
      }
      const json = op.requestBody?.content["application/json"];
      if (json) assert.notEqual(json.example, undefined, `${key}: the body has no example`);
      assert.ok(Object.keys(op.responses).some((s) => s.startsWith("4")), `${key}: no 4xx`);
    }
  });
});

Deno.test("schemas carry formats and enums: e-mails, dates, instants, roles", async () => {
  await withServer((_server, doc) => {
    const body = (path: string, method: string) =>
      doc.paths[path]![method]!.requestBody!.content["application/json"]!.schema as {
        properties: Record<string, Json & { anyOf?: Json[] }>;
      };
    const invite = body("/api/v1/invitations", "post").properties;
    assert.equal(invite.email!.format, "email");
    assert.deepEqual(invite.role!.enum, ["admin", "broker", "accounting", "viewer"]);
    assert.equal(body("/api/v1/auth/login", "post").properties.email!.format, "email");
    const invoice = body("/api/v1/invoices", "post").properties;
    assert.equal(invoice.invoice_date!.format, "date");
    assert.equal(invoice.ship_date!.anyOf![0]!.format, "date");
    const filters = doc.paths["/api/v1/invoices"]!.get!.parameters!;
    assert.equal(
      (filters.find((p) => p.name === "invoice_date_from")!.schema as Json).format,
      "date",
    );
    const record = JSON.stringify(doc.paths["/api/v1/invoices/{id}"]);
    assert.match(record, /"\$ref":"#\/components\/schemas\/Invoice"/);
    const signup = body("/api/v1/signup", "post").properties;
    assert.equal(signup.email!.format, "email");
  });
});

Deno.test("openApiDocument() offers Idempotency-Key on every authenticated POST", async () => {
  await withServer((_server, doc) => {
    const ref = "#/components/parameters/IdempotencyKey";
    assert.equal(doc.components.parameters.IdempotencyKey?.name, "Idempotency-Key");
    const posts = operations(doc).filter((o) => o.key.startsWith("POST "));
    assert.ok(posts.length > 20);
    for (const { key, op } of posts) {
      const has = (op.parameters ?? []).some((p) => p.$ref === ref);
      const anonymous = Array.isArray(op.security) && op.security.length === 0;
      assert.equal(has, !anonymous, key);
    }
    assert.deepEqual(doc.paths["/api/v1/auth/login"]!.post!.security, []);
    assert.deepEqual(doc.paths["/api/v1/signup"]!.post!.security, []);
    assert.equal(doc.paths["/api/v1/auth/logout"]!.post!.security, undefined);
  });
});

Deno.test("openApiDocument() lists the PDF downloads of invoices, sales orders, purchase orders and loads", async () => {
  await withServer((_server, doc) => {
    for (const collection of ["invoices", "sales-orders", "purchase-orders", "loads"]) {
      const ok = doc.paths[`/api/v1/${collection}/{id}/pdf`]?.get?.responses["200"];
      assert.ok(ok?.content && "application/pdf" in ok.content, collection);
    }
    assert.equal(doc.paths["/api/v1/customers/{id}/pdf"], undefined);
  });
});

Deno.test("/api/openapi.json names the servers of the app domain it is asked for, each time", async () => {
  const server = await startTestServer();
  const routes = createApp(server.services).routes;
  await server.close();
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    const config = { APP_DOMAIN: c.req.header("x-app-domain") };
    c.set("services", { config } as unknown as Services);
    await next();
  });
  app.route("/", apiDocsRoutes(() => routes));
  const urlFor = async (domain: string) => {
    const res = await app.request("/api/openapi.json", { headers: { "x-app-domain": domain } });
    return ((await res.json()) as Doc).servers[0]!.url;
  };
  assert.equal(await urlFor("one.example"), "https://{workspace}.one.example");
  assert.equal(await urlFor("two.example"), "https://{workspace}.two.example");
  assert.equal(await urlFor("one.example"), "https://{workspace}.one.example");
});

Deno.test("the API reference shows the intro's Markdown code spans as code", async () => {
  await withServer(async (server) => {
    const res = await server.fetch("localhost", "/api/docs");
    assert.equal(res.status, 200);
    const html = await res.text();
    const intro = /<div class="api-reference"><p>(.*?)<\/p>/s.exec(html)?.[1] ?? "";
    assert.match(intro, /<code>Authorization: Bearer &lt;token(&gt;|>)<\/code>/);
    assert.match(intro, /<code>POST \/api\/v1\/auth\/tokens<\/code>/);
    assert.doesNotMatch(intro, /`/);
    assert.match(html, /id="members"/);
    assert.match(html, /\/api\/v1\/members\/\{userId\}/);
  });
});

/**
 * Redocly's recommended lint, from npm (installed by npx on first use; a missing npx fails the
 * test rather than skipping it). Pinned, so that a new release cannot fail a build on its own.
 * Allowed warnings, each for a reason:
 * - info-license-strict: the API is proprietary; there is neither an SPDX identifier nor a
 *   public licence URL to give.
 */
const REDOCLY = "@redocly/cli@2.77.0";
const ALLOWED_WARNINGS = new Set(["info-license-strict"]);

Deno.test({
  name: "the OpenAPI document passes Redocly's recommended lint",
  // npx keeps its own child processes and cache; the lint runs once.
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = await startTestServer();
    const routes = createApp(server.services).routes;
    await server.close();
    const doc = openApiDocument(routes, "projectmeats.example");
    const dir = await Deno.makeTempDir({ prefix: "pm-openapi-" });
    try {
      const file = `${dir}/openapi.json`;
      await Deno.writeTextFile(file, JSON.stringify(doc, null, 2));
      const out = await new Deno.Command("npx", {
        args: ["--yes", REDOCLY, "lint", file, "--format=json", "--max-problems=1000"],
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
        env: { NO_UPDATE_NOTIFIER: "1", REDOCLY_TELEMETRY: "off" },
      }).output();
      const text = new TextDecoder().decode(out.stdout);
      const start = text.indexOf("{");
      assert.ok(start >= 0, `no lint report:\n${new TextDecoder().decode(out.stderr)}`);
      const report = JSON.parse(text.slice(start)) as {
        totals: { errors: number; warnings: number };
        problems: Array<{ ruleId: string; severity: string; message: string }>;
      };
      const unexpected = report.problems.filter((p) =>
        p.severity === "error" || !ALLOWED_WARNINGS.has(p.ruleId)
      ).map((p) => `${p.severity} ${p.ruleId}: ${p.message}`);
      assert.deepEqual(unexpected, []);
      assert.equal(report.totals.errors, 0);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
