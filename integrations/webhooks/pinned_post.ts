/**
 * @module integrations/webhooks/pinned_post
 * One webhook POST to the address the destination check approved, not to whatever the name
 * resolves to a moment later. `fetch` resolves the host name again when it connects, so a name
 * that answered a public address to the check could answer 127.0.0.1 or the cloud's metadata
 * service to the connection (DNS rebinding); Deno's fetch cannot be told which address to use.
 * So the call is made here: a TCP connection to the checked address, TLS started over it with the
 * endpoint's host name (SNI and certificate verification for the name, as `fetch` would), and one
 * HTTP/1.1 request with `Connection: close`. Only what a delivery needs: the status and the first
 * bytes of the answer; no redirect is followed, chunked and sized bodies are read up to a limit.
 */

/** Opens the connection: to `address` (already checked), with TLS for `serverName` when given. */
export type Connector = (
  address: string,
  port: number,
  serverName: string | null,
) => Promise<Deno.Conn>;

export const systemConnector: Connector = async (address, port, serverName) => {
  const tcp = await Deno.connect({ hostname: address, port });
  if (serverName === null) return tcp;
  try {
    return await Deno.startTls(tcp, { hostname: serverName });
  } catch (err) {
    tcp.close();
    throw err;
  }
};

export interface PinnedAnswer {
  status: number;
  /** The answer's body, at most `readLimit` bytes of it. */
  body: Uint8Array;
}

const HEADER_LIMIT = 64 * 1024;

/** POSTs `body` to `url` over a connection to `address`; rejects on `signal`. */
export async function pinnedPost(
  url: URL,
  address: string,
  headers: Record<string, string>,
  body: string,
  opts: { signal: AbortSignal; readLimit: number; connect?: Connector },
): Promise<PinnedAnswer> {
  const tls = url.protocol === "https:";
  const port = Number(url.port) || (tls ? 443 : 80);
  const connect = opts.connect ?? systemConnector;
  opts.signal.throwIfAborted();
  const conn = await connect(address, port, tls ? url.hostname.replace(/^\[|\]$/g, "") : null);
  const abort = () => conn.close();
  opts.signal.addEventListener("abort", abort, { once: true });
  try {
    const payload = new TextEncoder().encode(body);
    const lines = [
      `POST ${url.pathname}${url.search} HTTP/1.1`,
      `Host: ${url.host}`,
      `Content-Length: ${payload.byteLength}`,
      "Connection: close",
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, "")}`),
    ];
    const head = new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
    await writeAll(conn, head);
    await writeAll(conn, payload);
    return await readAnswer(conn, opts.readLimit);
  } catch (err) {
    if (opts.signal.aborted) throw opts.signal.reason;
    throw err;
  } finally {
    opts.signal.removeEventListener("abort", abort);
    try {
      conn.close();
    } catch {
      // Closed by the abort already.
    }
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) at += await conn.write(bytes.subarray(at));
}

async function readAnswer(conn: Deno.Conn, readLimit: number): Promise<PinnedAnswer> {
  let buf = new Uint8Array(0);
  const more = async (): Promise<boolean> => {
    const chunk = new Uint8Array(16 * 1024);
    const n = await conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    buf = next;
    return true;
  };
  let end = -1;
  while ((end = headEnd(buf)) < 0) {
    if (buf.length > HEADER_LIMIT) throw new Error("The answer's headers are too large.");
    if (!(await more())) throw new Error("The connection closed before an answer.");
  }
  const head = new TextDecoder().decode(buf.subarray(0, end));
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
  if (!status) throw new Error("The answer is not HTTP/1.1.");
  const header = (name: string) =>
    new RegExp(`\\r\\n${name}:\\s*([^\\r\\n]*)`, "i").exec(head)?.[1]?.trim();
  const chunked = /chunked/i.test(header("transfer-encoding") ?? "");
  const length = Number(header("content-length") ?? NaN);
  buf = buf.subarray(end + 4);
  const want = chunked ? readLimit + 64 : Number.isFinite(length) ? length : readLimit;
  while (buf.length < Math.min(want, readLimit) && (!chunked || !/\r\n0\r\n/.test(latin(buf)))) {
    if (!(await more())) break;
  }
  const raw = chunked ? dechunk(buf) : buf;
  return { status: Number(status), body: raw.subarray(0, Math.min(raw.length, readLimit)) };
}

function headEnd(buf: Uint8Array): number {
  for (let i = 0; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

function latin(buf: Uint8Array): string {
  return new TextDecoder("latin1").decode(buf);
}

/** The data of a chunked body, as far as it arrived. */
function dechunk(buf: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  while (at < buf.length) {
    const lineEnd = latin(buf.subarray(at, at + 20)).indexOf("\r\n");
    if (lineEnd < 0) break;
    const size = parseInt(latin(buf.subarray(at, at + lineEnd)), 16);
    if (!Number.isFinite(size) || size === 0) break;
    const start = at + lineEnd + 2;
    parts.push(buf.subarray(start, Math.min(start + size, buf.length)));
    at = start + size + 2;
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) (out.set(p, i), i += p.length);
  return out;
}
