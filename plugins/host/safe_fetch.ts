/**
 * @module plugins/host/safe_fetch
 * The only way out to the network a plugin has: `host.fetch`. HTTPS only, to a domain the
 * manifest declares and the tenant approved at install, never to an IP address written in the URL
 * nor to a name that resolves to a loopback, private, link-local or otherwise reserved address;
 * no redirects (a redirect could lead anywhere), a time limit and a size limit on the answer.
 * The name is resolved once: every address is checked, and the connection goes to those checked
 * addresses (pinned_fetch.ts), so a DNS answer that changes after the check (rebinding to
 * 127.0.0.1 or the metadata service) is never connected to.
 */
import { pinnedFetch } from "./pinned_fetch.ts";

/** What `host.fetch` answers inside the plugin. */
export interface PluginResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface SafeFetchDeps {
  /** Sends the request over a connection to one of `addresses`, the checked answer of `resolve`. */
  fetch: (url: URL, init: RequestInit, addresses: readonly string[]) => Promise<Response>;
  resolve: (hostname: string) => Promise<string[]>;
  timeoutMs: number;
  maxBytes: number;
}

const init = (v: unknown) => (v && typeof v === "object" ? v as Record<string, unknown> : {});

/** The real network: Deno's DNS, and a connection pinned to the addresses it answered. */
export const NETWORK: SafeFetchDeps = {
  fetch: (url, i, addresses) => pinnedFetch(url, i, addresses),
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

/** The four bytes of dotted IPv4 text, or null. */
function ipv4Bytes(text: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  const bytes = m.slice(1).map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** The eight 16-bit groups of IPv6 text (any spelling: `::`, a dotted tail, a zone), or null. */
function ipv6Groups(text: string): number[] | null {
  let a = text.replace(/%.*$/, "");
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (tail) {
    const v4 = ipv4Bytes(tail[1]!);
    if (!v4) return null;
    a = a.slice(0, -tail[1]!.length) +
      `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = a.split("::");
  if (halves.length > 2) return null;
  const part = (s: string) => (s === "" ? [] : s.split(":"));
  const head = part(halves[0]!);
  const rest = halves.length === 2 ? part(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (!groups.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  return groups.map((g) => parseInt(g, 16));
}

function privateIpv4([x, y, z]: number[]): boolean {
  return x === 0 || x === 10 || x === 127 || x! >= 224 || (x === 169 && y === 254) ||
    (x === 172 && y! >= 16 && y! <= 31) || (x === 192 && y === 168) ||
    (x === 100 && y! >= 64 && y! <= 127) || (x === 198 && (y === 18 || y === 19)) ||
    // IETF protocol assignments and the documentation networks (TEST-NET-1/2/3).
    (x === 192 && y === 0 && (z === 0 || z === 2)) || (x === 198 && y === 51 && z === 100) ||
    (x === 203 && y === 0 && z === 113);
}

/**
 * Whether `address` (IPv4 or IPv6 text, in any spelling) is loopback, private, link-local or
 * otherwise reserved. IPv6 is judged by its value, not its text: an IPv4 address carried inside
 * one (mapped `::ffff:0:0/96`, compatible `::/96`, NAT64 `64:ff9b::/96` and `64:ff9b:1::/48`,
 * 6to4 `2002::/16`, Teredo `2001::/32`) is refused outright, as are ULA `fc00::/7`, link- and
 * site-local `fe80::/9`, multicast, discard `100::/64` and documentation `2001:db8::/32`.
 */
export function isPrivateAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, "");
  const v4 = ipv4Bytes(a);
  if (v4) return privateIpv4(v4);
  if (!a.includes(":")) return false;
  const g = ipv6Groups(a);
  // Text that is not an address cannot be judged: refuse it rather than let it through.
  if (!g) return true;
  const [g0, g1, g2, g3, g4, g5] = g as [number, number, number, number, number, number];
  const upperZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  return upperZero || // ::, ::1, IPv4-compatible ::a.b.c.d, IPv4-mapped ::ffff:a.b.c.d
    (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) || // ::ffff:0:a.b.c.d
    (g0 === 0x64 && g1 === 0xff9b) || // NAT64
    g0 === 0x2002 || (g0 === 0x2001 && g1 === 0) || (g0 === 0x2001 && g1 === 0xdb8) ||
    (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) ||
    (g0 & 0xfe00) === 0xfc00 || (g0 & 0xff80) === 0xfe80 || (g0 & 0xff00) === 0xff00;
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
    if (
      /^(host|cookie|connection|content-length|transfer-encoding|te|trailer|upgrade|keep-alive)$/i
        .test(k)
    ) continue;
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
  }, addresses).catch((err) => {
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
