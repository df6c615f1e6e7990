/**
 * @module http/request_body
 * Reading a served request's body before its route does, without following the request's abort
 * signal: holding it to a size cap (http/body_cap.ts for every route, http/guards.ts `readCapped`
 * for the smaller caps of JSON and form bodies) and reading a copy of it (http/idempotency.ts).
 *
 * A request made from another (`new Request(served, init)`, `served.clone()`) follows the served
 * request's signal, and on Deno a served request whose signal was followed makes the runtime warn,
 * on the first answer, about its legacy abort behaviour. So the requests made here are built from
 * the URL, method and headers only.
 */
import type { AppContext } from "./env.ts";

/**
 * Throws `refusal()` when the request's body is over `max` bytes. A body with a Content-Length is
 * judged by it (the runtime holds the body to its declared length). A body streamed without one is
 * read here, counted as it arrives, and the request is replaced by one holding the bytes read, with
 * their length declared, so no later reader meets an uncapped stream.
 *
 * (Hono's `bodyLimit`, used here before, built the replacement from the served request.)
 */
export async function holdBodyToCap(
  c: AppContext,
  max: number,
  refusal: () => Error,
): Promise<void> {
  const raw = c.req.raw;
  if (!raw.body || raw.bodyUsed) return;
  const declared = raw.headers.get("content-length");
  if (declared !== null && !raw.headers.has("transfer-encoding")) {
    if (Number(declared) > max) throw refusal();
    return;
  }
  const bytes = await readAtMost(raw.body, max);
  if (bytes === null) throw refusal();
  const headers = new Headers(raw.headers);
  headers.delete("transfer-encoding");
  headers.set("content-length", String(bytes.byteLength));
  c.req.raw = new Request(raw.url, { method: raw.method, headers, body: bytes });
}

/**
 * Two requests with the same URL, method, headers and body, for a reader that looks at the body
 * before the route (the first goes on to the route, the second to the reader): what `clone()`
 * gives, without following the served request's signal. The body is split with `tee()`, so either
 * copy may be read first and cancelling one leaves the other whole.
 */
export function twoCopies(raw: Request): [Request, Request] {
  const [one, other] = raw.body ? raw.body.tee() : [null, null];
  const copy = (body: ReadableStream<Uint8Array> | null) =>
    new Request(raw.url, {
      method: raw.method,
      headers: raw.headers,
      body,
      ...(body ? { duplex: "half" } : {}),
    } as RequestInit);
  return [copy(one), copy(other)];
}

/** The whole stream, or null (and the stream cancelled) once it passes `max` bytes. */
export async function readAtMost(
  body: ReadableStream<Uint8Array>,
  max: number,
): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Not awaited: cancelling one copy of a split body (twoCopies) settles only once the other
      // copy is done with too.
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}
