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
import { acceptedLanguages, CATALOGUES, type Language, translator } from "../i18n/mod.ts";
import { translateErrorDetails, translateErrorText } from "../domain/error_text.ts";

/**
 * The language of an error's message: a page's (i18n/middleware.ts); for the API, the language the
 * client asks for with Accept-Language, else English, so that clients that parse messages keep
 * what they read (the `code` is the stable part; docs/languages.md).
 */
export function errorLanguage(c: Context<AppEnv>, json: boolean): Language {
  if (!json) return c.get("language") ?? "en";
  return acceptedLanguages(c.req.header("accept-language"))[0] ?? "en";
}

/** An error's message and per-field details in `language` (domain/error_text.ts). */
export function localizedError(
  err: AppError,
  language: Language,
): { message: string; details: unknown } {
  if (language === "en") return { message: err.message, details: err.details ?? null };
  const t = translator(language);
  const details = err.details;
  const perField = details && typeof details === "object" && !Array.isArray(details) &&
    Object.values(details).every((v) => Array.isArray(v) && v.every((m) => typeof m === "string"));
  return {
    message: translateErrorText(err.message, CATALOGUES.en, t),
    details: perField
      ? translateErrorDetails(details as Record<string, string[]>, CATALOGUES.en, t)
      : details ?? null,
  };
}

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
  const json = wantsJson(c);
  const { message, details } = localizedError(appError, errorLanguage(c, json));
  if (json) {
    return c.json(
      { error: { code: appError.code, message, details } },
      appError.status as 400,
      headers,
    );
  }
  const shown = new AppError(appError.code, appError.status, message, details);
  return c.html(renderErrorPage(c, shown), appError.status as 400, headers);
}

/** Answers unknown paths the same way (Hono's notFound). */
export function handleNotFound(c: Context<AppEnv>): Response {
  return handleError(new AppError("not_found", 404, "There is no page at this address."), c);
}
