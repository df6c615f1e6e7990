import assert from "node:assert/strict";
import { Hono } from "hono";
import { z } from "zod";
import { buildOpenApiDocument, declaredOperations, describeRoute, IdParams } from "./openapi.ts";

const INFO = {
  title: "Test",
  version: "1",
  description: "A test API.",
  servers: [{ url: "https://api.test" }],
  tags: { Things: "Things to test." },
  license: { name: "Proprietary" },
};

function thingsApp() {
  const sub = new Hono();
  sub.get(
    "/:id",
    describeRoute({
      operationId: "getThing",
      tag: "Things",
      summary: "A thing",
      params: IdParams,
      responses: { 200: { description: "The thing", schema: z.object({ id: z.string() }) } },
      errors: [404],
    }),
    (c) => c.json({ id: c.req.param("id") }),
  );
  sub.post(
    "/",
    describeRoute({
      operationId: "createThing",
      tag: "Things",
      summary: "Create a thing",
      body: {
        schema: z.object({ email: z.email(), on: z.iso.date() }),
        example: { email: "a@example.com", on: "2026-03-31" },
      },
      responses: { 201: { description: "Created" } },
    }),
    (c) => c.body(null, 201),
  );
  sub.get("/undescribed", (c) => c.text("hidden"));
  const app = new Hono();
  app.use("*", async (_c, next) => await next());
  app.route("/api/v1/things", sub);
  return app;
}

Deno.test("describeRoute() lets the request through to the handler", async () => {
  const res = await thingsApp().request("/api/v1/things/01jd8x7k3m5n9p2q4r6s8t0v1w");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { id: "01jd8x7k3m5n9p2q4r6s8t0v1w" });
});

Deno.test("declaredOperations() finds described routes where they are mounted, and only those", () => {
  const found = declaredOperations(thingsApp().routes).map((o) => `${o.method} ${o.path}`);
  assert.deepEqual(found, ["get /api/v1/things/{id}", "post /api/v1/things"]);
});

Deno.test("buildOpenApiDocument() turns zod schemas into parameters, bodies and formats", () => {
  const doc = buildOpenApiDocument(thingsApp().routes, INFO) as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    tags: unknown[];
  };
  const get = doc.paths["/api/v1/things/{id}"]!.get!;
  const [param] = get.parameters as Array<Record<string, unknown>>;
  assert.equal(param!.name, "id");
  assert.equal(param!.in, "path");
  assert.equal(param!.required, true);
  assert.equal(param!.example, "01jd8x7k3m5n9p2q4r6s8t0v1w");
  assert.deepEqual(Object.keys(get.responses as object), ["200", "401", "404"]);
  const post = doc.paths["/api/v1/things"]!.post!;
  const body = (post.requestBody as { content: Record<string, { schema: { properties: object } }> })
    .content["application/json"]!;
  assert.deepEqual(
    Object.values(body.schema.properties).map((p) => (p as { format: string }).format),
    ["email", "date"],
  );
  assert.deepEqual(post.parameters, [{ $ref: "#/components/parameters/IdempotencyKey" }]);
  assert.deepEqual(doc.tags, [{ name: "Things", description: "Things to test." }]);
  assert.equal(doc.paths["/api/v1/things/undescribed"], undefined);
});

Deno.test("buildOpenApiDocument() refuses one operation described twice", () => {
  const again = new Hono();
  again.post(
    "/",
    describeRoute({
      operationId: "createThingAgain",
      tag: "Things",
      summary: "Again",
      responses: { 201: { description: "Created" } },
    }),
    (c) => c.body(null, 201),
  );
  const app = thingsApp();
  app.route("/api/v1/things", again);
  assert.throws(() => buildOpenApiDocument(app.routes, INFO), /described twice/);
});
