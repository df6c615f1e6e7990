import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { assetRoutes } from "./assets.ts";
import { buildAssets } from "./build.ts";

Deno.test("buildAssets() bundles each island into a content-hashed module that hydrates it", async () => {
  const manifest = await buildAssets();
  const url = manifest.islands.CopyButton;
  assert.match(url ?? "", /^\/_islands\/CopyButton-[A-Z0-9]+\.js$/);
  const file = manifest.files.get(url!);
  assert.ok(file);
  const js = new TextDecoder().decode(file.body);
  assert.match(js, /export\s*\{/, "an ES module with a default export (mount)");
  assert.match(manifest.css, /^\/static\/app-[0-9a-f]{12}\.css$/);
});

Deno.test("asset routes serve built files with immutable caching and 404 otherwise", async () => {
  const manifest = await buildAssets();
  const app = assetRoutes(manifest);
  const ok = await app.request(manifest.css);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get("cache-control"), "public, max-age=31536000, immutable");
  assert.match(ok.headers.get("content-type") ?? "", /text\/css/);
  await ok.body?.cancel();
  const js = await app.request(manifest.islands.CopyButton!);
  assert.match(js.headers.get("content-type") ?? "", /javascript/);
  await js.body?.cancel();
  const missing = await app.request("/static/app-000000000000.css");
  assert.equal(missing.status, 404);
  await missing.body?.cancel();
});

Deno.test("asset routes serve each built file precompressed by Accept-Encoding, the same bytes decompressed", async () => {
  const manifest = await buildAssets();
  const app = assetRoutes(manifest);
  for (const url of [manifest.css, manifest.islands.RecordForm!]) {
    const file = manifest.files.get(url)!;
    assert.ok(file.br && file.gzip, `${url} was compressed at build`);
    const br = await app.request(url, { headers: { "accept-encoding": "gzip, deflate, br" } });
    assert.equal(br.headers.get("content-encoding"), "br");
    assert.equal(br.headers.get("vary"), "Accept-Encoding");
    assert.deepEqual(
      brotliDecompressSync(new Uint8Array(await br.arrayBuffer())),
      Buffer.from(file.body),
    );
    const gz = await app.request(url, { headers: { "accept-encoding": "gzip" } });
    assert.equal(gz.headers.get("content-encoding"), "gzip");
    assert.deepEqual(gunzipSync(new Uint8Array(await gz.arrayBuffer())), Buffer.from(file.body));
    const raw = await app.request(url, { headers: { "accept-encoding": "identity" } });
    assert.equal(raw.headers.get("content-encoding"), null);
    assert.deepEqual(new Uint8Array(await raw.arrayBuffer()), file.body);
    // Served from memory: the same bytes object as built, not a fresh compression.
    const again = await app.request(url, { headers: { "accept-encoding": "br" } });
    assert.deepEqual(new Uint8Array(await again.arrayBuffer()), file.br);
  }
});

Deno.test("a file below 1 KB is served as it is, with no Vary", async () => {
  const manifest = await buildAssets();
  const small = [...manifest.files].find(([, f]) => f.body.length < 1024);
  assert.ok(small, "CopyButton's bundle is small");
  const res = await assetRoutes(manifest).request(small[0], {
    headers: { "accept-encoding": "br, gzip" },
  });
  assert.equal(res.headers.get("content-encoding"), null);
  assert.equal(res.headers.get("vary"), null);
  assert.deepEqual(new Uint8Array(await res.arrayBuffer()), small[1].body);
});

Deno.test("the favicon is a hashed, immutable SVG, also answered at /favicon.ico", async () => {
  const manifest = await buildAssets();
  assert.match(manifest.favicon, /^\/static\/favicon-[0-9a-f]{12}\.svg$/);
  const app = assetRoutes(manifest);
  const svg = await app.request(manifest.favicon);
  assert.equal(svg.status, 200);
  assert.equal(svg.headers.get("content-type"), "image/svg+xml");
  assert.equal(svg.headers.get("cache-control"), "public, max-age=31536000, immutable");
  const body = await svg.text();
  assert.match(body, /^<svg /);
  const ico = await app.request("/favicon.ico");
  assert.equal(ico.status, 200);
  assert.equal(ico.headers.get("content-type"), "image/svg+xml");
  assert.equal(ico.headers.get("cache-control"), "public, max-age=604800");
  assert.equal(await ico.text(), body);
});

/** Each island's budget: what a page that uses it downloads, gzipped (docs/benchmarks.md). */
const ISLAND_BUDGET_GZIP = 30 * 1024;

Deno.test("every island, with the chunks it imports, stays within 30 KB gzipped", async () => {
  const manifest = await buildAssets();
  const names = Object.keys(manifest.islands);
  assert.ok(names.includes("RecordForm") && names.length >= 5, names.join(", "));
  for (const name of names) {
    const modules = manifest.islandModules[name]!;
    assert.equal(modules[0], manifest.islands[name], `${name}: its own module comes first`);
    assert.ok(modules.length >= 2, `${name} shares the Preact chunk`);
    let gzipped = 0;
    for (const url of modules) {
      const file = manifest.files.get(url);
      assert.ok(file, url);
      // Measured afresh from the real bundle bytes, not from the build's own compressed copy.
      gzipped += gzipSync(file.body, { level: 9 }).length;
    }
    assert.ok(
      gzipped <= ISLAND_BUDGET_GZIP,
      `${name} is ${(gzipped / 1024).toFixed(1)} KB gzipped (${modules.join(", ")}); the budget ` +
        `is 30 KB: pass the island plain data, not the catalog, zod or server modules`,
    );
  }
});

Deno.test("the RecordForm island ships no SQL, no zod and no record catalog", async () => {
  const manifest = await buildAssets();
  const js = manifest.islandModules.RecordForm!.map((url) =>
    new TextDecoder().decode(manifest.files.get(url)!.body)
  ).join("\n");
  assert.doesNotMatch(js, /SELECT |CASE WHEN|julianday/, "SQL");
  assert.doesNotMatch(js, /ZodError|\$ZodType/, "zod");
  assert.doesNotMatch(js, /insurance_expiring|days_past_due/, "computed catalog fields");
});
