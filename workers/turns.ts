/**
 * @module workers/turns
 * Lets a sweep over every workspace give the event loop a turn now and then.
 *
 * libSQL runs statements synchronously on the JavaScript thread, and an `await` on a settled
 * promise does not let timers or I/O run: a periodic chore that loops over 1,000 workspaces with a
 * statement or two each (queueing the daily notifications, the business alerts) is one task from
 * its first workspace to its last, some hundreds of ms in which no request of the process is
 * answered (on one machine the web server and the worker share the process). A loop that calls
 * `await turns.take()` between items yields once it has held the thread for `budgetMs`, so no
 * sweep holds it longer than that plus one item (docs/benchmarks.md, mixed load, 2026-12-07).
 */

/** Milliseconds a sweep may hold the thread before it lets the event loop run. */
export const SWEEP_BUDGET_MS = 5;

/** A sweep's allowance of thread time; `take()` between items yields when it is spent. */
export class Turns {
  #since: number;
  /** Times the sweep gave the event loop a turn (tests, logs). */
  yields = 0;

  /** `now`: the clock the budget is counted on, in ms (tests pass their own). */
  constructor(
    readonly budgetMs: number = SWEEP_BUDGET_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.#since = now();
  }

  /** Resolves at once while the budget lasts; else after the event loop's next turn. */
  take(): Promise<void> {
    if (this.now() - this.#since < this.budgetMs) return Promise.resolve();
    this.yields++;
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        this.#since = this.now();
        resolve();
      }, 0)
    );
  }
}
