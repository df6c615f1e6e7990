/**
 * @module http/error_page
 * Renders an error as a small standalone page (no app shell: the error may be that there is no
 * tenant or no session to build one from).
 */
import type { Context } from "hono";
import type { AppError } from "../domain/errors.ts";
import type { AppEnv } from "./env.ts";

const TITLES: Record<number, string> = {
  400: "That request was not valid",
  401: "Please sign in",
  402: "Payment required",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  429: "Slow down",
  500: "Something went wrong",
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/** Returns the HTML of an error page. */
export function renderErrorPage(c: Context<AppEnv>, err: AppError): string {
  const title = TITLES[err.status] ?? "Error";
  const css = c.get("services")?.assets?.css;
  // On a workspace's host: its theme and product name (customization/middleware.ts loaded them).
  const configuration = c.get("configuration");
  const product = configuration?.document.branding.product_name ?? "ProjectMeats";
  const theme = configuration
    ? `<link rel="stylesheet" href="/theme/${configuration.version}.css">`
    : "";
  const requestId = c.get("requestId")
    ? `<p class="muted">Request id: ${c.get("requestId")}</p>`
    : "";
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${escapeHtml(product)}</title>${
    css ? `<link rel="stylesheet" href="${css}">` : ""
  }${theme}</head>
<body class="error-page"><main class="auth-card" id="main"><h1>${escapeHtml(title)}</h1>
<p>${
    escapeHtml(err.message)
  }</p>${requestId}<p><a href="/">Go to the start page</a></p></main></body></html>`;
}
