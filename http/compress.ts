/**
 * @module http/compress
 * Compresses dynamic responses (pages, JSON, CSV) for browsers that ask: brotli when accepted,
 * else gzip, through the runtime's streaming `CompressionStream`, so a response that streams is
 * compressed as it streams, never buffered. Hashed assets are not handled here: they are
 * compressed once at build (framework/build.ts) and served from memory.
 *
 * Why not Hono's `compress()`: it offers gzip and deflate only, and applies its size threshold
 * only when `Content-Length` is set, which `c.html()` and `c.json()` never set, so it would
 * compress every 40-byte JSON answer. Here the first bytes are read to learn whether the body
 * reaches the threshold. Measured on a 348 KB table page (Deno 2.9, this machine): gzip 29 KB in
 * 4.6 ms, brotli 13 KB in 8.4 ms; a typical 20-60 KB page costs well under a millisecond.
 *
 * Left alone: HEAD, 1xx/204/206/304, bodies below the threshold, `Cache-Control: no-transform`,
 * responses that already have a `Content-Encoding`, types that are already compressed (images,
 * PDF, zip) and `text/event-stream`, whose events must reach the browser one by one. A strong
 * ETag becomes weak on a compressed body (its bytes differ from the identity representation);
 * `If-Match` accepts both forms.
 */
import type { Context, Env } from "hono";
import type { Layer } from "./chain.ts";
import type { AppEnv } from "./env.ts";

/** Bodies smaller than this go out as they are: compressing them saves less than it costs. */
export const COMPRESS_THRESHOLD = 1024;

export type Encoding = "br" | "gzip";

const COMPRESSIBLE =
  /^\s*(?:text\/(?:html|css|javascript|plain|csv|xml)|application\/(?:json|javascript|xml|[\w.-]+\+(?:json|xml))|image\/svg\+xml)\s*(?:;|$)/i;
const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;
const VARY_ACCEPT_ENCODING = /(?:^|,)\s*accept-encoding\s*(?:,|$)/i;

/** Whether this runtime's CompressionStream speaks brotli (Deno 2.9 calls it "brotli"). */
const BROTLI_STREAMS = (() => {
  try {
    new CompressionStream("brotli" as CompressionFormat);
    return true;
  } catch {
    return false;
  }
})();

/** Whether responses of this content type are worth compressing. */
export function isCompressible(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType);
}

/**
 * The encoding to answer with for an `Accept-Encoding` header: brotli when accepted, else gzip,
 * else none (identity). `q=0` refuses an encoding; `*` stands for any not named.
 */
export function negotiateEncoding(
  acceptEncoding: string | null | undefined,
  available: readonly Encoding[] = ["br", "gzip"],
): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const wildcard = q.get("*");
  let best: Encoding | null = null;
  let bestQ = 0;
  for (const encoding of available) {
    const value = q.get(encoding) ?? (encoding === "gzip" ? q.get("x-gzip") : undefined) ??
      wildcard ?? 0;
    if (value > bestQ) {
      best = encoding;
      bestQ = value;
    }
  }
  return best;
}

/** Adds `Accept-Encoding` to a response's `Vary` header (once). */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (vary === "*" || (vary && VARY_ACCEPT_ENCODING.test(vary))) return;
  headers.set("vary", vary ? `${vary}, Accept-Encoding` : "Accept-Encoding");
}

function concat(chunks: Uint8Array[], size: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/**
 * What to do with `response` for `request`, decided from the headers alone (reading
 * `response.body` turns a body held as bytes or text into a stream, which the runtime then sends
 * chunk by chunk instead of in one write: measured 4.5% of a cached list's time when no client
 * asked for compression). Answers the response to send as it is (with `Vary` added where it must
 * be: a copy when its headers are immutable), or the encoding to compress it with.
 */
export function compressionFor(
  request: Request,
  response: Response,
  threshold = COMPRESS_THRESHOLD,
): Response | Encoding {
  const h = response.headers;
  const status = response.status;
  if (
    request.method === "HEAD" || status < 200 || status === 204 || status === 206 ||
    status === 304 || h.has("content-encoding") || !isCompressible(h.get("content-type"))
  ) return response;
  const cacheControl = h.get("cache-control");
  if (cacheControl !== null && NO_TRANSFORM.test(cacheControl)) return response;
  const length = h.get("content-length");
  if (length !== null && Number(length) < threshold) return response;
  const encoding = negotiateEncoding(
    request.headers.get("accept-encoding"),
    BROTLI_STREAMS ? ["br", "gzip"] : ["gzip"],
  );
  if (encoding) return response.body === null ? response : encoding;
  try {
    varyOnEncoding(h);
    return response;
  } catch {
    // Immutable headers (Response.redirect, a fetch result): answer a copy.
    const copy = new Response(response.body, response);
    varyOnEncoding(copy.headers);
    return copy;
  }
}

/**
 * The response to send for `request`: `response` itself when it is not to be compressed, or a
 * copy whose body is compressed as it is read. Reads at most the first `threshold` bytes ahead.
 */
export function compressResponse(
  request: Request,
  response: Response,
  threshold = COMPRESS_THRESHOLD,
): Promise<Response> {
  const plan = compressionFor(request, response, threshold);
  return typeof plan === "string" ? compressBody(response, plan, threshold) : Promise.resolve(plan);
}

/** A copy of `response` whose body is compressed with `encoding` once it reaches `threshold`. */
async function compressBody(
  response: Response,
  encoding: Encoding,
  threshold: number,
): Promise<Response> {
  const status = response.status;
  const headers = new Headers(response.headers);
  varyOnEncoding(headers);
  const init = { status, statusText: response.statusText, headers };

  // Read ahead until the threshold is reached or the body ends.
  const reader = response.body!.getReader();
  const head: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < threshold) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  if (done) {
    reader.releaseLock();
    return new Response(concat(head, size), init);
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of head) controller.enqueue(chunk);
    },
    async pull(controller) {
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  headers.delete("content-length");
  headers.set("content-encoding", encoding);
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  const format = (encoding === "br" ? "brotli" : "gzip") as CompressionFormat;
  const compressor = new CompressionStream(format) as unknown as TransformStream<Uint8Array>;
  return new Response(body.pipeThrough(compressor), init);
}

/** Middleware: compresses what the routes after it answer (see the module header). */
export function compressResponses<E extends Env = AppEnv>(
  threshold = COMPRESS_THRESHOLD,
): Layer<E> {
  // Decided synchronously: most answers (small JSON, no Accept-Encoding) go out as they are,
  // and deciding that costs no promise (docs/benchmarks.md).
  const compressAnswer = (c: Context<E>): Promise<void> | void => {
    const res = c.res;
    const plan = compressionFor(c.req.raw, res, threshold);
    if (typeof plan !== "string") {
      if (plan !== res) replaceAnswer(c, plan);
      return;
    }
    return compressBody(res, plan, threshold).then((compressed) => replaceAnswer(c, compressed));
  };
  return (c, next) => {
    const out = next();
    return out instanceof Promise ? out.then(() => compressAnswer(c)) : compressAnswer(c);
  };
}

function replaceAnswer<E extends Env>(c: Context<E>, res: Response): void {
  // Hono merges the previous response's headers into a new one; clear it first so the
  // removed Content-Length and the weakened ETag stay removed and weakened.
  c.res = undefined;
  c.res = res;
}
