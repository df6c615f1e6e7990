/**
 * @module http/chain
 * Runs several middleware functions as one Hono layer. Hono's dispatcher costs a few percent of
 * throughput per layer (bench/), and the platform's three layers run on every request.
 *
 * The chain adds no async function of its own: each layer is called with a `next` that calls the
 * following layer directly, so a layer that has nothing to do for a request and answers
 * `return next()` from a plain function costs no promise and no microtask. (An async wrapper per
 * layer, as this once had, cost two promises and two hops per layer: 10 layers, ~10% of an
 * authenticated API call; docs/benchmarks.md.) What a layer returns is not an answer: a layer
 * that answers sets `c.res`, and the chain resolves to nothing.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

const nothing = () => undefined;

/** Composes middleware left to right into a single middleware. */
export function chain(...layers: MiddlewareHandler<AppEnv>[]): MiddlewareHandler<AppEnv> {
  const count = layers.length;
  return (c, next) => {
    const run = (i: number): Promise<unknown> | void =>
      i === count ? next() : layers[i]!(c, () => run(i + 1) as Promise<void>);
    try {
      const out = run(0);
      return out instanceof Promise ? out.then(nothing) : Promise.resolve();
    } catch (err) {
      // A layer written as a plain function may throw before it returns a promise.
      return Promise.reject(err);
    }
  };
}
