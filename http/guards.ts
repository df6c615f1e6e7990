/**
 * @module http/guards
 * Route guards for where a route exists (bare domain or tenant host) and for JSON bodies.
 */
import type { MiddlewareHandler } from "hono";
import { holdBodyToCap } from "./request_body.ts";
import type { z } from "zod";
import { fieldErrors, InvalidError, NotFoundError } from "../domain/errors.ts";
import type { AppContext, AppEnv } from "./env.ts";

/** The route exists only on the bare app domain. */
export function apexOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get("site") !== "apex") throw new NotFoundError("There is no page at this address.");
    await next();
  };
}

/** The route exists only on a tenant's host. */
export function tenantOnly(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get("site") !== "tenant") throw new NotFoundError("There is no page at this address.");
    await next();
  };
}

/**
 * Largest JSON or URL-encoded form body read (1 MB): far above any record, setting or sign-in, far
 * below what would strain a 1 GB machine. Uploads (multipart) have limits of their own.
 */
export const BODY_MAX_BYTES = 1024 * 1024;

/**
 * Runs `read` with the request body capped at `max` bytes, whether the client sent a
 * Content-Length or streamed it chunked; a larger body is refused with 413 before it is parsed.
 * A body already read (by the CSRF check, under the same cap) is not capped again.
 */
export async function readCapped<T>(
  c: AppContext,
  read: () => Promise<T>,
  max = BODY_MAX_BYTES,
): Promise<T> {
  await holdBodyToCap(c, max, () =>
    new InvalidError(
      `The body is larger than ${Math.round(max / 1024)} KB. Send less at once.`,
      undefined,
      413,
    ));
  return await read();
}

/** Whether a body is a URL-encoded form (a plain HTML form, no files). */
export function isUrlEncodedForm(contentType: string): boolean {
  return contentType.startsWith("application/x-www-form-urlencoded");
}

/**
 * Whether a Content-Type names JSON: `application/json` (any case, with parameters) or a
 * `+json` type. Media types are case-insensitive; "application/jsonx" is not JSON.
 */
export function isJsonType(contentType: string): boolean {
  const media = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return media === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(media);
}

/** Refuses a body sent compressed: it would otherwise be read as garbled JSON or form text. */
function refuseEncodedBody(c: AppContext): void {
  const encoding = (c.req.header("content-encoding") ?? "").trim().toLowerCase();
  if (encoding && encoding !== "identity") {
    throw new InvalidError(
      `Request bodies are taken uncompressed; this one is sent as ${encoding}.`,
      undefined,
      415,
    );
  }
}

/** Reads a JSON body (requiring the JSON content type, which cross-site forms cannot send). */
export async function readJson(c: AppContext): Promise<unknown> {
  const type = c.req.header("content-type") ?? "";
  if (!isJsonType(type)) {
    throw new InvalidError(
      "Send the body as JSON with Content-Type: application/json.",
      undefined,
      415,
    );
  }
  refuseEncodedBody(c);
  const body = await readCapped(c, async () => {
    try {
      return { value: await c.req.json() as unknown };
    } catch {
      return null;
    }
  });
  if (!body) throw new InvalidError("The body is not valid JSON.");
  return body.value;
}

/** Parses a value with a zod schema; failures become 422 with per-field messages. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidError("Some fields need attention.", fieldErrors(result.error.issues), 422);
  }
  return result.data;
}

/** Reads a form body or a JSON body, whichever the client sent, as a plain object. */
export async function readBody(c: AppContext): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  if (isJsonType(type)) return (await readJson(c)) as Record<string, unknown>;
  refuseEncodedBody(c);
  const form = isUrlEncodedForm(type)
    ? await readCapped(c, () => c.req.parseBody())
    : await c.req.parseBody();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(form)) if (k !== "_csrf") out[k] = v;
  return out;
}

/** Pages of a workspace: a visitor who is not signed in is sent to sign in, then back here. */
export function memberPage(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (c.get("site") !== "tenant") throw new NotFoundError("There is no page at this address.");
    if (!c.get("auth")) {
      const here = new URL(c.req.url);
      return c.redirect(`/login?next=${encodeURIComponent(here.pathname + here.search)}`, 303);
    }
    await next();
  };
}

/**
 * Only same-site paths may be a post-login destination (no open redirects). Control characters and
 * spaces are refused too: browsers drop tabs and newlines from a Location, so `/\t/evil.example`
 * would become `//evil.example`, and CR or LF cannot go in a header at all (a 500 before).
 */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.includes("\\") &&
      ![...next].some((ch) => ch <= " " || ch === "\x7f")
    ? next
    : "/";
}
