/**
 * @module plugins/host/safe_fetch
 * The only way out to the network a plugin has: `host.fetch`. HTTPS only, to a domain the
 * manifest declares and the tenant approved at install, never to an IP address written in the URL
 * nor to a name that resolves to a loopback, private, link-local or otherwise reserved address;
 * no redirects (a redirect could lead anywhere), a time limit and a size limit on the answer.
 */

/** What `host.fetch` answers inside the plugin. */
export interface PluginResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SafeFetchDeps {
  fetch: typeof fetch;
  resolve: (hostname: string) => Promise<string[]>;
  timeoutMs: number;
  maxBytes: number;
}

const init = (v: unknown) => (v && typeof v === "object" ? v as Record<string, unknown> : {});

/** The real network: Deno's fetch and DNS. */
export const NETWORK: SafeFetchDeps = {
  fetch: (input, i) => fetch(input, i),
  resolve: async (hostname) => {
    const found = await Promise.allSettled([
      Deno.resolveDns(hostname, "A"),
      Deno.resolveDns(hostname, "AAAA"),
    ]);
    return found.flatMap((r) => r.status === "fulfilled" ? r.value : []);
  },
  timeoutMs: 5000,
  maxBytes: 512 * 1024,
};

/** Whether `address` (IPv4 or IPv6 text) is loopback, private, link-local or reserved. */
export function isPrivateAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "");
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a.replace(/^::ffff:/, ""));
  if (v4) {
    const [x, y] = [Number(v4[1]), Number(v4[2])];
    return x === 0 || x === 10 || x === 127 || x >= 224 || (x === 169 && y === 254) ||
      (x === 172 && y >= 16 && y <= 31) || (x === 192 && y === 168) ||
      (x === 100 && y >= 64 && y <= 127) || (x === 198 && (y === 18 || y === 19));
  }
  if (!a.includes(":")) return false;
  return a === "::" || a === "::1" || a.startsWith("fc") || a.startsWith("fd") ||
    a.startsWith("fe8") || a.startsWith("fe9") || a.startsWith("fea") || a.startsWith("feb") ||
    a.startsWith("ff") || a.startsWith("::ffff:") || a.startsWith("64:ff9b");
}

/** Fetches `url` for a plugin allowed `domains`; throws an Error whose message the plugin sees. */
export async function safeFetch(
  url: unknown,
  options: unknown,
  domains: readonly string[],
  deps: SafeFetchDeps = NETWORK,
): Promise<PluginResponse> {
  let target: URL;
  try {
    target = new URL(String(url));
  } catch {
    throw new Error("host.fetch needs an absolute https:// URL.");
  }
  if (target.protocol !== "https:") throw new Error("host.fetch only fetches https:// URLs.");
  if (target.username || target.password) {
    throw new Error("host.fetch refuses credentials in a URL.");
  }
  const hostname = target.hostname.toLowerCase();
  if (/^[\d.]+$/.test(hostname) || hostname.startsWith("[")) {
    throw new Error("host.fetch refuses IP addresses; use a declared domain name.");
  }
  if (!domains.includes(hostname)) {
    throw new Error(`${hostname} is not a domain this plugin declared and the workspace approved.`);
  }
  if (target.port && target.port !== "443") throw new Error("host.fetch only uses port 443.");
  const addresses = await deps.resolve(hostname);
  if (addresses.length === 0) throw new Error(`${hostname} does not resolve.`);
  if (addresses.some(isPrivateAddress)) {
    throw new Error(`${hostname} resolves to a private address; host.fetch refuses it.`);
  }
  const o = init(options);
  const method = String(o.method ?? "GET").toUpperCase();
  if (!["GET", "POST", "PUT", "PATCH", "DELETE"].includes(method)) {
    throw new Error(`host.fetch does not send ${method} requests.`);
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(init(o.headers))) {
    if (/^(host|cookie|connection|content-length)$/i.test(k)) continue;
    headers.set(k, String(v));
  }
  const body = o.body === undefined || o.body === null ? undefined : String(o.body);
  if (body && body.length > deps.maxBytes) throw new Error("The request body is too large.");
  const response = await deps.fetch(target, {
    method,
    headers,
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(deps.timeoutMs),
  }).catch((err) => {
    throw new Error(
      err?.name === "TimeoutError"
        ? `${hostname} did not answer within ${deps.timeoutMs} ms.`
        : `${hostname} could not be reached.`,
    );
  });
  const text = await readLimited(response, deps.maxBytes);
  const out: Record<string, string> = {};
  response.headers.forEach((v, k) => (out[k] = v));
  return { status: response.status, headers: out, body: text };
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`The answer is larger than ${maxBytes} bytes.`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, at), at += c.byteLength;
  return new TextDecoder().decode(all);
}
