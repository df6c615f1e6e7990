import assert from "node:assert/strict";
import { AllowedIpsSchema, formatIpRange, ipAllowed, parseIpRange } from "./ip_allow.ts";

function canonical(text: string): string {
  const range = parseIpRange(text);
  if (typeof range === "string") throw new Error(range);
  return formatIpRange(range);
}

Deno.test("parseIpRange() canonicalizes addresses and ranges, clearing host bits", () => {
  assert.equal(canonical("127.0.0.1"), "127.0.0.1/32");
  assert.equal(canonical(" 10.1.2.3/8 "), "10.0.0.0/8");
  assert.equal(canonical("0.0.0.0/0"), "0.0.0.0/0");
  assert.equal(canonical("2001:DB8:0:0:0:0:0:1"), "2001:db8::1/128");
  assert.equal(canonical("2001:db8::/32"), "2001:db8::/32");
  assert.equal(canonical("::1"), "::1/128");
  assert.equal(canonical("fe80::1:0:0:1/64"), "fe80::/64");
  assert.equal(canonical("1:0:0:2:0:0:0:3"), "1:0:0:2::3/128", "the longer zero run is compressed");
  assert.equal(canonical("::ffff:192.0.2.1"), "192.0.2.1/32", "IPv4-mapped is IPv4");
  assert.equal(canonical("64:ff9b::192.0.2.1"), "64:ff9b::c000:201/128");
});

Deno.test("parseIpRange() names what is wrong with a bad entry", () => {
  for (const bad of ["", "10.0.0", "10.0.0.256", "010.0.0.1", "1.2.3.4/33", "::/129", "1::2::3"]) {
    const result = parseIpRange(bad);
    assert.equal(typeof result, "string", bad);
  }
  assert.match(parseIpRange("1.2.3.4/33") as string, /at most 32 network bits/);
  assert.match(parseIpRange("10.0.0.0/x") as string, /number of network bits/);
  assert.match(parseIpRange("example.com") as string, /not an IP address or CIDR range/);
  assert.equal(typeof parseIpRange("1:2:3:4:5:6:7:8:9"), "string");
  assert.equal(typeof parseIpRange("1.2.3.4/8/9"), "string");
});

Deno.test("ipAllowed() matches a client inside a range and nothing outside it", () => {
  const list = ["10.0.0.0/8", "2001:db8::/32", "203.0.113.7/32"];
  assert.equal(ipAllowed("10.200.3.4", list), true);
  assert.equal(ipAllowed("203.0.113.7", list), true);
  assert.equal(ipAllowed("::ffff:10.9.9.9", list), true, "dual-stack sockets report this form");
  assert.equal(ipAllowed("2001:db8:ffff::1", list), true);
  assert.equal(ipAllowed("11.0.0.1", list), false);
  assert.equal(ipAllowed("203.0.113.8", list), false);
  assert.equal(ipAllowed("2001:db9::1", list), false);
  assert.equal(ipAllowed("127.0.0.1", list), false);
  assert.equal(ipAllowed("unknown", list), false, "an unknown peer matches nothing");
  assert.equal(ipAllowed("127.0.0.1", ["127.0.0.1/32"]), true);
  assert.equal(ipAllowed("::1", ["::1/128"]), true);
  assert.equal(ipAllowed("fe80::1%eth0", ["fe80::/10"]), true);
  assert.equal(ipAllowed("8.8.8.8", ["0.0.0.0/0"]), true);
  assert.equal(ipAllowed("::1", ["0.0.0.0/0"]), false, "families never cross");
});

Deno.test("AllowedIpsSchema canonicalizes, collapses duplicates and refuses bad entries", () => {
  assert.deepEqual(AllowedIpsSchema.parse(["10.0.0.1/8", "10.0.0.0/8", "::1"]), [
    "10.0.0.0/8",
    "::1/128",
  ]);
  const bad = AllowedIpsSchema.safeParse(["10.0.0.0/8", "10.0.0.0/40"]);
  assert.equal(bad.success, false);
  assert.deepEqual(bad.error?.issues[0]?.path, [1]);
  assert.equal(AllowedIpsSchema.safeParse(Array(21).fill("10.0.0.1")).success, false);
});
