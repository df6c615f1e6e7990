/**
 * @module http/idempotency
 * `Idempotency-Key` on API POSTs (DESIGN.md, after the IETF httpapi draft): a client that retries
 * a create after a dropped connection sends the same key, and gets the first answer again
 * instead of a second record. Per caller and tenant, for 24 hours:
 * - the same key with the same request replays the stored answer (`Idempotent-Replayed: true`);
 * - the same key with a different request is refused with 422 and runs nothing;
 * - the same key while the first request still runs is refused with 409;
 * - only successful (2xx) JSON answers are kept: a failed request changed nothing, so a retry
 *   with the same key simply runs again.
 * Without the header a POST runs as always.
 */
import type { MiddlewareHandler } from "hono";
import { ConflictError, InvalidError } from "../domain/errors.ts";
import { claimKey, releaseKey, storeAnswer } from "../db/idempotency_keys.ts";
import { sha256Hex } from "../db/ids.ts";
import type { AppEnv } from "./env.ts";
import { readAtMost, twoCopies } from "./request_body.ts";

/** Visible ASCII, as the draft's sf-string allows; long enough for a UUID or ULID and more. */
const KEY_FORMAT = /^[\x21-\x7e]{1,255}$/;
/** The headers of an answer that a replay must carry as well. */
const KEPT_HEADERS = ["content-type", "location", "etag"];

/** Applies Idempotency-Key semantics to authenticated POSTs under /api/ on a tenant's host. */
export function idempotentPosts(maxBodyBytes: number): MiddlewareHandler<AppEnv> {
  const idempotent = idempotentPost(maxBodyBytes);
  // A plain function on the way through: any other method costs no promise here.
  return (c, next) => c.req.method === "POST" ? idempotent(c, next) : next();
}

/** The Idempotency-Key semantics of one POST. */
function idempotentPost(maxBodyBytes: number): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header("idempotency-key");
    const tenant = c.get("tenant");
    const auth = c.get("auth");
    if (key === undefined || !tenant || !auth || !c.req.path.startsWith("/api/")) {
      return await next();
    }
    if (!KEY_FORMAT.test(key)) {
      throw new InvalidError("The Idempotency-Key header must be 1 to 255 visible characters.", {
        "Idempotency-Key": ["Use a fresh random value (a UUID, for example) per new request."],
      });
    }
    // The route reads one copy of the body and the fingerprint the other.
    const [forRoute, forFingerprint] = twoCopies(c.req.raw);
    c.req.raw = forRoute;
    const fingerprint = await requestFingerprint(forFingerprint, maxBodyBytes);
    // A body too large to keep a fingerprint of is refused by its route's own limit anyway.
    if (fingerprint === null) return await next();

    const db = tenant.db;
    const claim = await claimKey(db, auth.userId, key, fingerprint);
    if (claim.kind !== "claimed" && claim.fingerprint !== fingerprint) {
      throw new InvalidError(
        "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
        { "Idempotency-Key": ["Already used with another method, path or body."] },
        422,
      );
    }
    if (claim.kind === "in_flight") {
      throw new ConflictError(
        "A request with this Idempotency-Key is still being processed. Retry in a moment.",
      );
    }
    if (claim.kind === "answered") {
      const headers = new Headers(claim.answer.headers);
      headers.set("Idempotent-Replayed", "true");
      // Set, not returned: http/chain.ts composes layers that answer through c.res.
      c.res = c.body(claim.answer.body, claim.answer.status as 200, Object.fromEntries(headers));
      return;
    }

    try {
      await next();
    } catch (err) {
      await releaseKey(db, auth.userId, key);
      throw err;
    }
    const res = c.res;
    const contentType = res.headers.get("content-type") ?? "";
    if (res.status >= 200 && res.status < 300 && contentType.startsWith("application/json")) {
      const headers: Record<string, string> = {};
      for (const name of KEPT_HEADERS) {
        const value = res.headers.get(name);
        if (value !== null) headers[name] = value;
      }
      await storeAnswer(db, auth.userId, key, {
        status: res.status,
        headers,
        body: await res.clone().text(),
      });
    } else {
      await releaseKey(db, auth.userId, key);
    }
  };
}

/**
 * What makes two requests "the same": method, path with query, and the body. A multipart body is
 * compared by its fields and files, not its bytes, because a client picks a new boundary on every
 * retry. Null when the body is over `maxBytes`. Reads `req`'s body (give it a copy:
 * request_body.ts `twoCopies`).
 */
export async function requestFingerprint(req: Request, maxBytes: number): Promise<string | null> {
  const bytes = req.body ? await readAtMost(req.body, maxBytes) : new Uint8Array();
  if (bytes === null) return null;
  const url = new URL(req.url);
  const parts: string[] = [req.method, url.pathname + url.search];
  const contentType = req.headers.get("content-type") ?? "";
  if (contentType.startsWith("multipart/form-data")) {
    try {
      const form = await new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": contentType },
      })
        .formData();
      for (const [name, value] of form) {
        parts.push(
          typeof value === "string"
            ? `${name}=${value}`
            : `${name}=file:${value.name}:${value.size}:${await sha256Hex(await value.bytes())}`,
        );
      }
    } catch {
      parts.push(await sha256Hex(bytes)); // not parseable: the route will say so
    }
  } else {
    parts.push(contentType, await sha256Hex(bytes));
  }
  return await sha256Hex(parts.join("\n"));
}
