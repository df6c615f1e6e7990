/**
 * @module domain/errors
 * The few typed errors that domain and auth code throw. `http/errors.ts` maps each to one HTTP
 * status and to a page or a JSON body `{ error: { code, message, details } }`.
 */

export type ErrorCode =
  | "invalid_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "payment_required"
  | "read_only"
  | "rate_limited"
  | "internal";

/** Base class: a message safe to show to the user, a stable code and optional details. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Input failed validation; `details` maps field paths to messages. */
export class InvalidError extends AppError {
  constructor(message: string, details?: Record<string, string[]>, status = 400) {
    super("invalid_request", status, message, details);
  }
}

/** The caller is not signed in, or its credentials are wrong. */
export class UnauthorizedError extends AppError {
  constructor(message = "Sign in to continue.") {
    super("unauthorized", 401, message);
  }
}

/** The caller is signed in but its role does not allow this; `details` may name what is missing. */
export class ForbiddenError extends AppError {
  constructor(message = "Your role does not allow this action.", details?: unknown) {
    super("forbidden", 403, message, details);
  }
}

/** The record does not exist in this tenant (also used for other tenants' ids). */
export class NotFoundError extends AppError {
  constructor(message = "Not found.") {
    super("not_found", 404, message);
  }
}

/** The write conflicts with the current state (taken slug, stale version). */
export class ConflictError extends AppError {
  constructor(message: string, details?: unknown) {
    super("conflict", 409, message, details);
  }
}

/** Too many requests; `retryAfter` is in seconds. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfter: number, message = "Too many requests. Try again shortly.") {
    super("rate_limited", 429, message, { retry_after: retryAfter });
  }
}

/**
 * Adds `message` to `out[key]`. The key comes from the client (an unknown field or parameter), so
 * it is looked up as the object's own: `constructor`, `toString` or `__proto__` would otherwise
 * find Object.prototype's members (a 500), or replace the object's prototype.
 */
export function addFieldError(out: Record<string, string[]>, key: string, message: string): void {
  if (!Object.hasOwn(out, key)) {
    Object.defineProperty(out, key, { value: [], enumerable: true, writable: true });
  }
  out[key]!.push(message);
}

/** Turns a zod error into per-field messages for `InvalidError.details`. */
export function fieldErrors(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const issue of issues) {
    addFieldError(out, issue.path.map(String).join(".") || "_", issue.message);
  }
  return out;
}
