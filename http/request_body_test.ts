import assert from "node:assert/strict";
import { Hono } from "hono";
import { holdBodyToCap, readAtMost, twoCopies } from "./request_body.ts";
import type { AppEnv } from "./env.ts";

class TooLarge extends Error {}

/** An app whose one route caps its body at `max` bytes and then tells what it read. */
function cappedApp(max: number, seen: { signal?: AbortSignal } = {}) {
  const app = new Hono<AppEnv>();
  app.onError((err, c) => c.json({ refused: err instanceof TooLarge }, 413));
  app.post("/", async (c) => {
    await holdBodyToCap(c, max, () => new TooLarge());
    seen.signal = c.req.raw.signal;
    return c.json({
      text: await c.req.text(),
      length: c.req.header("content-length") ?? null,
      chunked: c.req.header("transfer-encoding") ?? null,
    });
  });
  return app;
}

/** A body streamed in `pieces` of `size` bytes, without a declared length; counts the pulls. */
function streamed(pieces: number, size: number) {
  const pulls = { count: 0 };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls.count++;
      if (sent === pieces) return controller.close();
      sent++;
      controller.enqueue(new TextEncoder().encode("x".repeat(size)));
    },
  });
  return { body, pulls };
}

Deno.test("a streamed body under the cap reaches the route whole, with its length declared", async () => {
  const { body } = streamed(4, 1000);
  const res = await cappedApp(5000).request("/", { method: "POST", body });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { text: "x".repeat(4000), length: "4000", chunked: null });
});

Deno.test("a streamed body over the cap is refused and no more of it is read", async () => {
  const { body, pulls } = streamed(1000, 1000);
  const res = await cappedApp(5000).request("/", { method: "POST", body });
  assert.equal(res.status, 413);
  assert.deepEqual(await res.json(), { refused: true });
  assert.ok(pulls.count <= 7, `read ${pulls.count} pieces of a body refused after 6`);
});

Deno.test("a declared length over the cap is refused before any byte is read", async () => {
  const { body, pulls } = streamed(10, 1000);
  const res = await cappedApp(5000).request(
    new Request("http://localhost/", {
      method: "POST",
      body,
      headers: { "content-length": "10000" },
    }),
  );
  assert.equal(res.status, 413);
  assert.ok(pulls.count <= 1, `pulled ${pulls.count} times`); // a stream may pre-fill once
});

Deno.test("the request that replaces a streamed one does not follow the served request's abort signal", async () => {
  const seen: { signal?: AbortSignal } = {};
  const abort = new AbortController();
  const { body } = streamed(2, 10);
  const res = await cappedApp(5000, seen).request(
    new Request("http://localhost/", { method: "POST", body, signal: abort.signal }),
  );
  assert.equal(res.status, 200);
  abort.abort();
  assert.ok(seen.signal, "the route saw a request");
  assert.equal(seen.signal.aborted, false);
});

Deno.test("twoCopies() gives two requests with the whole body each, neither following the signal", async () => {
  const abort = new AbortController();
  const { body } = streamed(3, 1000);
  const served = new Request("http://localhost/api/v1/x?y=1", {
    method: "POST",
    body,
    headers: { "content-type": "text/plain", "x-note": "kept" },
    signal: abort.signal,
    duplex: "half",
  } as RequestInit);
  const [one, other] = twoCopies(served);
  abort.abort();
  for (const copy of [one, other]) {
    assert.equal(copy.url, "http://localhost/api/v1/x?y=1");
    assert.equal(copy.method, "POST");
    assert.equal(copy.headers.get("x-note"), "kept");
    assert.equal(copy.signal.aborted, false);
  }
  // The second copy read first, then the first: each has every byte.
  assert.equal((await other.text()).length, 3000);
  assert.equal((await one.text()).length, 3000);
});

Deno.test("a copy read past its limit is given up without holding back the other", async () => {
  const { body } = streamed(3, 1000);
  const [one, other] = twoCopies(new Request("http://localhost/", { method: "POST", body }));
  assert.equal(await readAtMost(other.body!, 1500), null);
  assert.equal((await one.text()).length, 3000);
});
