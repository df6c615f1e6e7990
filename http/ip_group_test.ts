import assert from "node:assert/strict";
import { ipGroup } from "./ip_group.ts";

Deno.test("ipGroup() counts IPv6 addresses by their /64 and IPv4 addresses alone", () => {
  assert.equal(ipGroup("203.0.113.7"), "203.0.113.7");
  assert.equal(ipGroup("::ffff:203.0.113.7"), "203.0.113.7");
  assert.equal(ipGroup("2001:db8:1:2::1"), "2001:db8:1:2::/64");
  assert.equal(ipGroup("2001:0db8:0001:0002:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
  assert.equal(ipGroup("2001:DB8:1:2:a:b:c:d"), "2001:db8:1:2::/64");
  assert.equal(ipGroup("[2001:db8:1:2::9]"), "2001:db8:1:2::/64");
  assert.equal(ipGroup("fe80::1%eth0"), "fe80:0:0:0::/64");
  assert.equal(ipGroup("::1"), "0:0:0:0::/64");
  assert.notEqual(ipGroup("2001:db8:1:3::1"), ipGroup("2001:db8:1:2::1"), "the next /64 is apart");
  assert.equal(ipGroup("unknown"), "unknown");
  assert.equal(ipGroup("1:2:3"), "1:2:3");
});
