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
import type { Context, Env, MiddlewareHandler, Next } from "hono";
import type { AppEnv } from "./env.ts";

/**
 * A layer of the chain: a Hono middleware that may also finish without a promise (answering
 * nothing, or `next()`'s own result), so a request that waits on nothing stays synchronous
 * (http/dispatch.ts). Hono's compose awaits what a middleware returns, so a layer works there too.
 */
export type Layer<E extends Env = AppEnv> = (c: Context<E>, next: Next) => Promise<unknown> | void;

const nothing = () => undefined;

/** Composes middleware left to right into a single middleware. */
export function chain<E extends Env = AppEnv>(...layers: Layer<E>[]): MiddlewareHandler<E> {
  const count = layers.length;
  // Typed as Hono's middleware for app.use; it returns nothing when nothing had to wait.
  return ((c: Context<E>, next: Next): Promise<void> | undefined => {
    const run = (i: number): Promise<unknown> | void =>
      i === count ? next() : layers[i]!(c, () => run(i + 1) as Promise<void>);
    try {
      const out = run(0);
      // Nothing to wait for: answer nothing at once (http/dispatch.ts runs on without a hop).
      return out instanceof Promise ? out.then(nothing) : undefined;
    } catch (err) {
      // A layer written as a plain function may throw before it returns a promise.
      return Promise.reject(err);
    }
  }) as MiddlewareHandler<E>;
}
