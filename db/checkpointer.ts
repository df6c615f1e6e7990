/**
 * @module db/checkpointer
 * WAL checkpoints off the request path: on a thread of their own, after a database's writes stop.
 *
 * SQLite folds its write-ahead log back into the database file (a checkpoint) by itself once the
 * log passes 1,000 pages, inside the COMMIT that crossed the line: it copies the pages (decrypting
 * and encrypting each page of an encrypted file) and syncs both files. libSQL runs statements
 * synchronously on the JavaScript thread, so that commit held every request of the process: 13 to
 * 43 ms each on the mixed load (bench/pauses.ts, docs/benchmarks.md). When background checkpoints
 * are started (the server and worker processes do, tests and tools do not), every local database
 * opened afterwards:
 * - leaves automatic checkpoints to a cap (`WAL_CAP_PAGES`, ~16 MB of log): the log cannot grow
 *   without bound even if this thread falls behind or dies, it only costs a request again;
 * - tells the checkpointer of each write; once a database has had no write for `idleMs` (or has
 *   kept writing for `maxDelayMs`), a worker thread looks at its log and, when it holds
 *   `minFrames` uncopied frames, runs a PASSIVE checkpoint on a connection of its own. PASSIVE
 *   never waits for or blocks a reader or writer; the next write starts the log from its
 *   beginning again (syncing its header, the one sync left in a commit), and
 *   `journal_size_limit` trims the file then.
 * Durability is unchanged: a commit is in the log before it returns, as before; the checkpoint
 * only moves it into the database file. The worker opens a database only if its file exists.
 */

/** Automatic checkpoints still happen past this many log pages: the cap on a log's growth. */
export const WAL_CAP_PAGES = 4000;
/** Bytes a log file is trimmed to when SQLite starts it over (PRAGMA journal_size_limit). */
export const WAL_KEEP_BYTES = 4 * 1024 * 1024;

/** One checkpoint's outcome, in SQLite's terms (frames in the log, frames moved to the file). */
export interface CheckpointResult {
  path: string;
  /** SQLite could not finish: a reader or writer held part of the log (it retries next time). */
  busy: boolean;
  /** Not checkpointed: fewer than `minFrames` frames waited (the counts are the log's). */
  skipped: boolean;
  logFrames: number;
  checkpointedFrames: number;
  ms: number;
  error?: string;
}

export interface CheckpointerOptions {
  /** A database is checkpointed once it has had no write for this long. */
  idleMs?: number;
  /** ...or once it has been waiting this long since its first unchecked write. */
  maxDelayMs?: number;
  /**
   * Frames a log must hold beyond those already copied before it is checkpointed (SQLite's own
   * threshold, 1,000, by default). Not fewer: the first commit after a complete checkpoint starts
   * the log over and syncs its header, in that commit, so checkpointing after every burst of
   * writes would put a sync into most commits (measured: 195 commits over 2 ms against 36).
   */
  minFrames?: number;
  /** Told of every checkpoint (logs, tests). */
  onCheckpoint?: (result: CheckpointResult) => void;
}

interface Dirty {
  key: string | undefined;
  firstAt: number;
  lastAt: number;
}

/** Checkpoints written-to local databases on a worker thread once their writes pause. */
export class BackgroundCheckpointer {
  readonly idleMs: number;
  readonly maxDelayMs: number;
  readonly minFrames: number;
  #dirty = new Map<string, Dirty>();
  #worker: Worker;
  #timer: ReturnType<typeof setInterval>;
  #next = 1;
  #waiting = new Map<number, (result: CheckpointResult) => void>();
  #onCheckpoint?: (result: CheckpointResult) => void;
  #done = 0;
  /** Why the thread stopped, when it did: every database then checkpoints at the cap. */
  #failed: string | null = null;

  constructor(options: CheckpointerOptions = {}) {
    this.idleMs = options.idleMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.minFrames = options.minFrames ?? 1000;
    this.#onCheckpoint = options.onCheckpoint;
    this.#worker = new Worker(new URL("./_checkpoint_worker.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (e: MessageEvent<CheckpointResult & { id: number }>) => {
      const { id, ...result } = e.data;
      this.#done++;
      this.#onCheckpoint?.(result);
      this.#waiting.get(id)?.(result);
      this.#waiting.delete(id);
    };
    this.#worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#fail(e.message);
    };
    this.#timer = setInterval(() => this.#sweep(), Math.max(50, Math.min(this.idleMs, 500)));
  }

  /** The thread died: answer every waiting flush, stop sweeping; SQLite's cap still holds. */
  #fail(message: string): void {
    if (this.#failed !== null) return;
    this.#failed = message;
    clearInterval(this.#timer);
    console.error(
      `Background checkpoints stopped (${message}); SQLite checkpoints each database at ` +
        `${WAL_CAP_PAGES} pages instead.`,
    );
    for (const resolve of this.#waiting.values()) resolve(this.#failedResult(""));
    this.#waiting.clear();
  }

  #failedResult(path: string): CheckpointResult {
    const error = this.#failed ?? "stopped";
    return { path, busy: false, skipped: true, logFrames: 0, checkpointedFrames: 0, ms: 0, error };
  }

  /** Checkpoints finished since start. */
  get completed(): number {
    return this.#done;
  }

  /** Notes a write to the database file at `path` (called by db/local_client.ts). */
  noteWrite(path: string, key: string | undefined): void {
    if (this.#failed !== null) return;
    const now = performance.now();
    const dirty = this.#dirty.get(path);
    if (dirty) {
      dirty.lastAt = now;
      dirty.key = key;
    } else {
      this.#dirty.set(path, { key, firstAt: now, lastAt: now });
    }
  }

  /** Checkpoints every database written since its last checkpoint, now, whatever its log holds. */
  flush(): Promise<CheckpointResult[]> {
    const paths = [...this.#dirty.keys()];
    return Promise.all(paths.map((path) => this.#send(path, 1)));
  }

  /** Stops the thread after checkpointing what was written (a process about to exit). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    if (this.#failed === null) await this.flush();
    this.#worker.terminate();
  }

  #sweep(): void {
    const now = performance.now();
    for (const [path, dirty] of this.#dirty) {
      if (now - dirty.lastAt >= this.idleMs || now - dirty.firstAt >= this.maxDelayMs) {
        void this.#send(path, this.minFrames);
      }
    }
  }

  #send(path: string, minFrames: number): Promise<CheckpointResult> {
    const dirty = this.#dirty.get(path);
    this.#dirty.delete(path);
    if (this.#failed !== null) return Promise.resolve(this.#failedResult(path));
    const id = this.#next++;
    const done = new Promise<CheckpointResult>((resolve) => this.#waiting.set(id, resolve));
    this.#worker.postMessage({ id, path, key: dirty?.key, minFrames });
    return done;
  }
}

let active: BackgroundCheckpointer | null = null;

/**
 * Starts background checkpoints for this process (main.ts, workers/main.ts, the bench server);
 * databases opened from now on take part. One per process: a second call returns the first.
 */
export function startBackgroundCheckpoints(options?: CheckpointerOptions): BackgroundCheckpointer {
  active ??= new BackgroundCheckpointer(options);
  return active;
}

/** Checkpoints what is pending and stops the thread; later databases checkpoint as SQLite does. */
export async function stopBackgroundCheckpoints(): Promise<void> {
  const checkpointer = active;
  active = null;
  await checkpointer?.stop();
}

/** The process's checkpointer, or null when checkpoints are SQLite's own (the default). */
export function backgroundCheckpointer(): BackgroundCheckpointer | null {
  return active;
}
