/**
 * @module http/trace
 * Names the request's trace span after its route. With `OTEL_DENO=true` Deno makes a server span
 * per request itself (docs/operations/tracing.md), named only by the method (`GET`) and carrying
 * the raw path; the pipeline renames it `GET /api/v1/customers/:id` and adds the route template,
 * the tenant and the request id, so traces group like the metrics and lead to the log lines.
 * Deno registers its span under OpenTelemetry's context key, so no OpenTelemetry package is needed.
 * Without tracing the first request finds no span and every later request skips the lookup.
 */

/** The part of an OpenTelemetry span the pipeline uses. */
export interface RequestSpan {
  updateName(name: string): void;
  setAttribute(key: string, value: string | number): void;
}

interface ContextManager {
  active(): { getValue(key: symbol): unknown };
}

/** The key @opentelemetry/api stores the active span under (createContextKey uses Symbol.for). */
const SPAN_KEY = Symbol.for("OpenTelemetry Context Key SPAN");

/** Tracing state of this process: unknown until the first request, then on or off for good. */
let tracing: boolean | undefined;

/** The span Deno's OpenTelemetry made for the current request, or null when tracing is off. */
export function requestSpan(): RequestSpan | null {
  if (tracing === false) return null;
  const telemetry = (Deno as unknown as { telemetry?: { contextManager?: ContextManager } })
    .telemetry;
  const span = telemetry?.contextManager?.active().getValue(SPAN_KEY) as RequestSpan | undefined;
  tracing ??= span !== undefined;
  return span ?? null;
}

/** Renames the request's span after its route and adds what joins it to metrics and logs. */
export function describeRequestSpan(
  span: RequestSpan,
  request: { method: string; route: string; requestId: string; tenant?: string },
): void {
  span.updateName(`${request.method} ${request.route}`);
  span.setAttribute("http.route", request.route);
  span.setAttribute("projectmeats.request_id", request.requestId);
  if (request.tenant) span.setAttribute("projectmeats.tenant", request.tenant);
}
