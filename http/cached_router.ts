/**
 * @module http/cached_router
 * Hono's router behind a bounded cache of match results. The app's routes (pages with `/new`
 * beside `/:id`) make Hono fall back from its RegExpRouter to the TrieRouter, whose search over
 * some 600 routes was a tenth of an API call's CPU time; most traffic repeats a small set of
 * paths, so remembering the last answers for them takes the router off the hot path.
 */
import type { Result, Router } from "hono/router";
import { SmartRouter } from "hono/router/smart-router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";

/** Wraps a router; `match` answers repeated (method, path) pairs from memory. */
export class CachedRouter<T> implements Router<T> {
  readonly name: string;
  #inner: Router<T>;
  #cache = new Map<string, Result<T>>();

  constructor(
    inner: Router<T> = new SmartRouter({ routers: [new RegExpRouter(), new TrieRouter()] }),
    readonly maxEntries = 2_000,
  ) {
    this.#inner = inner;
    this.name = `Cached ${inner.name}`;
  }

  add(method: string, path: string, handler: T): void {
    this.#cache.clear();
    this.#inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    const key = method + " " + path;
    let result = this.#cache.get(key);
    if (result === undefined) {
      result = this.#inner.match(method, path);
      // Paths carry record ids, so the set is unbounded: start over rather than grow.
      if (this.#cache.size >= this.maxEntries) this.#cache.clear();
      this.#cache.set(key, result);
    }
    return result;
  }
}
