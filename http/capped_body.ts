/**
 * @module http/capped_body
 * Holds a request's body to a size cap before anything reads it (http/body_cap.ts for every route,
 * http/guards.ts `readCapped` for the smaller caps of JSON and form bodies).
 */
import type { AppContext } from "./env.ts";

/**
 * Throws `refusal()` when the request's body is over `max` bytes. A body with a Content-Length is
 * judged by it (the runtime holds the body to its declared length). A body streamed without one is
 * read here, counted as it arrives, and the request is replaced by one holding the bytes read, with
 * their length declared, so no later reader meets an uncapped stream.
 *
 * The replacement is built from the URL, method and headers, never from the served request itself:
 * a request constructed from another follows its abort signal, and on Deno a served request whose
 * signal was followed makes the runtime warn about its legacy abort behaviour on the first answer
 * (Hono's `bodyLimit`, used here before, does exactly that).
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

/** The whole stream, or null (and the stream cancelled) once it passes `max` bytes. */
async function readAtMost(
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
      await reader.cancel().catch(() => {});
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
