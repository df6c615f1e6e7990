/**
 * @module framework/assets
 * Serves the built, content-hashed assets with immutable caching: a file's URL changes whenever
 * its content does, so browsers never need to ask again.
 */
import { Hono } from "hono";
import type { AssetManifest } from "./build.ts";

/** Routes for `/_islands/*` and hashed `/static/*` files. */
export function assetRoutes(manifest: AssetManifest): Hono {
  const app = new Hono();
  const serve = (path: string) => {
    const file = manifest.files.get(path);
    if (!file) return null;
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "cache-control": "public, max-age=31536000, immutable",
        "x-content-type-options": "nosniff",
      },
    });
  };
  app.get("/_islands/*", (c) => serve(c.req.path) ?? c.notFound());
  app.get("/static/*", (c) => serve(c.req.path) ?? c.notFound());
  return app;
}
