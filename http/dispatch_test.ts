import assert from "node:assert/strict";
import { Hono } from "hono";
import type { Context, ErrorHandler, MiddlewareHandler, NotFoundHandler } from "hono";
import { answerWithoutNeedlessPromises } from "./dispatch.ts";

const onError: ErrorHandler = (err, c) => c.json({ error: err.message }, 500);
const notFound: NotFoundHandler = (c) => c.json({ error: "no route" }, 404);

/** An app dispatched as the product's is, with a middleware that stamps every answer. */
function appWith(build: (app: Hono) => void, honosOwn = false): Hono {
  const app = new Hono();
  app.onError(onError);
  app.notFound(notFound);
  if (!honosOwn) answerWithoutNeedlessPromises(app, onError, notFound);
  // A plain function, as the platform's layers are: it stamps whatever answer comes back.
  const stamp = ((c: Context, next: () => unknown) => {
    const out = next();
    const mark = () => c.res.headers.set("x-stamped", "yes");
    return out instanceof Promise ? out.then(mark) : mark();
  }) as unknown as MiddlewareHandler;
  app.use("*", stamp);
  build(app);
  return app;
}

const request = (path: string, method = "GET") => new Request(`http://x${path}`, { method });

Deno.test("dispatch: a request whose handlers wait on nothing is answered without a promise", async () => {
  const app = appWith((app) => app.get("/now", (c) => c.text("now")));
  const out = app.fetch(request("/now"));
  assert.ok(out instanceof Response, "answered synchronously");
  assert.equal(await out.text(), "now");
  assert.equal(out.headers.get("x-stamped"), "yes");
});

Deno.test("dispatch: a handler that waits is answered through a promise, with the same result", async () => {
  const app = appWith((app) =>
    app.get("/later", async (c) => {
      await new Promise((r) => setTimeout(r, 1));
      return c.text("later");
    })
  );
  const out = app.fetch(request("/later"));
  assert.ok(out instanceof Promise);
  const res = await out;
  assert.equal(await res.text(), "later");
  assert.equal(res.headers.get("x-stamped"), "yes");
});

Deno.test("dispatch: an error thrown or rejected by a handler becomes the error handler's answer, which the middleware around it still sees", async () => {
  const app = appWith((app) => {
    app.get("/throws", () => {
      throw new Error("boom");
    });
    app.get("/rejects", () => Promise.reject(new Error("late boom")));
  });
  for (const [path, message] of [["/throws", "boom"], ["/rejects", "late boom"]]) {
    const res = await app.fetch(request(path!));
    assert.equal(res.status, 500);
    assert.deepEqual(await res.json(), { error: message });
    assert.equal(res.headers.get("x-stamped"), "yes", `${path}: the outer middleware ran on`);
  }
});

Deno.test("dispatch: past the last handler the not-found handler answers", async () => {
  const app = appWith(() => {});
  const res = await app.fetch(request("/nowhere"));
  assert.equal(res.status, 404);
  assert.deepEqual(await res.json(), { error: "no route" });
  assert.equal(res.headers.get("x-stamped"), "yes");
});

Deno.test("dispatch: next() called twice is an error, and a context left without an answer is one", async () => {
  const app = appWith((app) => {
    app.get("/twice", async (_c, next) => {
      await next();
      await next();
    });
    app.get("/twice", (c) => c.text("once"));
    const silent = (() => undefined) as unknown as MiddlewareHandler;
    app.get("/silent", silent);
  });
  const twice = await app.fetch(request("/twice"));
  assert.equal(twice.status, 500);
  assert.match((await twice.json()).error, /next\(\) called multiple times/);
  const silent = await app.fetch(request("/silent"));
  assert.equal(silent.status, 500);
  assert.match((await silent.json()).error, /Context is not finalized/);
});

Deno.test("dispatch: every case above answers as Hono's own dispatch does", async () => {
  const build = (app: Hono) => {
    app.get("/now", (c) => c.text("now"));
    app.get("/throws", () => {
      throw new Error("boom");
    });
    app.get("/rejects", () => Promise.reject(new Error("late boom")));
    app.get("/twice", async (_c, next) => {
      await next();
      await next();
    });
    app.get("/twice", (c) => c.text("once"));
    app.get("/silent", (() => undefined) as unknown as MiddlewareHandler);
    app.get("/items/:id", (c) => c.json({ id: c.req.param("id"), route: c.req.routePath }));
  };
  const ours = appWith(build);
  const hono = appWith(build, true);
  for (
    const [method, path] of [
      ["GET", "/now"],
      ["GET", "/throws"],
      ["GET", "/rejects"],
      ["GET", "/twice"],
      ["GET", "/silent"],
      ["GET", "/items/9"],
      ["HEAD", "/now"],
      ["GET", "/nowhere"],
      ["POST", "/now"],
    ]
  ) {
    const [a, b] = [
      await ours.fetch(request(path!, method)),
      await hono.fetch(request(path!, method)),
    ];
    assert.equal(a.status, b.status, `${method} ${path}`);
    assert.equal(await a.text(), await b.text(), `${method} ${path}`);
    assert.deepEqual([...a.headers], [...b.headers], `${method} ${path}`);
  }
});

Deno.test("dispatch: each handler reads its own route's parameters and the route template is the answering route's", async () => {
  const seen: string[] = [];
  const app = appWith((app) => {
    app.use("/loads/:loadId/*", async (c, next) => {
      seen.push(`middleware ${c.req.param("loadId")} ${c.req.routePath}`);
      await next();
    });
    app.get("/loads/:id/stops", (c) => {
      seen.push(`route ${c.req.param("id")} ${c.req.routePath}`);
      return c.text("ok");
    });
  });
  const res = await app.fetch(request("/loads/L-7/stops"));
  assert.equal(res.status, 200);
  assert.deepEqual(seen, [
    "middleware L-7 /loads/:loadId/*",
    "route L-7 /loads/:id/stops",
  ]);
});

Deno.test("dispatch: HEAD is answered as GET without a body", async () => {
  const app = appWith((app) => app.get("/page", (c) => c.text("body")));
  const res = await app.fetch(request("/page", "HEAD"));
  assert.equal(res.status, 200);
  assert.equal(res.body, null);
  assert.equal(res.headers.get("x-stamped"), "yes");
});
