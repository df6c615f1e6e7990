import assert from "node:assert/strict";
import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";
import { chain } from "./chain.ts";

function appWith(...layers: MiddlewareHandler<AppEnv>[]) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => c.json({ error: err.message }, 500));
  app.use("*", chain(...layers));
  app.get("/x", (c) => c.json({ route: true }));
  return app;
}

Deno.test("chain() runs async and plain layers in order, around the route", async () => {
  const seen: string[] = [];
  const app = appWith(
    async (_c, next) => {
      seen.push("a in");
      await next();
      seen.push("a out");
    },
    (_c, next) => {
      seen.push("b (plain)");
      return next();
    },
    async (c, next) => {
      seen.push("c in");
      await next();
      seen.push(`c out ${c.res.status}`);
    },
  );
  const res = await app.request("/x");
  assert.deepEqual(await res.json(), { route: true });
  assert.deepEqual(seen, ["a in", "b (plain)", "c in", "c out 200", "a out"]);
});

Deno.test("chain() turns a plain layer's synchronous throw into the app's error answer", async () => {
  let after = false;
  const app = appWith(
    async (_c, next) => {
      await next();
      after = true;
    },
    () => {
      throw new Error("refused here");
    },
  );
  const res = await app.request("/x");
  assert.deepEqual(res.status, 500);
  assert.deepEqual(await res.json(), { error: "refused here" });
  // The outer layer saw the error as its next() rejecting, as it would from an async layer.
  assert.deepEqual(after, false);
});

Deno.test("chain() answers what a layer set on c.res, not what it returned", async () => {
  const app = appWith(
    (c) => {
      c.res = c.json({ answered: "by c.res" }, 403);
      return Promise.resolve(c.json({ returned: true }, 418));
    },
  );
  const res = await app.request("/x");
  assert.deepEqual(res.status, 403);
  assert.deepEqual(await res.json(), { answered: "by c.res" });
});

Deno.test("chain() stops where a layer does not call next(): the route never runs", async () => {
  let routeRan = false;
  const app = new Hono<AppEnv>();
  app.use(
    "*",
    chain((c) => {
      c.res = c.text("stopped", 429);
      return Promise.resolve();
    }),
  );
  app.get("/x", (c) => {
    routeRan = true;
    return c.text("route");
  });
  const res = await app.request("/x");
  assert.deepEqual([res.status, await res.text(), routeRan], [429, "stopped", false]);
});
