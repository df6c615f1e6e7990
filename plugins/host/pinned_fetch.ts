/**
 * @module plugins/host/pinned_fetch
 * One HTTPS request to addresses that were already checked, never to whatever the name resolves
 * to a moment later. `fetch` resolves the host name again when it connects, so a name that
 * answered a public address to the check could answer 127.0.0.1 or the metadata service
 * (169.254.169.254) to the connection (DNS rebinding), and Deno's fetch cannot be told which
 * address to use (`Deno.createHttpClient`'s `tcp` transport speaks plain HTTP, no TLS). Node's
 * `https.request` can: its `lookup` option answers the checked addresses instead of asking DNS,
 * while TLS still sends the name (SNI) and verifies the certificate for that name, as `fetch`
 * would. No connection pooling (`agent: false`): each request opens its own connection.
 */
import { request } from "node:https";
import type { IncomingMessage } from "node:http";
import type { LookupFunction } from "node:net";

export interface PinnedFetchOptions {
  /** Extra root certificates (PEM); tests only. */
  ca?: string[];
}

const NO_BODY = new Set([204, 205, 304]);

/** A `lookup` that answers only `addresses` (already checked), whatever name it is asked. */
export function pinnedLookup(addresses: readonly string[]): LookupFunction {
  const all = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  return ((
    _hostname: string,
    options: { all?: boolean },
    callback: (err: Error | null, ...answer: unknown[]) => void,
  ) => {
    if (all.length === 0) return callback(new Error("No checked address to connect to."));
    if (options?.all) return callback(null, all);
    return callback(null, all[0]!.address, all[0]!.family);
  }) as unknown as LookupFunction;
}

/** Sends `init` to `url` over a connection to one of `addresses`; the body is read as it comes. */
export function pinnedFetch(
  url: URL,
  init: RequestInit,
  addresses: readonly string[],
  options: PinnedFetchOptions = {},
): Promise<Response> {
  const signal = init.signal ?? undefined;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  const body = typeof init.body === "string" ? init.body : undefined;
  if (body !== undefined) headers["content-length"] = String(new TextEncoder().encode(body).length);
  return new Promise<Response>((resolve, reject) => {
    signal?.throwIfAborted();
    let answer: IncomingMessage | null = null;
    const req = request({
      protocol: "https:",
      host: url.hostname,
      servername: url.hostname,
      port: Number(url.port) || 443,
      path: url.pathname + url.search,
      method: init.method ?? "GET",
      headers,
      lookup: pinnedLookup(addresses),
      agent: false,
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const abort = () => {
      req.destroy(signal!.reason);
      answer?.destroy(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
    const done = () => signal?.removeEventListener("abort", abort);
    req.on("error", (err) => (done(), reject(err)));
    req.on("response", (res: IncomingMessage) => {
      answer = res;
      const status = res.statusCode ?? 0;
      if (status < 200 || status > 599) {
        res.destroy();
        done();
        return reject(new Error(`The answer's status ${status} is not usable.`));
      }
      const out = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
        try {
          out.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
        } catch {
          // A header Fetch cannot carry is dropped, as fetch would refuse the whole answer.
        }
      }
      res.on("end", done);
      res.on("error", done);
      const stream = NO_BODY.has(status) ? null : new ReadableStream<Uint8Array>({
        start(controller) {
          res.on("data", (chunk: Uint8Array) => controller.enqueue(new Uint8Array(chunk)));
          res.on("end", () => controller.close());
          res.on("error", (err) => controller.error(err));
        },
        cancel() {
          res.destroy();
        },
      });
      if (!stream) res.resume();
      resolve(new Response(stream, { status, headers: out }));
    });
    req.end(body);
  });
}
