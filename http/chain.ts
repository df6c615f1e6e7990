/**
 * @module http/chain
 * Runs several middleware functions as one Hono layer. Hono's dispatcher costs a few percent of
 * throughput per layer (bench/), and the platform's three layers run on every request.
 */
import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./env.ts";

/** Composes middleware left to right into a single middleware. */
export function chain(...layers: MiddlewareHandler<AppEnv>[]): MiddlewareHandler<AppEnv> {
  return (c, next) => {
    const run = async (i: number): Promise<void> => {
      if (i === layers.length) return await next();
      await layers[i]!(c, () => run(i + 1));
    };
    return run(0);
  };
}
