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
import { actionsFor } from "../plugins/host/actions.ts";
import { pluginCards } from "../plugins/host/cards.ts";
import { activeConfiguration } from "../customization/cache.ts";
import { flattenInput } from "../domain/records/custom_values.ts";
import { queueRuleEffects } from "../workers/rule_jobs.ts";
import { recordTypeFor } from "../customization/terms.ts";

/** The record context of a request: the tenant's database and who is acting. */
export function recordContext(c: AppContext): RecordContext {
  const auth = principalOf(c);
  const tenant = tenantOf(c);
  const ctx: RecordContext = {
    db: tenant.db,
    userId: auth.userId,
    userName: auth.name,
    role: auth.role,
    // Stamps created_at, updated_at and history: a moved clock (TEST_TODAY) moves them too.
    clock: c.get("services").clock,
    // Notices and jobs of the tenant's rules, queued once the write is committed.
    ruleEffects: {
      pending: [],
      deliver: (effects) => queueRuleEffects(c.get("services").control, tenant.id, effects),
    },
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

/**
 * A record type as this tenant has it: named and laid out by its configuration (labels, extra
 * required fields; customization/terms.ts), plus its custom fields.
 */
export async function tenantRecordType(c: AppContext, def: RecordDef): Promise<RecordDef> {
  let loaded = c.get("configuration");
  if (!loaded) {
    const tenant = tenantOf(c);
    loaded = await activeConfiguration(c.get("services").readCache, tenant.db, tenant.id);
  }
  // recordTypeFor already adds the custom fields (once: adding them again listed them twice).
  return recordTypeFor(loaded.document, def);
}

/**
 * Validates an API record body whose custom values come under `custom_fields`: they are checked
 * with the record's schema and their errors named `custom_fields.<key>`.
 */
export function validateRecordBody<T extends z.ZodType>(
  schema: T,
  def: RecordDef,
  body: unknown,
): z.infer<T> {
  const result = schema.safeParse(flattenInput(def, body));
  if (result.success) return result.data;
  throw new InvalidError(
    "Some fields need attention.",
    nestedPaths(def, issuesByField(result.error)),
    422,
  );
}

function nestedPaths(def: RecordDef, details: Record<string, string[]>) {
  const custom = new Set(def.fields.filter((f) => f.custom).map((f) => f.name));
  const out: Record<string, string[]> = {};
  for (const [path, messages] of Object.entries(details)) {
    out[custom.has(path.split(".")[0]!) ? `custom_fields.${path}` : path] = messages;
  }
  return out;
}

/** Runs an API write; the rules' per-field errors on custom fields name `custom_fields.<key>`. */
export async function apiWrite<T>(def: RecordDef, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof InvalidError && err.details && typeof err.details === "object") {
      throw new InvalidError(
        err.message,
        nestedPaths(def, err.details as Record<string, string[]>),
        err.status,
      );
    }
    throw err;
  }
}

/** The actions enabled plugins offer on `collection`, while the plan includes plugins. */
export async function pluginActions(c: AppContext, collection: string) {
  if (!c.get("billing")?.entitlements.plugins) return [];
  const tenant = tenantOf(c);
  const installed = await c.get("services").plugins.enabled(tenant.id, tenant.db);
  return actionsFor(installed, collection);
}

/** The dashboard cards of enabled plugins, while the plan includes plugins. */
export async function pluginDashboardCards(c: AppContext) {
  if (!c.get("billing")?.entitlements.plugins) return [];
  const tenant = tenantOf(c);
  const runtime = c.get("services").plugins;
  const installed = (await runtime.enabled(tenant.id, tenant.db))
    .filter((p) => p.manifest.entryPoints.cards.length > 0);
  if (installed.length === 0) return [];
  return await pluginCards(runtime, tenant.id, tenant.today, installed, tenant.db);
}
