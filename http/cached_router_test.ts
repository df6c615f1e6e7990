import assert from "node:assert/strict";
import type { Result, Router } from "hono/router";
import { TrieRouter } from "hono/router/trie-router";
import { CachedRouter } from "./cached_router.ts";

/** A TrieRouter that counts the matches it is asked for. */
function countingRouter(): Router<string> & { matches: number } {
  const inner = new TrieRouter<string>();
  return {
    name: "counting",
    matches: 0,
    add(method, path, handler) {
      inner.add(method, path, handler);
    },
    match(method, path): Result<string> {
      this.matches++;
      return inner.match(method, path);
    },
  };
}

const handlersOf = (r: Result<string>) => r[0].map(([h]) => h);

Deno.test("CachedRouter answers as its router and asks it once per repeated path", () => {
  const inner = countingRouter();
  const router = new CachedRouter(inner);
  router.add("ALL", "*", "mw");
  router.add("GET", "/po/new", "new");
  router.add("GET", "/po/:id", "detail");
  assert.deepEqual(handlersOf(router.match("GET", "/po/new")), ["mw", "new", "detail"]);
  assert.deepEqual(handlersOf(router.match("GET", "/po/new")), ["mw", "new", "detail"]);
  const detail = router.match("GET", "/po/42");
  assert.deepEqual(handlersOf(detail), ["mw", "detail"]);
  assert.deepEqual({ ...detail[0][1]![1] }, { id: "42" });
  assert.deepEqual(handlersOf(router.match("POST", "/po/42")), ["mw"]);
  assert.equal(inner.matches, 3);
});

Deno.test("CachedRouter forgets its answers when a route is added and when it is full", () => {
  const inner = countingRouter();
  const router = new CachedRouter(inner, 2);
  router.add("GET", "/a", "a");
  router.match("GET", "/a");
  router.add("GET", "/b", "b");
  assert.deepEqual(handlersOf(router.match("GET", "/a")), ["a"]);
  assert.equal(inner.matches, 2, "a new route clears remembered answers");
  router.match("GET", "/b");
  router.match("GET", "/c"); // third distinct path: the cache starts over
  router.match("GET", "/a");
  assert.equal(inner.matches, 5);
  assert.deepEqual(handlersOf(router.match("GET", "/b")), ["b"]);
});
