/**
 * @module http/errors
 * The one place that turns an error into a response: a JSON body
 * `{ error: { code, message, details } }` for API calls, a page for browsers. Unexpected errors
 * are logged with the request id and shown as a plain 500 with no stack trace.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { AppError, RateLimitedError } from "../domain/errors.ts";
import { type AppEnv, wantsJson } from "./env.ts";
import { renderErrorPage } from "./error_page.ts";

/** Maps any thrown value to a response (Hono's onError). */
export function handleError(err: unknown, c: Context<AppEnv>): Response {
  let appError: AppError;
  if (err instanceof AppError) {
    appError = err;
  } else if (err instanceof HTTPException && err.status < 500) {
    appError = new AppError(
      err.status === 413 ? "invalid_request" : "invalid_request",
      err.status,
      err.message || "Bad request.",
    );
  } else {
    c.get("services")?.log.error("unhandled error", {
      request_id: c.get("requestId"),
      path: c.req.path,
      error: err instanceof Error ? `${err.name}: ${err.message}` : String(err),
      stack: err instanceof Error ? err.stack : undefined,
    });
    appError = new AppError(
      "internal",
      500,
      "Something went wrong on our side. Try again; if it keeps failing, contact support with the request id.",
      { request_id: c.get("requestId") },
    );
  }
  const headers: Record<string, string> = {};
  if (appError instanceof RateLimitedError) headers["Retry-After"] = String(appError.retryAfter);
  if (wantsJson(c)) {
    return c.json(
      {
        error: {
          code: appError.code,
          message: appError.message,
          details: appError.details ?? null,
        },
      },
      appError.status as 400,
      headers,
    );
  }
  return c.html(renderErrorPage(c, appError), appError.status as 400, headers);
}

/** Answers unknown paths the same way (Hono's notFound). */
export function handleNotFound(c: Context<AppEnv>): Response {
  return handleError(new AppError("not_found", 404, "There is no page at this address."), c);
}
