/**
 * @module http/ip_group
 * The key a client address is counted under by rate limits and sign-in throttles. An IPv4 address
 * is its own key. An IPv6 address is grouped by its /64: a single subscriber line or server is
 * routinely handed a whole /64 (2^64 addresses), so counting each address alone would give one
 * attacker unlimited fresh addresses. Logs keep the full address; only the counting groups.
 */

/** "2001:db8:1:2::/64" for any address in that /64; IPv4 (also IPv4-mapped IPv6) as itself. */
export function ipGroup(ip: string): string {
  if (!ip.includes(":")) return ip;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const bare = ip.replace(/^\[|\]$/g, "").replace(/%.*$/, "").toLowerCase(); // brackets, zone
  const halves = bare.split("::");
  if (halves.length > 2) return bare; // not an address: counted as written
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  // An embedded IPv4 tail (::1.2.3.4) fills the last two groups; the /64 never reaches it.
  const groups = halves.length === 2
    ? [...head, ...Array(Math.max(0, 8 - head.length - tail.length)).fill("0"), ...tail]
    : head;
  if (groups.length < 4 || groups.slice(0, 4).some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return bare;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, "")).join(":")}::/64`;
}
