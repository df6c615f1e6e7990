import assert from "node:assert/strict";
import { PrincipalCache } from "./principal_cache.ts";
import { PRINCIPAL } from "../tests/helpers/principal.ts";

Deno.test("a principal looked up before a clear is not cached after it: it may predate a revocation", () => {
  const cache = new PrincipalCache();
  const mark = cache.mark(); // the lookup starts
  cache.clear(); // meanwhile the token is revoked
  cache.set("key", PRINCIPAL, mark); // the lookup ends with what it read before
  assert.equal(cache.get("key"), undefined);
  cache.set("key", PRINCIPAL, cache.mark());
  assert.deepEqual(cache.get("key"), PRINCIPAL, "a lookup begun after the clear is kept");
});

Deno.test("a clear made here is told to the listeners; one heard from another machine is not told back", () => {
  const cache = new PrincipalCache();
  let told = 0;
  cache.onClear(() => told++);
  cache.set("key", PRINCIPAL);
  cache.clearLocal();
  assert.equal(cache.get("key"), undefined);
  assert.equal(told, 0);
  cache.set("key", PRINCIPAL);
  cache.clear();
  assert.equal(cache.get("key"), undefined);
  assert.equal(told, 1);
});

Deno.test("a cached principal expires after five seconds", () => {
  const cache = new PrincipalCache();
  cache.set("key", PRINCIPAL, cache.mark(), 1_000);
  assert.deepEqual(cache.get("key", 5_999), PRINCIPAL);
  assert.equal(cache.get("key", 6_000), undefined);
});
