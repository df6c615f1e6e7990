import assert from "node:assert/strict";
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
