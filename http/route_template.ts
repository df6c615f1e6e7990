/**
 * @module http/route_template
 * The template of the route that answered (`/api/v1/customers/:id`), read on every request for
 * the metrics and the trace span. Hono's `c.req.routePath` (and the `routePath` helper of
 * hono/route) first copies every matched handler's route into a new array and then indexes it,
 * an allocation per request for one string. Hono keeps the match result behind the one symbol
 * getter of HonoRequest's prototype (the helpers read it the same way); this reads the answering
 * entry there directly. If a Hono release changes that shape, the test beside this file fails and
 * `routeTemplate` falls back to `c.req.routePath` rather than guessing.
 */
import type { Context } from "hono";
import { HonoRequest } from "hono/request";

/** A match result as Hono's routers return it: per handler, [[handler, route], params]. */
type MatchResult = [Array<[[unknown, { path: string }], unknown]>, ...unknown[]];

const symbols = Object.getOwnPropertySymbols(HonoRequest.prototype).filter((s) =>
  typeof Object.getOwnPropertyDescriptor(HonoRequest.prototype, s)?.get === "function"
);
/** The getter's symbol, when there is exactly one to be sure of. */
const MATCH_RESULT: symbol | undefined = symbols.length === 1 ? symbols[0] : undefined;

/** The matched route's template as Hono registered it (`*` or `/*` when only middleware ran). */
export function routeTemplate(c: Context): string {
  return matchedTemplate(c) ?? c.req.routePath;
}

/** The template read straight from Hono's match result, undefined if its shape is not known. */
export function matchedTemplate(c: Context): string | undefined {
  if (!MATCH_RESULT) return undefined;
  const req = c.req;
  const match = (req as unknown as Record<symbol, MatchResult | undefined>)[MATCH_RESULT];
  const path = match?.[0]?.[req.routeIndex]?.[0]?.[1]?.path;
  return typeof path === "string" ? path : undefined;
}
