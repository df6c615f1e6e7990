import assert from "node:assert/strict";
import { classifyHost, hostClassifier, normalizeHost } from "./host.ts";

Deno.test("classifyHost() treats the bare domain, www and loopback as the apex", () => {
  assert.deepEqual(classifyHost("example.com", "example.com"), { kind: "apex" });
  assert.deepEqual(classifyHost("www.example.com:443", "example.com"), { kind: "apex" });
  assert.deepEqual(classifyHost("127.0.0.1:8000", "example.com"), { kind: "apex" });
});

Deno.test("classifyHost() reads a tenant slug from a subdomain, ignoring case and port", () => {
  assert.deepEqual(classifyHost("Acme.LocalHost:8000", "localhost"), {
    kind: "subdomain",
    slug: "acme",
    host: "acme.localhost",
  });
});

Deno.test("classifyHost() rejects nested subdomains and malformed hosts", () => {
  assert.equal(classifyHost("a.b.example.com", "example.com").kind, "invalid");
  assert.equal(classifyHost("bad host", "example.com").kind, "invalid");
  assert.equal(classifyHost("", "example.com").kind, "invalid");
  assert.equal(normalizeHost("a..b"), null);
});

Deno.test("classifyHost() treats other hosts as candidate custom domains", () => {
  assert.deepEqual(classifyHost("portal.acmefoods.com", "example.com"), {
    kind: "custom",
    host: "portal.acmefoods.com",
  });
});

Deno.test("hostClassifier() answers as classifyHost(), also after its memo starts over", () => {
  const classify = hostClassifier("example.com", 2);
  const hosts = [
    "acme.example.com:8000",
    "example.com",
    "portal.acmefoods.com",
    "bad host",
    "acme.example.com:8000",
    "BRAVO.example.com",
  ];
  for (const host of [...hosts, ...hosts]) {
    assert.deepEqual(classify(host), classifyHost(host, "example.com"), host);
  }
  assert.deepEqual(classify(undefined), { kind: "invalid" });
});
