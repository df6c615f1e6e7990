import assert from "node:assert/strict";
import { openApiDocument } from "./openapi.ts";

Deno.test("openApiDocument() offers Idempotency-Key on every authenticated POST", () => {
  const doc = openApiDocument("example.test") as {
    paths: Record<string, { post?: { parameters?: Array<{ $ref?: string }> } }>;
    components: { parameters: Record<string, { name: string; in: string }> };
  };
  const ref = "#/components/parameters/IdempotencyKey";
  assert.deepEqual(doc.components.parameters.IdempotencyKey?.name, "Idempotency-Key");
  const posts = Object.entries(doc.paths).filter(([, item]) => item.post);
  assert.ok(posts.length > 20);
  for (const [path, item] of posts) {
    const has = (item.post!.parameters ?? []).some((p) => p.$ref === ref);
    const anonymous = path === "/api/v1/signup" || path === "/api/v1/auth/tokens";
    assert.equal(has, !anonymous, path);
  }
});

Deno.test("openApiDocument() lists the PDF downloads of invoices, sales orders, purchase orders and loads", () => {
  const doc = openApiDocument("example.test") as {
    paths: Record<string, { get?: { responses: Record<string, { content?: object }> } }>;
  };
  for (const collection of ["invoices", "sales-orders", "purchase-orders", "loads"]) {
    const ok = doc.paths[`/api/v1/${collection}/{id}/pdf`]?.get?.responses["200"];
    assert.ok(ok?.content && "application/pdf" in ok.content, collection);
  }
  assert.equal(doc.paths["/api/v1/customers/{id}/pdf"], undefined);
});
