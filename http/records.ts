/**
 * @module http/records
 * Request helpers shared by the record pages and the record API: the record context of a request
 * (the tenant's database and who is acting) and validation with a record schema that answers the
 * typed errors the one error mapper turns into 422 or 400 with per-field messages.
 */
import type { z } from "zod";
import { type AppContext, principalOf, tenantOf } from "./env.ts";
import { InvalidError } from "../domain/errors.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import { issuesByField } from "../domain/records/schema.ts";
import { listQuerySchema, toListQuery } from "../domain/records/query.ts";
import type { RecordContext } from "../domain/records/repository.ts";

/** The record context of a request: the tenant's database and who is acting. */
export function recordContext(c: AppContext): RecordContext {
  const auth = principalOf(c);
  const tenant = tenantOf(c);
  const ctx: RecordContext = {
    db: tenant.db,
    userId: auth.userId,
    userName: auth.name,
    role: auth.role,
  };
  // Plugins' hooks run only while the plan includes plugins (billing/entitlements.ts).
  if (c.get("billing")?.entitlements.plugins) {
    ctx.hooks = c.get("services").plugins.hooksFor(tenant.id, tenant.today, { ...ctx });
  }
  return ctx;
}

/** Validates with a record schema: 422 with per-field messages (unknown keys named). */
export function validate<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InvalidError("Some fields need attention.", issuesByField(result.error), 422);
  }
  return result.data;
}

/** Parses a list query string; unknown parameters and bad values answer 400. */
export function parseListQuery(def: RecordDef, query: Record<string, string>) {
  const result = listQuerySchema(def).safeParse(query);
  if (!result.success) {
    throw new InvalidError("The query has problems.", issuesByField(result.error), 400);
  }
  return toListQuery(result.data as Record<string, unknown>);
}
