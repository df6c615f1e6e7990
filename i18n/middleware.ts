/**
 * @module i18n/middleware
 * Puts the request's language on it (`c.get("language")`) for pages: the signed-in member's
 * saved choice, the browser's Accept-Language, the workspace's default locale, English
 * (i18n/mod.ts `chooseLanguage`). The workspace's default is read only when the first two say
 * nothing, and API calls skip it all: they answer in the catalogue's English.
 */
import type { MiddlewareHandler, Next } from "hono";
import type { AppContext, AppEnv } from "../http/env.ts";
import {
  acceptedLanguages,
  chooseLanguage,
  type Language,
  type Translate,
  translator,
} from "./mod.ts";
import { savedLanguage } from "./user_language.ts";

async function workspaceLocale(c: AppContext): Promise<string | null> {
  const tenant = c.get("tenant");
  if (!tenant) return null;
  const rs = await tenant.db.execute("SELECT value FROM settings WHERE key = 'locale'");
  const value = rs.rows[0]?.value;
  return typeof value === "string" ? value : null;
}

/** Chooses the language of a page request; runs after authentication. */
export function chooseRequestLanguage(): MiddlewareHandler<AppEnv> {
  // A plain function on the way through: an API call costs no promise here.
  return (c, next) => c.req.path.startsWith("/api/") ? next() : withPageLanguage(c, next);
}

/** Puts the page's language on the request, then runs the rest of the chain. */
async function withPageLanguage(c: AppContext, next: Next): Promise<void> {
  const auth = c.get("auth");
  const saved = auth && auth.via === "session"
    ? await savedLanguage(c.get("services").control, auth.userId)
    : null;
  const acceptLanguage = c.req.header("accept-language");
  const browser = acceptedLanguages(acceptLanguage).length > 0;
  c.set(
    "language",
    chooseLanguage({
      saved,
      acceptLanguage,
      workspaceLocale: saved || browser ? null : await workspaceLocale(c),
    }),
  );
  await next();
}

/**
 * The language of an API answer's words (a notification's title, an error's message): a signed-in
 * member's saved choice when the call comes from their session (the app's own pages and islands),
 * else the first supported language of Accept-Language, else English. A token client that sends
 * no Accept-Language always reads English (docs/languages.md).
 */
export async function apiLanguage(c: AppContext): Promise<Language> {
  const auth = c.get("auth");
  const saved = auth && auth.via === "session"
    ? await savedLanguage(c.get("services").control, auth.userId)
    : null;
  return saved ?? acceptedLanguages(c.req.header("accept-language"))[0] ?? "en";
}

/** The request's language (English where the middleware did not run). */
export function languageOf(c: AppContext): Language {
  return c.get("language") ?? "en";
}

/** `t(key, args)` in the request's language, for route handlers (flash messages, titles). */
export function tOf(c: AppContext): Translate {
  return translator(languageOf(c));
}
