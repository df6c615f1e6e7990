/**
 * @module bench/long_tasks
 * The long tasks of a V8 CPU profile: every stretch of samples in which the thread never went
 * idle for `minMs` or more, with the functions that took its time. A stall of the event loop is
 * one such stretch; the profile says what ran in it, which the pause trace (bench/pause_trace.ts)
 * can only guess from what overlapped. No clock alignment is needed: the stretches are found in
 * the profile itself ("(idle)" samples separate tasks). Used by `bench/pauses.ts --profile`.
 */

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface LongTask {
  /** Milliseconds since the profile started. */
  at: number;
  ms: number;
  /** Functions by inclusive time in the stretch (each counted once per sample), ms. */
  inclusive: Array<{ fn: string; ms: number }>;
  /** Functions by self time in the stretch, ms. */
  self: Array<{ fn: string; ms: number }>;
  /**
   * Time between samples more than 1 ms apart (four intervals at 250 µs), ms: the sampler could not
   * run, mostly because the thread was off the core (another process had it). Whatever sample
   * precedes such a gap is charged with it, so on a loaded machine a function's self time can be
   * the neighbours' (a 105 ms `Map.get` was seen).
   */
  gapMs: number;
}

/** Samples further apart than this (µs) are a gap in sampling, not work seen. */
const GAP_US = 1000;
const SKIP = new Set(["(root)", "(program)", "(anonymous)", ""]);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^.*\/(node_modules\/\.deno|node_modules|main)\//, "")
    .replace(/^file:\/\//, "");
  return `${functionName || "(anonymous)"}${file ? ` ${file}:${lineNumber + 1}` : ""}`;
}

/**
 * The stretches of `profile` with no idle sample for at least `minMs`, longest first: JavaScript,
 * garbage collection, native calls made from JavaScript (libSQL's statements) and "(program)"
 * (the runtime's own work between tasks, e.g. writing responses).
 */
export function longTasks(profile: CpuProfile, minMs = 10, top = 8): LongTask[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stack = (id: number): ProfileNode[] => {
    const out: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      out.push(byId.get(at)!);
    }
    return out;
  };
  const tasks: LongTask[] = [];
  let t = 0;
  let run: Array<{ id: number; dt: number }> = [];
  let runAt = 0;
  const close = () => {
    const ms = run.reduce((a, s) => a + s.dt, 0) / 1000;
    if (ms >= minMs) {
      const incl = new Map<string, number>();
      const self = new Map<string, number>();
      for (const s of run) {
        const frames = stack(s.id);
        const leaf = label(frames[0]!);
        self.set(leaf, (self.get(leaf) ?? 0) + s.dt / 1000);
        const seen = new Set<string>();
        for (const f of frames) {
          if (SKIP.has(f.callFrame.functionName) && !f.callFrame.url) continue;
          const name = label(f);
          if (seen.has(name)) continue;
          seen.add(name);
          incl.set(name, (incl.get(name) ?? 0) + s.dt / 1000);
        }
      }
      const sorted = (m: Map<string, number>) =>
        [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([fn, ms]) => ({ fn, ms }));
      const gapMs = run.reduce((a, s) => a + (s.dt > GAP_US ? s.dt : 0), 0) / 1000;
      tasks.push({ at: runAt / 1000, ms, inclusive: sorted(incl), self: sorted(self), gapMs });
    }
    run = [];
  };
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    // A sample's delta is the time since the previous one: it belongs to this sample's state.
    const dt = profile.timeDeltas[i + 1] ?? 0;
    t += profile.timeDeltas[i] ?? 0;
    const idle = byId.get(id)!.callFrame.functionName === "(idle)";
    if (idle) {
      if (run.length) close();
      continue;
    }
    if (!run.length) runAt = t;
    run.push({ id, dt });
  }
  if (run.length) close();
  return tasks.sort((a, b) => b.ms - a.ms);
}

/** One line per task and its heaviest functions, for a terminal. */
export function describeLongTasks(tasks: LongTask[], show = 12): string {
  return tasks.slice(0, show).map((task) =>
    `  task at +${(task.at / 1000).toFixed(2)} s: ${task.ms.toFixed(1)} ms${
      task.gapMs ? ` (${task.gapMs.toFixed(1)} ms of it in sampling gaps)` : ""
    }\n` +
    task.inclusive.map((f) => `      ${f.ms.toFixed(1).padStart(6)} ms  ${f.fn}`).join("\n") +
    `\n    self: ${task.self.slice(0, 4).map((f) => `${f.fn} ${f.ms.toFixed(1)}`).join("; ")}`
  ).join("\n");
}
