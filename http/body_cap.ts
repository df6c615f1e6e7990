/**
 * @module http/body_cap
 * One cap on every request body, applied on the raw stream before any route reads it. Routes read
 * bodies in many ways (`readJson`, `c.req.parseBody()`, `c.req.text()`, `c.req.formData()`,
 * `c.req.arrayBuffer()`); a cap in a helper protects only the routes that remember to use it, so
 * the cap sits in the app's middleware chain instead, where no route can miss it.
 *
 * Every body is held to BODY_MAX_BYTES (1 MB) unless its route is listed in `LARGE_BODIES` with a
 * larger cap of its own (uploads: documents and camera captures, CSV imports, workspace restore). A body with a
 * Content-Length over the cap is refused at once; one streamed without a length is counted as it
 * arrives and refused when it passes the cap. Either way the answer is 413 and no route runs.
 */
import type { MiddlewareHandler, Next } from "hono";
import type { Config } from "../config.ts";
import { InvalidError } from "../domain/errors.ts";
import { tooLarge } from "../domain/documents/intake.ts";
import type { AppContext, AppEnv } from "./env.ts";
import { BODY_MAX_BYTES } from "./guards.ts";
import { holdBodyToCap } from "./request_body.ts";

/** Multipart framing allowed on top of an upload's file size. */
export const ENVELOPE_BYTES = 64 * 1024;

/** Largest workspace archive restored from the browser (routes/settings/data.tsx). */
export const RESTORE_MAX_BYTES = 256 * 1024 * 1024;

/** Largest CSV file imported from the browser (routes/records/csv_import.tsx). */
export const CSV_IMPORT_MAX_BYTES = 2 * 1024 * 1024;

/** A route whose body may be larger than BODY_MAX_BYTES: an upload with a limit of its own. */
export interface LargeBody {
  method: string;
  path: RegExp;
  /** The largest body accepted, framing included. */
  max: (config: Pick<Config, "DOCUMENT_MAX_BYTES">) => number;
  /** The route's own words for a body too large (the same as its own check gives). */
  refusal: (config: Pick<Config, "DOCUMENT_MAX_BYTES">) => InvalidError;
}

/** The upload routes and their caps; every other route gets BODY_MAX_BYTES. */
export const LARGE_BODIES: readonly LargeBody[] = [
  {
    method: "POST",
    // The upload form and API, and the phone camera's page and API (routes/documents/camera.tsx).
    path: /^\/(documents(\/camera)?|api\/v1\/documents(\/captures)?)$/,
    max: (config) => config.DOCUMENT_MAX_BYTES + ENVELOPE_BYTES,
    refusal: (config) => tooLarge(config.DOCUMENT_MAX_BYTES),
  },
  {
    method: "POST",
    path: /^\/[a-z_-]+\/import$/,
    max: () => CSV_IMPORT_MAX_BYTES + ENVELOPE_BYTES,
    refusal: () => new InvalidError("The file is larger than 2 MB.", undefined, 413),
  },
  {
    method: "POST",
    path: /^\/settings\/data\/restore$/,
    max: () => RESTORE_MAX_BYTES + ENVELOPE_BYTES,
    refusal: () =>
      new InvalidError("The archive is larger than 256 MB. Ask support to restore it.", {
        archive: ["Larger than 256 MB."],
      }, 413),
  },
];

/** The largest body accepted for a request to `method` `path`. */
export function bodyCapFor(
  method: string,
  path: string,
  config: Pick<Config, "DOCUMENT_MAX_BYTES">,
): number {
  return largeBodyOf(method, path)?.max(config) ?? BODY_MAX_BYTES;
}

function largeBodyOf(method: string, path: string): LargeBody | undefined {
  return LARGE_BODIES.find((r) => r.method === method && r.path.test(path));
}

/** Refuses any body over its route's cap with 413 before a route reads it. */
export function capBodies(config: Pick<Config, "DOCUMENT_MAX_BYTES">): MiddlewareHandler<AppEnv> {
  // A plain function on the way through: a request without a body costs no promise here.
  return (c, next) => c.req.raw.body ? capBody(c, next, config) : next();
}

/** Holds this request's body to its route's cap. */
async function capBody(
  c: AppContext,
  next: Next,
  config: Pick<Config, "DOCUMENT_MAX_BYTES">,
): Promise<void> {
  const large = largeBodyOf(c.req.method, c.req.path);
  const max = large?.max(config) ?? BODY_MAX_BYTES;
  await holdBodyToCap(c, max, () =>
    large?.refusal(config) ?? new InvalidError(
      `The body is larger than ${Math.round(max / 1024)} KB. Send less at once.`,
      undefined,
      413,
    ));
  await next();
}
