/**
 * @module plugins/host/runtime
 * This process's plugin machinery (one per Services): the sandboxes of installed plugins, kept
 * warm in a bounded LRU keyed by tenant, plugin and installed version, and each tenant's list of
 * enabled plugins, cached for a few seconds: this machine's install, update or disable shows at once
 * (through `forget`), another machine's at once with Redis (the list is read again when the
 * tenant's change notices say it was written, db/redis_changes.ts) and within those seconds
 * without. The sandboxes run in a small pool of workers that kills a call overrunning its time
 * limit (sandbox_pool.ts). `hooksFor` gives the repository the write hooks of a request; a tenant
 * without enabled hooks costs one cached map look-up per write. `beforeSave`
 * checks run inside the write; `afterSave` reactions are only queued, as jobs run after the
 * response (after_save_queue.ts, after_save.ts).
 */
import type { Client } from "../../db/client.ts";
import type { Executor } from "../../db/transaction.ts";
import { InvalidError } from "../../domain/errors.ts";
import type { ChangeNotices } from "../../domain/read_cache.ts";
import type { RecordContext, WriteEvent, WriteHooks } from "../../domain/records/context.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { hostFunctions, type PluginScope } from "./host_api.ts";
import { type Installation, listInstalled } from "./installations.ts";
import { afterSaveJobs } from "./after_save_queue.ts";
import { type HostFunction, PluginError, type SandboxLimits } from "./sandbox.ts";
import { type Preloaded, ReadAhead } from "./read_ahead.ts";
import { type PluginSandbox, SandboxPool } from "./sandbox_pool.ts";
import type { SafeFetchDeps } from "./safe_fetch.ts";

/** What every entry point receives beside its input. */
export interface PluginCallContext {
  settings: Record<string, unknown>;
  today: string;
  plugin: { name: string; version: string };
}

export interface PluginRuntimeOptions {
  /** Sandboxes kept warm in this process. */
  maxSandboxes?: number;
  /** How long a tenant's list of plugins is trusted without reading it again, in ms. */
  listTtlMs?: number;
  network?: SafeFetchDeps;
  /** The control database, whose job queue takes the afterSave reactions of writes. */
  jobs?: Client;
  log?: (line: string, fields: Record<string, unknown>) => void;
  now?: () => number;
  /** Sandbox workers (threads) in this process; default 2. */
  workers?: number;
  /** Per-tenant generations that change when any machine writes (with Redis; services.ts). */
  notices?: ChangeNotices;
  /** Limits of beforeSave hooks; HOOK_LIMITS unless a test holds a hook's network on purpose. */
  hookLimits?: Partial<SandboxLimits>;
}

/** Limits of a beforeSave hook: the writer waits, inside the write transaction. */
export const HOOK_LIMITS: Partial<SandboxLimits> = { timeMs: 250 };

export class PluginRuntime {
  #sandboxes = new Map<string, PluginSandbox>();
  #lists = new Map<string, { at: number; generation: number; list: Installation[] }>();
  readonly #max: number;
  readonly #ttl: number;
  readonly #now: () => number;
  readonly #pool: SandboxPool;
  readonly #readAhead = new ReadAhead();
  #hostReads = 0;

  constructor(private readonly options: PluginRuntimeOptions = {}) {
    this.#max = options.maxSandboxes ?? 200;
    this.#ttl = options.listTtlMs ?? 5000;
    this.#now = options.now ?? (() => Date.now());
    // Workers start on the first call; their engine compiles in the worker, off any request.
    this.#pool = new SandboxPool({ size: options.workers ?? 2 });
  }

  /** Sandbox workers started and killed in this process. */
  get workerStats(): { started: number; killed: number } {
    return { ...this.#pool.stats };
  }

  /** Forgets a tenant's cached list and sandboxes (after a lifecycle change). */
  forget(tenantId: string): void {
    this.#lists.delete(tenantId);
    this.#readAhead.forget(`${tenantId}\u0000`);
    for (const [key, box] of this.#sandboxes) {
      if (key.startsWith(`${tenantId}\u0000`)) {
        box.dispose();
        this.#sandboxes.delete(key);
      }
    }
  }

  /** The tenant's enabled plugins, from the cache or `db`. */
  async enabled(tenantId: string, db: Executor): Promise<Installation[]> {
    // Taken before reading: a notice that arrives meanwhile leaves this list already stale.
    const generation = this.options.notices?.generation(tenantId) ?? 0;
    const cached = this.#lists.get(tenantId);
    if (cached && cached.generation === generation && this.#now() - cached.at < this.#ttl) {
      return cached.list;
    }
    const list = (await listInstalled(db)).filter((p) => p.enabled);
    this.#lists.set(tenantId, { at: this.#now(), generation, list });
    return list;
  }

  #sandboxKey(tenantId: string, plugin: Installation): string {
    return `${tenantId}\u0000${plugin.name}\u0000${plugin.version}\u0000${plugin.updatedAt}`;
  }

  /** The warm sandbox of an installed plugin (LRU: a use moves it to the back). */
  sandbox(tenantId: string, plugin: Installation): PluginSandbox {
    const key = this.#sandboxKey(tenantId, plugin);
    let box = this.#sandboxes.get(key);
    if (box) {
      this.#sandboxes.delete(key);
    } else {
      box = this.#pool.sandbox(plugin.manifest.title, plugin.code, undefined, tenantId);
    }
    this.#sandboxes.set(key, box);
    while (this.#sandboxes.size > this.#max) {
      const [oldest, old] = this.#sandboxes.entries().next().value!;
      old.dispose();
      this.#sandboxes.delete(oldest);
    }
    return box;
  }

  /** Writes `line` to the plugin's log (the app's log, with the plugin and workspace). */
  logFor(tenantId: string, plugin: string, line: string): void {
    this.options.log?.(line, { plugin, tenant: tenantId });
  }

  /** Calls entry point `handler` of `plugin` for a tenant, with the host the scope allows. */
  call(
    tenantId: string,
    plugin: Installation,
    handler: string,
    input: unknown,
    scope: Omit<PluginScope, "permissions" | "domains">,
    today: string,
    limits: Partial<SandboxLimits> = {},
  ): Promise<unknown> {
    const host = this.#host(tenantId, plugin, scope);
    return this.#dispatch(tenantId, plugin, handler, input, host, today, limits, []);
  }

  /** The host functions of one call of `plugin`, within what its installation was granted. */
  #host(
    tenantId: string,
    plugin: Installation,
    scope: Omit<PluginScope, "permissions" | "domains">,
  ): Record<string, HostFunction> {
    return hostFunctions({
      ...scope,
      permissions: plugin.permissions,
      domains: plugin.domains,
      network: this.options.network ?? scope.network,
      log: (line) => this.options.log?.(line, { plugin: plugin.name, tenant: tenantId }),
    });
  }

  #dispatch(
    tenantId: string,
    plugin: Installation,
    handler: string,
    input: unknown,
    host: Record<string, HostFunction>,
    today: string,
    limits: Partial<SandboxLimits>,
    preloaded: Preloaded,
  ): Promise<unknown> {
    const context: PluginCallContext = {
      settings: plugin.settings,
      today,
      plugin: { name: plugin.name, version: plugin.version },
    };
    return this.sandbox(tenantId, plugin).call(handler, [input, context], host, limits, preloaded);
  }

  /**
   * A beforeSave check made ready to send: its host (whose `records.get` teaches the read-ahead
   * which of the event's references the hook reads) and the records it is known to read, read
   * now on the write's transaction (read_ahead.ts).
   */
  async #prepareCheck(
    tenantId: string,
    plugin: Installation,
    handler: string,
    tx: Executor,
    event: WriteEvent,
  ): Promise<{ host: Record<string, HostFunction>; preloaded: Preloaded }> {
    const key = `${this.#sandboxKey(tenantId, plugin)}\u0000${handler}`;
    const host = this.#host(tenantId, plugin, { read: tx, write: null });
    const read = host["records.get"]!;
    const preloaded = await this.#readAhead.preload(key, event, read);
    host["records.get"] = (args) => {
      this.#hostReads++;
      this.#readAhead.learn(key, event, args[0], args[1]);
      return read(args);
    };
    return { host, preloaded };
  }

  /** `records.get` calls of beforeSave hooks that reached this thread (not read ahead). */
  get beforeSaveHostReads(): number {
    return this.#hostReads;
  }

  /** The write hooks of one request or job in tenant `tenantId`. */
  hooksFor(
    tenantId: string,
    today: string,
    context: Omit<RecordContext, "hooks"> & { db: Client },
    depth = 0,
  ): WriteHooks {
    const hooks = (list: Installation[], event: "beforeSave" | "afterSave", collection: string) =>
      list.flatMap((plugin) =>
        plugin.manifest.entryPoints.hooks
          .filter((h) => h.event === event && h.collection === collection)
          .map((h) => ({ plugin, handler: h.handler }))
      );
    return {
      beforeSave: async (tx, event) => {
        const list = await this.enabled(tenantId, tx);
        if (list.length === 0) return;
        // Once every sandbox involved is warm, the checks run side by side (each plugin in its own
        // sandbox, often on another worker) and the writer waits for the slowest, not the sum.
        // Cold sandboxes start one after another: loading a module on a busy worker can take
        // much of a hook's 250 ms, which a neighbour waiting on that worker would be charged.
        // Either way the answers are read in the plugins' order, all settled first (none still
        // reads the transaction once it ends): the first to fail or refuse decides.
        const checks = hooks(list, "beforeSave", event.collection);
        if (checks.length === 0) return;
        // Reads ahead first, then every call in one synchronous stretch: they leave in one batch.
        const ready: { host: Record<string, HostFunction>; preloaded: Preloaded }[] = [];
        for (const { plugin, handler } of checks) {
          ready.push(await this.#prepareCheck(tenantId, plugin, handler, tx, event));
        }
        const check = ({ plugin, handler }: (typeof checks)[number], i: number) =>
          this.#dispatch(
            tenantId,
            plugin,
            handler,
            event,
            ready[i]!.host,
            today,
            this.options.hookLimits ?? HOOK_LIMITS,
            ready[i]!.preloaded,
          ).then((value) => ({ value }), (error: unknown) => ({ error }));
        const together = checks.length > 1 &&
          checks.every(({ plugin }) => this.sandbox(tenantId, plugin).warm);
        const answers = together ? await Promise.all(checks.map(check)) : null;
        for (const [i, hook] of checks.entries()) {
          const answer = answers ? answers[i]! : await check(hook, i);
          if ("error" in answer) {
            const err = answer.error;
            const why = err instanceof PluginError ? err.message : String(err);
            throw new InvalidError(
              `${hook.plugin.manifest.title} could not check this change (${why}). ` +
                "Try again, or disable the plugin in Settings → Plugins.",
              { _: [why] },
              422,
            );
          }
          refuseIfTold(hook.plugin, answer.value);
        }
      },
      afterSave: async (event) => {
        // A write made by a plugin's afterSave is checked, but tells no afterSave again: no loops.
        if (depth > 0) return;
        const list = await this.enabled(tenantId, context.db).catch(() => []);
        const jobs = afterSaveJobs(tenantId, list, event);
        if (jobs.length === 0) return;
        // Only queued here (one batch for every plugin), so the response waits for one insert
        // into the job table, never for a plugin; the reactions run as jobs (after_save.ts).
        const failed = (why: string) =>
          this.options.log?.(`afterSave not queued: ${why}`, { tenant: tenantId });
        if (!this.options.jobs) return failed("this runtime has no job queue");
        await this.options.jobs.batch(jobs, "write").catch((err) =>
          failed(err instanceof Error ? err.message : String(err))
        );
      },
    };
  }

  /** Frees every sandbox. */
  close(): void {
    for (const box of this.#sandboxes.values()) box.dispose();
    this.#sandboxes.clear();
    this.#lists.clear();
    this.#pool.close();
  }
}

/** A beforeSave answer `{ ok: false, message, field? }` refuses the write with that message. */
function refuseIfTold(plugin: Installation, verdict: unknown): void {
  if (!verdict || typeof verdict !== "object") return;
  const v = verdict as Record<string, unknown>;
  if (v.ok !== false) return;
  const message = typeof v.message === "string" && v.message.trim()
    ? v.message.slice(0, 500)
    : `${plugin.manifest.title} refused this change.`;
  const field = typeof v.field === "string" && /^[\w.]{1,80}$/.test(v.field) ? v.field : "_";
  throw new InvalidError(message, { [field]: [message], plugin: [plugin.name] }, 422);
}

export type { RecordValues, WriteEvent };
