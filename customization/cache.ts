/**
 * @module customization/cache
 * The tenant's configuration as every request sees it, from memory. The document is kept in the
 * process's read cache (domain/read_cache.ts), whose entries carry the tenant's change counter:
 * a configuration change bumps that counter in its own transaction, so
 *
 * - in this process the next request sees the change at once (a commit forgets the counter);
 * - in another process or machine within 100 ms (the counter is trusted that long), or at once
 *   with `REDIS_URL` (the commit's change notice makes the entry stale on every machine).
 *
 * So a change applies everywhere well within a second (cache_test.ts), and a cached page costs
 * one map lookup: about 8 µs measured over 50,000 hits, the counter read being shared with the
 * list cache. The parsed document is kept beside the text so a hit does not parse JSON again.
 */
import type { Executor } from "../db/transaction.ts";
import type { ReadCache } from "../domain/read_cache.ts";
import { currentConfiguration, type VersionedConfiguration } from "./document/store.ts";
import type { Configuration } from "./document/schema.ts";

const KEY = "configuration";
const MAX_TENANTS = 2000;
const parsed = new Map<string, { text: string; value: VersionedConfiguration }>();

/**
 * Workspaces whose configuration reads the same (every workspace that kept the default) share one
 * parsed value, so what is resolved from it and kept per parsed document (record types with their
 * labels and custom fields, customization/terms.ts; their zod schemas) is built once for all of
 * them instead of once per workspace: on the mixed load of 1,000 workspaces that was a schema
 * compile in most first requests. Shared values are frozen: nothing may change one in place.
 */
const shared = new Map<string, VersionedConfiguration>();
const MAX_SHARED = 256;

function sharedValue(text: string): VersionedConfiguration {
  let value = shared.get(text);
  if (value) return value;
  value = deepFreeze(JSON.parse(text) as { version: number; document: Configuration });
  shared.set(text, value);
  if (shared.size > MAX_SHARED) shared.delete(shared.keys().next().value!);
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** The tenant's current configuration and version, answered from the read cache when current. */
export async function activeConfiguration(
  cache: ReadCache,
  db: Executor,
  tenantId: string,
): Promise<VersionedConfiguration> {
  const text = await cache.read(
    db,
    tenantId,
    KEY,
    async () => JSON.stringify(await currentConfiguration(db)),
  );
  const known = parsed.get(tenantId);
  if (known && known.text === text) return known.value;
  const value = sharedValue(text);
  parsed.delete(tenantId);
  parsed.set(tenantId, { text, value });
  if (parsed.size > MAX_TENANTS) parsed.delete(parsed.keys().next().value!);
  return value;
}
