/**
 * @module domain/read_cache
 * Answers a tenant's repeated reads (a list page, a search, the dashboard) from memory while the
 * tenant's data is unchanged. Every entry carries the tenant's change counter
 * (records/changes.ts) from when it was computed; a read first asks the database for the
 * current counter (one indexed read) and recomputes on any difference. The counter lives in the
 * tenant database, so a write made by another process or machine invalidates entries here too,
 * within the 100 ms the counter is trusted. With `REDIS_URL` set, change notices
 * (db/redis_changes.ts) make another machine's write visible here at once: each entry also
 * carries the tenant's notice generation, taken before computing, and a newer one recomputes.
 * Bounded by total size; the least recently used entries go first.
 */
import type { Executor } from "../db/transaction.ts";
import { changeVersion } from "./records/changes.ts";

/** Per-tenant generations that change whenever any machine writes (db/redis_changes.ts). */
export interface ChangeNotices {
  generation(tenantId: string): number;
}

interface Entry {
  version: number;
  generation: number;
  value: string;
  /** The UTF-8 bytes, made once: large responses are sent without encoding them again. */
  bytes?: Uint8Array<ArrayBuffer>;
}

const MAX_BYTES = 64 * 1024 * 1024;
const MAX_ENTRY_BYTES = 1024 * 1024;
const encoder = new TextEncoder();

/**
 * `text` as one flat string. A rendered page or JSON list is built by concatenation, which V8 keeps
 * as a rope: a tree of a node per piece (a few hundred per page). Kept in the cache, those nodes
 * lived in the old generation, where every full collection walked them: 359,000 of the 1.43
 * million objects of a process serving 200 tenants (heap snapshot, 2026-12-07; the full
 * collection over 1,000 tenants took over a second). Converting to a number flattens the string in
 * place (one copy; the rope's nodes become garbage) and, for text that is not a number, stops at
 * the first character.
 */
function flat(text: string): string {
  Number(text);
  return text;
}

/** One process's cache of rendered reads; `Services.readCache` holds the only one. */
export class ReadCache {
  #entries = new Map<string, Entry>();
  #bytes = 0;
  /** Reads answered from memory and reads computed, since start (ops/metrics.ts reads them). */
  hits = 0;
  misses = 0;

  constructor(readonly maxBytes = MAX_BYTES, readonly notices?: ChangeNotices) {}

  /** Like `read`, as UTF-8 bytes ready to be a response body. */
  async bytes(
    db: Executor,
    tenantId: string,
    key: string,
    compute: () => Promise<string>,
  ): Promise<Uint8Array<ArrayBuffer>> {
    const value = await this.read(db, tenantId, key, compute);
    const entry = this.#entries.get(`${tenantId}\u0000${key}`);
    if (entry?.value !== value) return encoder.encode(value); // too large to keep
    return entry.bytes ??= encoder.encode(value);
  }

  /** The cached text for (tenant, key) at the tenant's current version, computing it if needed. */
  async read(
    db: Executor,
    tenantId: string,
    key: string,
    compute: () => Promise<string>,
  ): Promise<string> {
    // Taken before computing: a notice that arrives meanwhile leaves this entry already stale.
    const generation = this.notices?.generation(tenantId) ?? 0;
    const version = await changeVersion(db);
    const id = `${tenantId}\u0000${key}`;
    const hit = this.#entries.get(id);
    if (hit && hit.version === version && hit.generation === generation) {
      this.hits++;
      this.#entries.delete(id); // most recently used goes last
      this.#entries.set(id, hit);
      return hit.value;
    }
    this.misses++;
    const value = flat(await compute());
    if (hit) {
      this.#entries.delete(id);
      this.#bytes -= hit.value.length;
    }
    if (value.length <= MAX_ENTRY_BYTES) {
      this.#entries.set(id, { version, generation, value });
      this.#bytes += value.length;
      this.#evict();
    }
    return value;
  }

  /** Forgets everything (closeServices). */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  #evict(): void {
    while (this.#bytes > this.maxBytes && this.#entries.size) {
      const [key, entry] = this.#entries.entries().next().value!;
      this.#entries.delete(key);
      this.#bytes -= entry.value.length;
    }
  }
}

/** A stable key for a query string: parameters sorted, so `a=1&b=2` and `b=2&a=1` share it. */
export function queryKey(query: Record<string, string>): string {
  return Object.keys(query).sort().map((k) => `${k}=${query[k]}`).join("&");
}
