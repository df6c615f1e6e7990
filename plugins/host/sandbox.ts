/**
 * @module plugins/host/sandbox
 * Runs plugin code in QuickJS compiled to WebAssembly (quickjs-emscripten), not in the app's V8
 * isolate. Why this engine (docs/plugins/sandbox.md): its heap lives in a WebAssembly memory of
 * its own with a hard `maximum` (see `newEngine`; QuickJS's `setMemoryLimit` alone let a loop of
 * large arrays grow the process to 2 GB), an interrupt handler checked while bytecode runs stops an
 * infinite loop on time, and it has no file, network, environment, process or module loading at
 * all: a plugin reaches the world only through the functions the host hands it. A Deno Worker
 * with permissions denied cannot cap a worker's memory (the whole process would die on a 2 GB
 * allocation), so the worker is not the sandbox: it is the wall around it. The app runs these
 * engines inside a few such workers (sandbox_pool.ts) and terminates one whose call overruns,
 * which stops a single long native operation (a catastrophic regexp) that the interrupt handler,
 * checked only between bytecode steps, cannot.
 *
 * Values cross the boundary only as JSON text, copied into the other heap: the plugin never holds
 * a host object, so it cannot pollute a host prototype or call back into the app.
 *
 * One `Sandbox` is one plugin of one tenant: its own engine instance, memory, runtime and context.
 * A call that breaks a limit drops them all; the next call starts fresh ones.
 */
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSContext,
  type QuickJSHandle,
  type QuickJSRuntime,
  type QuickJSWASMModule,
} from "quickjs-emscripten-core";
import releaseSync from "@jitl/quickjs-wasmfile-release-sync";

/** Per-call limits. The defaults suit a hook on a record write. */
export interface SandboxLimits {
  /** Heap of the plugin's runtime, in bytes. */
  memoryBytes: number;
  /** Wall-clock time of one call, host calls included, in milliseconds. */
  timeMs: number;
  /** Host calls (records, fetch) one call may make. */
  hostCalls: number;
  /** Size of the JSON a call or a host call may return to the other side, in bytes. */
  messageBytes: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  memoryBytes: 32 * 1024 * 1024,
  timeMs: 1000,
  hostCalls: 200,
  messageBytes: 1024 * 1024,
};

/** What a sandbox worker is told about one call as it goes (sandbox_worker.ts). */
export interface CallPause {
  /** Plugin code is about to run: at the call's start and after each wait. */
  running(): void;
  /** The call waits for host answers. */
  waiting(): void;
  /** The call's outcome, as soon as it is known (a failure may be told twice; the first counts). */
  settled(outcome: { value: unknown } | { error: unknown }): void;
}

/** A host function: JSON-ready arguments in, a JSON-ready value (or a rejection) out. */
export type HostFunction = (args: unknown[]) => Promise<unknown>;

/** Raised when a plugin breaks a limit or fails; `stopped` when its runtime was torn down. */
export class PluginError extends Error {
  constructor(message: string, readonly stopped: boolean) {
    super(message);
    this.name = "PluginError";
  }
}

let compiled: Promise<WebAssembly.Module> | null = null;

/** Time to create a runtime and evaluate the plugin's module, in milliseconds. */
export const START_MS = 2000;

/** WebAssembly pages (64 KiB) the engine starts with: its build declares 16 MB. */
const INITIAL_PAGES = 256;

/**
 * The QuickJS engine's code, compiled once per process (about 100 ms). Load it outside any
 * request: instantiated inside one, the request's async context (such as the write lock's "this
 * flow holds the lock" in db/write_lock.ts) stayed attached to later requests, as measured with
 * Deno 2.9.6. In the app it is compiled inside each sandbox worker (sandbox_pool.ts), from the
 * bytes the host reads (the worker may not read the file); the harness and the tests read it here.
 */
export function loadEngine(wasmBinary?: ArrayBuffer): Promise<WebAssembly.Module> {
  return compiled ??= (async () => {
    const bytes = wasmBinary ?? await Deno.readFile(
      new URL(import.meta.resolve("@jitl/quickjs-wasmfile-release-sync/wasm")),
    );
    return WebAssembly.compile(bytes);
  })();
}

/**
 * A fresh instance of the engine for one sandbox, in a WebAssembly memory of its own whose
 * `maximum` is the engine's 16 MB plus one and a half times the plugin's memory limit (64 MB for
 * 32 MB: room for the allocator's fragments; 24 MB of arrays or strings still fit). QuickJS's own
 * limit (`setMemoryLimit`) does not hold for every allocation: arrays filled element by element
 * passed it (64 MB counted under 32 MB), and the engine's allocator grew the memory up to the
 * 2 GB a 32-bit WebAssembly memory allows. Past this `maximum` the allocator gets no more, QuickJS
 * fails with "out of memory", and the instance is dropped with its sandbox. About 11 ms and 0.7 MB
 * per instance on a loaded machine (50 of them, the code compiled once).
 */
async function newEngine(memoryBytes: number): Promise<QuickJSWASMModule> {
  // The variant's types come from its own copy of quickjs-ffi-types; the shapes are the same.
  type Variant = Parameters<typeof newQuickJSWASMModuleFromVariant>[0];
  const wasmModule = await loadEngine();
  const maximum = Math.min(
    32768,
    INITIAL_PAGES + Math.ceil((1.5 * memoryBytes) / 65536),
  );
  const wasmMemory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum });
  const variant = newVariant(releaseSync as unknown as Parameters<typeof newVariant>[0], {
    wasmModule,
    wasmMemory,
  });
  return newQuickJSWASMModuleFromVariant(variant as unknown as Variant);
}

// The bridge inside the sandbox: `host.*` turns into one `__hostCall(name, json)` that answers a
// promise of JSON text. Installed before the plugin's module runs, then the raw hook is removed.
const PRELUDE = `
(() => {
  const raw = globalThis.__hostCall;
  delete globalThis.__hostCall;
  const call = (name, args) => raw(name, JSON.stringify(args)).then((s) => JSON.parse(s));
  const records = Object.freeze({
    get: (collection, id) => call("records.get", [collection, id]),
    list: (collection, query) => call("records.list", [collection, query ?? {}]),
    create: (collection, values) => call("records.create", [collection, values]),
    update: (collection, id, values) => call("records.update", [collection, id, values]),
  });
  const fetch = (url, init) => call("fetch", [url, init ?? {}]);
  const log = (...parts) => { call("log", parts.map(String)).catch(() => {}); };
  Object.defineProperty(globalThis, "host", { value: Object.freeze({ records, fetch, log }) });
  globalThis.console = Object.freeze({ log, warn: log, error: log, info: log });
})();
(ns, name, json) => {
  const f = ns[name];
  if (typeof f !== "function") throw new TypeError("The plugin exports no function " + name + ".");
  return Promise.resolve(f(...JSON.parse(json))).then((r) => JSON.stringify(r === undefined ? null : r));
}`;

/** One plugin's code in its own QuickJS runtime. */
export class Sandbox {
  #runtime: QuickJSRuntime | null = null;
  #memory: WebAssembly.Memory | null = null;
  #context: QuickJSContext | null = null;
  #namespace: QuickJSHandle | null = null;
  #invoke: QuickJSHandle | null = null;
  #queue: Promise<void> = Promise.resolve();
  #deadline = 0;

  constructor(
    readonly label: string,
    private readonly source: string,
    private readonly limits: SandboxLimits = DEFAULT_LIMITS,
  ) {}

  /** Whether a runtime is loaded (a broken call disposes it). */
  get alive(): boolean {
    return this.#runtime !== null;
  }

  /**
   * Calls the exported function `name` with `args`; host functions answer `host.*` calls.
   * `pause` is told when plugin code is about to run and when the call waits for host answers
   * (the sandbox worker sends its messages in one batch once no call can run).
   */
  call(
    name: string,
    args: unknown[],
    host: Record<string, HostFunction>,
    limits: Partial<SandboxLimits> = {},
    pause?: CallPause,
    preloaded?: ReadonlyMap<string, unknown>,
  ): Promise<unknown> {
    // One call at a time per sandbox: calls wait their turn (the runtime is single-threaded).
    const run = this.#queue.then(() =>
      this.#call(name, args, host, { ...this.limits, ...limits }, pause, preloaded)
    );
    this.#queue = run.then(() => {}, () => {});
    return run;
  }

  async #start(limits: SandboxLimits, pause?: CallPause): Promise<void> {
    if (this.#runtime) return;
    const quickjs = await newEngine(limits.memoryBytes);
    this.#memory = quickjs.getWasmMemory();
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(512 * 1024);
    // No module loader is set: `import` of anything (a URL, a file, a package) fails to resolve.
    const context = runtime.newContext();
    this.#runtime = runtime;
    this.#context = context;
    // One handler for the runtime's life (setting one per call costs a trip through the FFI).
    // Loading the module gets its own budget: a cold start on a busy machine is not the call's.
    this.#deadline = Date.now() + Math.max(limits.timeMs, START_MS);
    runtime.setInterruptHandler(() => Date.now() > this.#deadline);
    const hostCall = context.newFunction("__hostCall", (n, j) => this.#hostCall(context, n, j));
    context.setProp(context.global, "__hostCall", hostCall);
    hostCall.dispose();
    const invoke = context.evalCode(PRELUDE, "host-bridge.js");
    if (invoke.error) {
      const message = errorText(context, invoke.error);
      invoke.error.dispose();
      this.dispose();
      throw new PluginError(`${this.label} could not start: ${message}`, true);
    }
    this.#invoke = invoke.value;
    pause?.running();
    const ns = guarded(() => context.evalCode(this.source, "plugin.js", { type: "module" }));
    // A limit broken while loading reads as one broken in a call.
    const message = "overflow" in ns
      ? "stack overflow"
      : ns.error
      ? errorText(context, ns.error)
      : "";
    if ("overflow" in ns || ns.error) {
      const overLimit = this.#overMemory(limits, message);
      this.dispose();
      if (overLimit) {
        throw new PluginError(
          `${this.label} was stopped: it used more than ${mb(limits.memoryBytes)} of memory.`,
          true,
        );
      }
      throw new PluginError(`${this.label} failed to load: ${message}`, true);
    }
    this.#namespace = ns.value;
  }

  /** A `host.*` call from inside: answered by the current call's host functions, or refused. */
  #hostCall(context: QuickJSContext, nameHandle: QuickJSHandle, jsonHandle: QuickJSHandle) {
    const fn = context.getString(nameHandle);
    const json = context.getString(jsonHandle);
    const deferred = context.newPromise();
    const current = this.#current;
    const refuse = (why: string) => {
      const err = context.newError(why);
      deferred.reject(err);
      err.dispose();
      return deferred.handle;
    };
    if (!current) return refuse("Host calls are only answered during a call.");
    const { host, limits } = current;
    current.calls++;
    if (current.calls > limits.hostCalls) {
      return refuse(`More than ${limits.hostCalls} host calls in one call.`);
    }
    if (json.length > limits.messageBytes) return refuse("The message is too large.");
    if (!Object.hasOwn(host, fn)) return refuse(`There is no host function ${fn}.`);
    if (fn === "records.get" && current.preloaded?.has(json)) {
      // Read ahead by the host (read_ahead.ts): answered now, so the plugin's code runs on in
      // this same turn instead of waiting for a message. The same answer and size limit.
      const answer = JSON.stringify(current.preloaded.get(json) ?? null);
      if (answer.length > limits.messageBytes) {
        return refuse("The host's answer is larger than the plugin may receive.");
      }
      const handle = context.newString(answer);
      deferred.resolve(handle);
      handle.dispose();
      current.handles.add(deferred);
      return deferred.handle;
    }
    const work: Promise<void> = (async () => {
      let answer: string | null = null;
      let failure = "Failed.";
      try {
        const value = await host[fn]!(JSON.parse(json) as unknown[]);
        answer = JSON.stringify(value === undefined ? null : value);
        if (answer.length > limits.messageBytes) {
          answer = null;
          failure = "The host's answer is larger than the plugin may receive.";
        }
      } catch (err) {
        failure = err instanceof Error ? err.message : String(err);
      }
      if (!deferred.alive || this.#context !== context) return;
      const handle = answer !== null ? context.newString(answer) : context.newError(failure);
      if (answer !== null) deferred.resolve(handle);
      else deferred.reject(handle);
      handle.dispose();
    })().finally(() => {
      current.pending.delete(work);
      current.wake();
    });
    current.pending.add(work);
    current.handles.add(deferred);
    return deferred.handle;
  }

  #current: {
    host: Record<string, HostFunction>;
    /** `records.get` answers the host read ahead, by the call's arguments as JSON. */
    preloaded: ReadonlyMap<string, unknown> | undefined;
    limits: SandboxLimits;
    calls: number;
    pending: Set<Promise<void>>;
    /** Handles to free before the runtime can be freed (QuickJS asserts on leaked objects). */
    handles: Set<{ alive: boolean; dispose(): void }>;
    wake: () => void;
  } | null = null;

  async #call(
    name: string,
    args: unknown[],
    host: Record<string, HostFunction>,
    limits: SandboxLimits,
    pause: CallPause | undefined,
    preloaded: ReadonlyMap<string, unknown> | undefined,
  ): Promise<unknown> {
    try {
      return await this.#run(name, args, host, limits, pause, preloaded);
    } catch (err) {
      pause?.settled({ error: err });
      throw err;
    }
  }

  async #run(
    name: string,
    args: unknown[],
    host: Record<string, HostFunction>,
    limits: SandboxLimits,
    pause: CallPause | undefined,
    preloaded: ReadonlyMap<string, unknown> | undefined,
  ): Promise<unknown> {
    await this.#start(limits, pause);
    pause?.running();
    // From here on the call settles without awaiting anything but host answers: its outcome is
    // told in the same turn, before another sandbox's code runs.
    try {
      const runtime = this.#runtime!;
      const context = this.#context!;
      const deadline = Date.now() + limits.timeMs;
      this.#deadline = deadline;
      const current = {
        host,
        preloaded,
        limits,
        calls: 0,
        pending: new Set<Promise<void>>(),
        handles: new Set<{ alive: boolean; dispose(): void }>(),
        wake: () => {},
      };
      this.#current = current;
      const fail = (message: string): never => {
        if (Date.now() > deadline) this.#stop(`it ran longer than ${limits.timeMs} ms.`);
        if (this.#overMemory(limits, message)) {
          this.#stop(`it used more than ${mb(limits.memoryBytes)} of memory.`);
        }
        throw new PluginError(`${this.label}: ${message}`, false);
      };

      const nameHandle = context.newString(name);
      const jsonHandle = context.newString(JSON.stringify(args));
      const result = guarded(() =>
        context.callFunction(
          this.#invoke!,
          context.undefined,
          this.#namespace!,
          nameHandle,
          jsonHandle,
        )
      );
      if ("overflow" in result) return fail("stack overflow");
      nameHandle.dispose();
      jsonHandle.dispose();
      if (result.error) {
        const message = errorText(context, result.error);
        result.error.dispose();
        fail(message);
      }
      const promise = (result as { value: QuickJSHandle }).value;
      current.handles.add(promise);
      try {
        while (true) {
          const jobs = guarded(() => runtime.executePendingJobs(10_000));
          if ("overflow" in jobs) return fail("stack overflow");
          if (jobs.error) {
            const message = errorText(context, jobs.error);
            jobs.error.dispose();
            fail(message);
          }
          if (Date.now() > deadline) this.#stop(`it ran longer than ${limits.timeMs} ms.`);
          const state = context.getPromiseState(promise);
          if (state.type === "fulfilled") {
            const text = state.value;
            const json = context.typeof(text) === "string" ? context.getString(text) : null;
            text.dispose();
            if (json === null) throw new PluginError(`${this.label} answered no value.`, false);
            if (json.length > limits.messageBytes) {
              throw new PluginError(
                `${this.label} answered more than ${mb(limits.messageBytes)}.`,
                false,
              );
            }
            const value: unknown = JSON.parse(json);
            pause?.settled({ value });
            return value;
          }
          if (state.type === "rejected") {
            const message = errorText(context, state.error);
            state.error.dispose();
            fail(message);
          }
          if (runtime.hasPendingJob()) continue;
          if (current.pending.size === 0) {
            throw new PluginError(`${this.label} returned a promise that never settles.`, false);
          }
          let timer: ReturnType<typeof setTimeout> | undefined;
          pause?.waiting();
          await Promise.race([
            new Promise<void>((resolve) => (current.wake = resolve)),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
            }),
          ]);
          clearTimeout(timer);
          pause?.running();
        }
      } finally {
        this.#current = null;
        if (this.#context === context) {
          for (const handle of current.handles) if (handle.alive) handle.dispose();
        }
      }
    } catch (err) {
      pause?.settled({ error: err });
      throw err;
    }
  }

  /**
   * Whether a failure is the memory limit: QuickJS said so, or the engine's memory grew past the
   * plugin's limit over the engine's own 16 MB (near its cap QuickJS may not even have the memory
   * to describe the error: it then reads "null").
   */
  #overMemory(limits: SandboxLimits, message: string): boolean {
    if (/out of memory|stack overflow/i.test(message)) return true;
    const bytes = this.#memory?.buffer.byteLength ?? 0;
    return bytes > INITIAL_PAGES * 65536 + limits.memoryBytes;
  }

  #stop(why: string): never {
    this.dispose();
    throw new PluginError(`${this.label} was stopped: ${why}`, true);
  }

  /**
   * Drops the runtime with its engine instance; pending host calls are ignored when they finish.
   * Nothing is freed inside QuickJS: the instance's memory is this sandbox's alone and goes with
   * it, and freeing a runtime that broke a limit is what failed before (QuickJS asserted
   * `list_empty(&rt->gc_obj_list)` after a top-level infinite recursion had unwound its stack).
   */
  dispose(): void {
    this.#memory = null;
    this.#context = null;
    this.#runtime = null;
    this.#namespace = null;
    this.#invoke = null;
  }
}

/**
 * Runs `step` in the engine. A deep recursion can exhaust the thread's own stack (the WebAssembly
 * frames) before QuickJS's stack limit sees it: V8 then throws a RangeError through the engine,
 * leaving that instance unusable, so it is reported as an overflow and the sandbox is dropped.
 */
function guarded<T>(step: () => T): T | { overflow: true } {
  try {
    return step();
  } catch (err) {
    if (err instanceof RangeError || err instanceof WebAssembly.RuntimeError) {
      return { overflow: true };
    }
    throw err;
  }
}

function mb(bytes: number): string {
  return `${Math.round(bytes / 1024 / 1024)} MB`;
}

function errorText(context: QuickJSContext, handle: QuickJSHandle): string {
  try {
    const dumped = context.dump(handle) as unknown;
    if (dumped && typeof dumped === "object" && "message" in dumped) {
      return String((dumped as { message: unknown }).message);
    }
    return String(dumped);
  } catch {
    return "Unknown error.";
  }
}
