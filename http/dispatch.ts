/**
 * @module http/dispatch
 * Hono's request dispatch (match the route, make the context, run the matched handlers in order)
 * with one difference: a request whose handlers all answer without waiting is answered without a
 * promise. Hono's own composition is an `async` function per handler plus one around them all,
 * so every request that matches more than one handler (all of this app's: the platform's
 * middleware chain, then the route) paid four or five promises and as many microtask hops, and
 * the runtime then took the slower path for a promised response. An authenticated API call whose
 * tenant, principal and billing are cached waits on nothing (docs/benchmarks.md, P1).
 *
 * The semantics are Hono's compose, kept to the letter: handlers run in match order with
 * `c.req.routeIndex` set (so `c.req.param()` and the route template read the running handler's
 * route); an error thrown or rejected by a handler goes to the app's error handler and its answer
 * becomes `c.res`, which the handlers around it then see; a handler's returned response becomes
 * `c.res` unless one was already set; past the last handler the not-found handler answers; a
 * context left without a response is an error. `next()` may return the context itself rather
 * than a promise of it: `await next()` reads both alike (no code here calls `.then` on it).
 */
import { Context, type Hono } from "hono";
import type { Env, ErrorHandler, NotFoundHandler } from "hono/types";

type Entry = [[(c: Context, next: () => unknown) => unknown, unknown], unknown];

const NOT_FINALIZED = "Context is not finalized. Did you forget to return a Response object or " +
  "`await next()`?";

/**
 * Makes `app.fetch` dispatch as described above; `onError` and `notFound` are the handlers given
 * to `app.onError` and `app.notFound`.
 */
export function answerWithoutNeedlessPromises<E extends Env>(
  app: Hono<E>,
  onError: ErrorHandler<E>,
  notFound: NotFoundHandler<E>,
): void {
  const handleError = onError as unknown as (
    err: Error,
    c: Context,
  ) => Response | Promise<Response>;
  const handleNotFound = notFound as unknown as (c: Context) => Response | Promise<Response>;
  const dispatch = (
    request: Request,
    env: E["Bindings"] | undefined,
    executionCtx: ExecutionContextLike | undefined,
    method: string,
  ): Response | Promise<Response> => {
    if (method === "HEAD") {
      return (async () => new Response(null, await dispatch(request, env, executionCtx, "GET")))();
    }
    const path = app.getPath(request, { env });
    const matchResult = app.router.match(method, path);
    const c = new Context(request, {
      path,
      matchResult: matchResult as never,
      env,
      executionCtx: executionCtx as never,
      notFoundHandler: notFound as never,
    });
    // An error that got past the handlers goes to the app's error handler, as in Hono's dispatch;
    // the closure for it is made only when the answer is a promise.
    try {
      const out = runHandlers(c, matchResult[0] as unknown as Entry[], handleError, handleNotFound);
      if (!(out instanceof Promise)) return answerOf(out);
      return out.then(answerOf).catch((err) => errorAnswer(err, c, handleError));
    } catch (err) {
      return errorAnswer(err, c, handleError);
    }
  };
  app.fetch = (request, env, executionCtx) =>
    dispatch(request, env, executionCtx as ExecutionContextLike | undefined, request.method);
}

/** What Hono's fetch accepts as its third argument; passed through untouched. */
type ExecutionContextLike = object;

function errorAnswer(
  err: unknown,
  c: Context,
  handleError: (err: Error, c: Context) => Response | Promise<Response>,
): Response | Promise<Response> {
  if (err instanceof Error) return handleError(err, c);
  throw err;
}

function answerOf(c: Context): Response {
  if (!c.finalized) throw new Error(NOT_FINALIZED);
  return c.res;
}

/** Hono's compose over `entries`, returning the context itself when nothing had to wait. */
export function runHandlers(
  c: Context,
  entries: readonly Entry[],
  onError: (err: Error, c: Context) => unknown,
  onNotFound: (c: Context) => unknown,
): Context | Promise<Context> {
  let index = -1;
  // A handler's answer becomes the response unless one is already set; an error's always does.
  const settle = (res: unknown): Context => {
    if (res && c.finalized === false) c.res = res as Response;
    return c;
  };
  const settleError = (res: unknown): Context => {
    if (res) c.res = res as Response;
    return c;
  };
  const fail = (err: unknown): Context | Promise<Context> => {
    if (!(err instanceof Error)) throw err;
    c.error = err;
    const res = onError(err, c);
    return res instanceof Promise ? res.then(settleError) : settleError(res);
  };
  const run = (i: number): Context | Promise<Context> => {
    if (i <= index) return Promise.reject(new Error("next() called multiple times"));
    index = i;
    const entry = entries[i];
    if (entry === undefined) {
      if (c.finalized !== false) return c;
      const res = onNotFound(c);
      return res instanceof Promise ? res.then(settle) : settle(res);
    }
    c.req.routeIndex = i;
    let out: unknown;
    try {
      out = entry[0][0](c, () => run(i + 1));
    } catch (err) {
      return fail(err);
    }
    return out instanceof Promise ? out.then(settle, fail) : settle(out);
  };
  return run(0);
}
