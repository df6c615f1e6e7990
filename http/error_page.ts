/**
 * @module http/error_page
 * Renders an error as a small standalone page (no app shell: the error may be that there is no
 * tenant or no session to build one from).
 */
import type { Context } from "hono";
import type { AppError } from "../domain/errors.ts";
import type { AppEnv } from "./env.ts";
import { translator } from "../i18n/mod.ts";

/** The catalogue key of each status's title (error_page.* in i18n/messages/mail.*.json). */
const TITLES: Record<number, string> = {
  400: "error_page.400",
  401: "error_page.401",
  402: "error_page.402",
  403: "error_page.403",
  404: "error_page.404",
  409: "error_page.409",
  429: "error_page.429",
  500: "error_page.500",
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Returns the HTML of an error page, in the request's language (its message already is). */
export function renderErrorPage(c: Context<AppEnv>, err: AppError): string {
  const language = c.get("language") ?? "en";
  const t = translator(language);
  const title = t(TITLES[err.status] ?? "error_page.other");
  const css = c.get("services")?.assets?.css;
  // On a workspace's host: its theme and product name (customization/middleware.ts loaded them).
  const configuration = c.get("configuration");
  const product = configuration?.document.branding.product_name ?? "ProjectMeats";
  const theme = configuration
    ? `<link rel="stylesheet" href="/theme/${configuration.version}.css">`
    : "";
  const requestId = c.get("requestId")
    ? `<p class="muted">${escapeHtml(t("error_page.request_id", { id: c.get("requestId")! }))}</p>`
    : "";
  return `<!doctype html><html lang="${language}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(product)}</title>${
    css ? `<link rel="stylesheet" href="${css}">` : ""
  }${theme}</head>
<body class="error-page"><main class="auth-card" id="main"><h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(err.message)}</p>${requestId}<p><a href="/">${
    escapeHtml(t("error_page.start"))
  }</a></p></main></body></html>`;
}
