import assert from "node:assert/strict";
import { Hono } from "hono";
import { CachedRouter } from "./cached_router.ts";
import { matchedTemplate } from "./route_template.ts";

Deno.test("matchedTemplate reads the answering route's template as Hono's routePath gives it, with no copy", async () => {
  for (const cached of [false, true]) {
    const app = cached ? new Hono({ router: new CachedRouter() }) : new Hono();
    const seen: Array<[string | undefined, string]> = [];
    app.use("*", async (c, next) => {
      await next();
      seen.push([matchedTemplate(c), c.req.routePath]);
    });
    app.use("/api/*", async (_c, next) => await next());
    app.get("/api/customers/:id", (c) => c.text("one"));
    app.post("/api/customers", (c) => c.text("made", 201));
    const sub = new Hono();
    sub.get("/loads/:id/bol", (c) => c.text("bol"));
    app.route("/api/v2", sub);
    const paths: Array<[string, string]> = [
      ["GET", "/api/customers/42"],
      ["POST", "/api/customers"],
      ["GET", "/api/v2/loads/7/bol"],
      ["GET", "/nowhere"],
      ["GET", "/api/customers/42"],
    ];
    for (const [method, path] of paths) {
      await (await app.request(path, { method })).text();
    }
    assert.deepEqual(seen, [
      ["/api/customers/:id", "/api/customers/:id"],
      ["/api/customers", "/api/customers"],
      ["/api/v2/loads/:id/bol", "/api/v2/loads/:id/bol"],
      ["/*", "/*"],
      ["/api/customers/:id", "/api/customers/:id"],
    ], cached ? "with the app's cached router" : "with Hono's default router");
  }
});
