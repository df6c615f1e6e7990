/**
 * @module framework/assets
 * Serves the built, content-hashed assets with immutable caching: a file's URL changes whenever
 * its content does, so browsers never need to ask again. Each file was compressed once at build
 * (framework/build.ts); a request picks brotli, gzip or the plain bytes by its Accept-Encoding.
 * `/favicon.ico` answers the SVG favicon for browsers and tools that ask for it by that name.
 */
import { Hono } from "hono";
import type { AssetManifest, BuiltFile } from "./build.ts";
import { negotiateEncoding, varyOnEncoding } from "../http/compress.ts";

const IMMUTABLE = "public, max-age=31536000, immutable";
/** `/favicon.ico` keeps its name when the icon changes, so it is cached for a week, not forever. */
const FAVICON_ICO = "public, max-age=604800";

/** The response for one built file, in the encoding the request accepts best. */
export function fileResponse(
  file: BuiltFile,
  acceptEncoding: string | undefined,
  cacheControl = IMMUTABLE,
): Response {
  const headers = new Headers({
    "content-type": file.contentType,
    "cache-control": cacheControl,
    "x-content-type-options": "nosniff",
  });
  if (!file.br && !file.gzip) return new Response(file.body, { headers });
  varyOnEncoding(headers);
  const available = file.br
    ? (file.gzip ? ["br", "gzip"] as const : ["br"] as const)
    : ["gzip"] as const;
  const encoding = negotiateEncoding(acceptEncoding, available);
  const body = encoding ? file[encoding]! : file.body;
  if (encoding) headers.set("content-encoding", encoding);
  return new Response(body, { headers });
}

/** Routes for `/_islands/*`, hashed `/static/*` files and `/favicon.ico`. */
export function assetRoutes(manifest: AssetManifest): Hono {
  const app = new Hono();
  const serve = (path: string, acceptEncoding: string | undefined) => {
    const file = manifest.files.get(path);
    return file ? fileResponse(file, acceptEncoding) : null;
  };
  app.get("/_islands/*", (c) => serve(c.req.path, c.req.header("accept-encoding")) ?? c.notFound());
  app.get("/static/*", (c) => serve(c.req.path, c.req.header("accept-encoding")) ?? c.notFound());
  app.get("/favicon.ico", (c) => {
    const file = manifest.files.get(manifest.favicon);
    if (!file) return c.notFound();
    return fileResponse(file, c.req.header("accept-encoding"), FAVICON_ICO);
  });
  return app;
}
