import assert from "node:assert/strict";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { type Env, Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { compressResponses, negotiateEncoding } from "./compress.ts";
import { chain } from "./chain.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";

const BIG_HTML = `<!doctype html><main>${
  "<p>Boxed beef, 40,000 lb, EST 245C</p>".repeat(200)
}</main>`;
const BIG_JSON = {
  data: Array.from({ length: 100 }, (_, i) => ({ id: i, name: `Supplier ${i}` })),
};

function decode(encoding: string | null, bytes: Uint8Array): string {
  const raw = encoding === "br"
    ? brotliDecompressSync(bytes)
    : encoding === "gzip"
    ? gunzipSync(bytes)
    : bytes;
  return new TextDecoder().decode(raw);
}

function testApp(): Hono {
  const app = new Hono();
  app.use("*", chain<Env>(compressResponses()));
  app.get("/page", (c) => c.html(BIG_HTML));
  app.get("/json", (c) => c.json(BIG_JSON));
  app.get("/small", (c) => c.json({ ok: true }));
  app.get("/tagged", (c) => {
    c.header("ETag", `"7"`);
    return c.json(BIG_JSON);
  });
  app.get("/pdf", (c) => c.body(new Uint8Array(4096), 200, { "content-type": "application/pdf" }));
  app.get("/events", (c) =>
    streamSSE(c, async (stream) => {
      for (let i = 0; i < 50; i++) await stream.writeSSE({ data: "x".repeat(100) });
    }));
  return app;
}

Deno.test("negotiateEncoding() prefers brotli, falls back to gzip and honours q=0 and identity", () => {
  assert.equal(negotiateEncoding("gzip, deflate, br, zstd"), "br");
  assert.equal(negotiateEncoding("gzip, deflate"), "gzip");
  assert.equal(negotiateEncoding("br;q=0, gzip"), "gzip");
  assert.equal(negotiateEncoding("gzip;q=0.5, br;q=0.8"), "br");
  assert.equal(negotiateEncoding("identity"), null);
  assert.equal(negotiateEncoding("*"), "br");
  assert.equal(negotiateEncoding("*;q=0"), null);
  assert.equal(negotiateEncoding(""), null);
  assert.equal(negotiateEncoding(undefined), null);
  assert.equal(negotiateEncoding("br", ["gzip"]), null);
});

Deno.test("compressResponses() sends brotli or gzip bodies that decompress to the same bytes", async () => {
  const app = testApp();
  for (
    const [path, expected] of [["/page", BIG_HTML], ["/json", JSON.stringify(BIG_JSON)]] as const
  ) {
    for (const encoding of ["br", "gzip"]) {
      const res = await app.request(path, { headers: { "accept-encoding": encoding } });
      assert.equal(res.headers.get("content-encoding"), encoding, `${path} ${encoding}`);
      assert.equal(res.headers.get("vary"), "Accept-Encoding");
      assert.equal(res.headers.get("content-length"), null);
      const bytes = new Uint8Array(await res.arrayBuffer());
      assert.ok(bytes.length < expected.length / 4, `${path} ${encoding}: ${bytes.length} bytes`);
      assert.equal(decode(encoding, bytes), expected);
    }
  }
});

Deno.test("compressResponses() leaves identity requests, small bodies, PDFs and HEAD alone", async () => {
  const app = testApp();
  const identity = await app.request("/page", { headers: { "accept-encoding": "identity" } });
  assert.equal(identity.headers.get("content-encoding"), null);
  assert.equal(identity.headers.get("vary"), "Accept-Encoding", "caches must still tell apart");
  assert.equal(await identity.text(), BIG_HTML);
  const none = await app.request("/page");
  assert.equal(none.headers.get("content-encoding"), null);
  assert.equal(await none.text(), BIG_HTML);

  const small = await app.request("/small", { headers: { "accept-encoding": "br, gzip" } });
  assert.equal(small.headers.get("content-encoding"), null);
  assert.deepEqual(await small.json(), { ok: true });

  const pdf = await app.request("/pdf", { headers: { "accept-encoding": "br, gzip" } });
  assert.equal(pdf.headers.get("content-encoding"), null);
  assert.equal((await pdf.arrayBuffer()).byteLength, 4096);

  const head = await app.request("/page", {
    method: "HEAD",
    headers: { "accept-encoding": "gzip" },
  });
  assert.equal(head.headers.get("content-encoding"), null);
  await head.body?.cancel();
});

Deno.test("compressResponses() weakens a strong ETag on a compressed body only", async () => {
  const app = testApp();
  const zipped = await app.request("/tagged", { headers: { "accept-encoding": "gzip" } });
  assert.equal(zipped.headers.get("etag"), `W/"7"`);
  await zipped.body?.cancel();
  const plain = await app.request("/tagged", { headers: { "accept-encoding": "identity" } });
  assert.equal(plain.headers.get("etag"), `"7"`);
  await plain.body?.cancel();
});

Deno.test("compressResponses() passes a text/event-stream through uncompressed, event by event", async () => {
  const app = testApp();
  const res = await app.request("/events", { headers: { "accept-encoding": "br, gzip" } });
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.equal(res.headers.get("content-encoding"), null);
  const text = await res.text();
  assert.equal(text.match(/^data: x{100}$/gm)?.length, 50);
});

Deno.test("compressResponses() compresses a streamed body as it streams, without waiting for its end", async () => {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const app = new Hono();
  app.use("*", chain<Env>(compressResponses()));
  app.get("/stream", () =>
    new Response(
      new ReadableStream({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(`<p>${"first ".repeat(400)}</p>`));
          await held;
          controller.enqueue(new TextEncoder().encode("<p>second</p>"));
          controller.close();
        },
      }),
      { headers: { "content-type": "text/html; charset=utf-8" } },
    ));
  const res = await app.request("/stream", { headers: { "accept-encoding": "gzip" } });
  assert.equal(res.headers.get("content-encoding"), "gzip");
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.ok(first.value && first.value.length > 0, "bytes arrive before the body has ended");
  release();
  const chunks = [first.value];
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    chunks.push(next.value);
  }
  const all = new Uint8Array(await new Blob(chunks).arrayBuffer());
  assert.equal(decode("gzip", all), `<p>${"first ".repeat(400)}</p><p>second</p>`);
});

Deno.test("the app serves a signed-in page compressed, the same bytes as uncompressed", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const get = async (acceptEncoding: string) => {
      const res = await server.fetch(tenant.host, "/suppliers", {
        headers: { cookie: tenant.jar.header(tenant.host), "accept-encoding": acceptEncoding },
      });
      assert.equal(res.status, 200);
      return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
    };
    const plain = await get("identity");
    assert.equal(plain.res.headers.get("content-encoding"), null);
    assert.match(plain.res.headers.get("content-type") ?? "", /^text\/html/);
    const html = new TextDecoder().decode(plain.bytes);
    // The nonce differs per request; everything else must be byte-identical.
    const stable = (s: string) => s.replace(/nonce-[\w-]+|nonce="[\w-]+"/g, "nonce");
    for (const encoding of ["br", "gzip"]) {
      const { res, bytes } = await get(`${encoding}`);
      assert.equal(res.headers.get("content-encoding"), encoding);
      assert.match(res.headers.get("vary") ?? "", /Accept-Encoding/);
      assert.ok(bytes.length < plain.bytes.length / 3, `${encoding}: ${bytes.length} bytes`);
      assert.equal(stable(decode(encoding, bytes)), stable(html));
    }
    // A short JSON answer stays as it is.
    const csrf = await server.fetch(tenant.host, "/api/v1/auth/csrf", {
      headers: { cookie: tenant.jar.header(tenant.host), "accept-encoding": "br, gzip" },
    });
    assert.equal(csrf.headers.get("content-encoding"), null);
    assert.ok((await csrf.json()).csrf_token);
  } finally {
    await server.close();
  }
});
