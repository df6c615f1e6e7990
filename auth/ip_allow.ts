/**
 * @module auth/ip_allow
 * IP allow-lists of API tokens: IPv4 and IPv6 addresses and CIDR ranges, parsed once when a token
 * is created (a bad entry is refused with a message naming it) and stored in canonical form
 * (`10.0.0.0/8`, `2001:db8::/32`; a lone address gets /32 or /128). Host bits after the prefix are
 * cleared, as `ip route` does. A client seen as an IPv4-mapped IPv6 address (`::ffff:10.1.2.3`,
 * what a dual-stack socket reports) matches IPv4 ranges.
 *
 * Written here rather than taken from npm: about a hundred lines, and matching is on every API call
 * of a restricted token, so it should cost no allocation beyond parsing the caller's address.
 */
import { z } from "zod";

interface Address {
  v: 4 | 6;
  /** The address as an unsigned integer of 32 or 128 bits. */
  n: bigint;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseV4(text: string): bigint | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  let n = 0n;
  for (const part of parts) {
    // No leading zeros: "010" means 8 to some tools and 10 to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    n = (n << 8n) | BigInt(part);
  }
  return n;
}

function parseV6(text: string): bigint | null {
  let head = text;
  let tail: number[] = [];
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseV4(v4[2]!);
    if (n === null) return null;
    head = v4[1]!.endsWith("::") ? v4[1]! : v4[1]!.slice(0, -1);
    tail = [Number(n >> 16n), Number(n & 0xffffn)];
  }
  const halves = head.split("::");
  if (halves.length > 2) return null;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  const given = left.length + right.length + tail.length;
  if (halves.length === 1 ? given !== 8 : given > 7) return null;
  const words: number[] = [];
  for (const g of [...left, ...Array(8 - given).fill("0"), ...right]) {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) return null;
    words.push(parseInt(g, 16));
  }
  let n = 0n;
  for (const w of [...words, ...tail]) n = (n << 16n) | BigInt(w);
  return n;
}

/** Parses one address (IPv4, IPv6, or IPv6 with a zone such as `%eth0`); null when not one. */
export function parseIp(text: string): Address | null {
  const t = text.trim();
  if (t.includes(":")) {
    const n = parseV6(t.replace(/%[\w.-]+$/, ""));
    if (n === null) return null;
    // IPv4-mapped (::ffff:a.b.c.d): the client is an IPv4 one.
    if (n >> 32n === 0xffffn) return { v: 4, n: n & 0xffffffffn };
    return { v: 6, n };
  }
  const n = parseV4(t);
  return n === null ? null : { v: 4, n };
}

function formatIp({ v, n }: Address): string {
  if (v === 4) return [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join(".");
  const words = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn));
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1, bestLen = 1;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) (best = i), (bestLen = j - i);
    i = j === i ? i + 1 : j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(":");
  return `${hex.slice(0, best).join(":")}::${hex.slice(best + bestLen).join(":")}`;
}

/** A parsed range: the network address and the prefix length. */
export interface IpRange extends Address {
  prefix: number;
}

/** Parses `addr` or `addr/prefix`; a message saying what is wrong when it is neither. */
export function parseIpRange(text: string): IpRange | string {
  const [addr = "", prefixText, extra] = text.trim().split("/");
  const ip = parseIp(addr);
  if (!ip || addr.includes("%") || extra !== undefined) {
    return `"${text}" is not an IP address or CIDR range (such as 203.0.113.7, 10.0.0.0/8 or ` +
      "2001:db8::/32).";
  }
  const bits = BITS[ip.v];
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) {
    return `"${text}": the part after / is the number of network bits, 0 to ${bits}.`;
  }
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return `"${text}": an IPv${ip.v} range has at most ${bits} network bits.`;
  const mask = ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { v: ip.v, n: ip.n & mask, prefix };
}

/** The canonical text of a range: `10.0.0.0/8`, `2001:db8::/32`, `127.0.0.1/32`. */
export function formatIpRange(range: IpRange): string {
  return `${formatIp(range)}/${range.prefix}`;
}

/** True when `ip` (a client address as the server sees it) lies in one of the ranges. */
export function ipAllowed(ip: string, ranges: readonly string[]): boolean {
  const client = parseIp(ip);
  if (!client) return false;
  for (const text of ranges) {
    const range = parseIpRange(text);
    if (typeof range === "string" || range.v !== client.v) continue;
    const shift = BigInt(BITS[range.v] - range.prefix);
    if (client.n >> shift === range.n >> shift) return true;
  }
  return false;
}

/** At most this many entries per token: a list, not a firewall. */
export const MAX_ALLOWED_IPS = 20;

/** One allow-list entry, canonicalized; the message names the entry that is wrong. */
export const IpRangeSchema = z.string().max(60).transform((text, ctx) => {
  const range = parseIpRange(text);
  if (typeof range === "string") {
    ctx.addIssue({ code: "custom", message: range });
    return z.NEVER;
  }
  return formatIpRange(range);
});

/** A token's allow-list: empty means any address. Duplicates collapse. */
export const AllowedIpsSchema = z.array(IpRangeSchema)
  .max(MAX_ALLOWED_IPS, `At most ${MAX_ALLOWED_IPS} addresses or ranges.`)
  .transform((list) => [...new Set(list)]);
