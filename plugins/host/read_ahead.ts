/**
 * @module plugins/host/read_ahead
 * Reads a `beforeSave` hook is known to make, made before its call and sent with it, so that the
 * hook's `host.records.get` of them is answered inside its sandbox worker instead of by a second
 * round trip to the app's thread (a round trip is most of what a hook adds to a write:
 * docs/benchmarks.md, plugins).
 *
 * What to read is learned, per hook, from the hook's own calls: when it asks for a record whose id
 * is the value of one of the event's fields (the sales order's `purchase_order_id`, a line's
 * `product_id`), that field is remembered, and later writes read the record it names ahead. The
 * read goes through the same host function as the hook's own call would, on the same open write
 * transaction (which no one else can change while the hook runs: the transaction holds the
 * database's write lock and a `beforeSave` host cannot write), so the answer is the one the hook
 * would have received: same permissions (a refused read is never read ahead), same tenant, same
 * snapshot. A hook that stops reading a field costs one wasted read per write until its sandbox
 * is reloaded; the extension API does not change (docs/plugins/api.md).
 */
import type { WriteEvent } from "../../domain/records/context.ts";
import type { HostFunction } from "./sandbox.ts";

/** Answers read ahead for one call: `records.get` arguments as JSON text, and the answer. */
export type Preloaded = [args: string, answer: unknown][];

/** Fields remembered per hook at most: a hook reading more than this is read ahead in part. */
const PATHS_PER_HOOK = 8;
/** Records read ahead for one call at most (a long order names many products). */
const READS_PER_CALL = 24;
/** Hooks remembered in this process at most (oldest forgotten first). */
const HOOKS = 4096;

/** The key a `records.get(collection, id)` call is known by on both sides: its arguments' JSON. */
export function readKey(collection: unknown, id: unknown): string {
  return JSON.stringify([collection, id]);
}

/** Where in the event a value sits: "values.customer_id", "lines.product_id", "existing.x". */
function pathsOf(event: WriteEvent, id: string): string[] {
  const found = new Set<string>();
  const scan = (where: string, record: Record<string, unknown> | null | undefined) => {
    if (!record) return;
    for (const [field, value] of Object.entries(record)) {
      if (value === id && field !== "id") found.add(`${where}.${field}`);
    }
  };
  scan("values", event.values);
  scan("existing", event.existing);
  for (const line of event.lines ?? []) scan("lines", line);
  return [...found];
}

/** The ids the event holds at `path` (one per line for a line field). */
function idsAt(event: WriteEvent, path: string): string[] {
  const [where, field] = path.split(".") as [string, string];
  const records = where === "lines"
    ? event.lines ?? []
    : [where === "values" ? event.values : event.existing];
  return records.flatMap((r) => {
    const value = r?.[field];
    return typeof value === "string" && value !== "" ? [value] : [];
  });
}

/** What each hook of this process reads, learned from its calls. */
export class ReadAhead {
  /** Hook key -> remembered reads, each `collection` + NUL + `path`. */
  #learned = new Map<string, Set<string>>();

  /** Forgets every hook whose key starts with `prefix` (a workspace's plugins changed). */
  forget(prefix: string): void {
    for (const key of this.#learned.keys()) if (key.startsWith(prefix)) this.#learned.delete(key);
  }

  /** Notes that hook `key`, called on `event`, asked for record `id` of `collection`. */
  learn(key: string, event: WriteEvent, collection: unknown, id: unknown): void {
    if (typeof collection !== "string" || typeof id !== "string" || id === "") return;
    const paths = pathsOf(event, id);
    if (paths.length === 0) return;
    let known = this.#learned.get(key);
    if (!known) {
      if (this.#learned.size >= HOOKS) this.#learned.delete(this.#learned.keys().next().value!);
      known = new Set();
      this.#learned.set(key, known);
    }
    for (const path of paths) {
      if (known.size >= PATHS_PER_HOOK) break;
      known.add(`${collection}\u0000${path}`);
    }
  }

  /**
   * Reads, through `read` (the hook's own `records.get`), the records hook `key` is known to ask
   * for on `event`. A read that fails is left out: the hook's own call then fails as it would have.
   */
  async preload(key: string, event: WriteEvent, read: HostFunction): Promise<Preloaded> {
    const known = this.#learned.get(key);
    if (!known) return [];
    const wanted = new Map<string, [string, string]>();
    for (const entry of known) {
      const [collection, path] = entry.split("\u0000") as [string, string];
      for (const id of idsAt(event, path)) {
        if (wanted.size >= READS_PER_CALL) break;
        wanted.set(readKey(collection, id), [collection, id]);
      }
    }
    const preloaded: Preloaded = [];
    for (const [args, [collection, id]] of wanted) {
      try {
        preloaded.push([args, await read([collection, id])]);
      } catch {
        // Not read ahead: the hook's own call meets the same refusal.
      }
    }
    return preloaded;
  }
}
