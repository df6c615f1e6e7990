/**
 * @module tests/helpers/processes
 * The app and the worker as separate operating-system processes (`main.ts`, `workers/main.ts`),
 * as Fly runs them on separate machines: for tests of what several processes share (the control
 * database, Redis). Each process's output is kept for the test's failure message.
 */
import type { TestServer } from "./server.ts";
import { hostFetch } from "./http.ts";

export interface TestProcess {
  /** stdout and stderr so far, and how the process ended if it has (a kill by the machine's
   * out-of-memory killer prints nothing of its own). */
  output(): string;
  /** SIGTERM, then waits for the exit; true when it stopped cleanly. */
  stop(): Promise<boolean>;
  /** SIGKILL (kill -9: no shutdown of any kind), then waits for the exit. */
  kill(): Promise<void>;
}

/** An app process: `fetch` as TestServer's, so the API helpers (signUpTenant, apiClient) work. */
export type AppProcess = TestProcess & Pick<TestServer, "port" | "origin" | "fetch">;

/** A free loopback port (closed again at once; the process binds it next). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Settings every test process shares: fast hashing, no OCR, no demo, quiet logs. */
export function processEnv(dataDir: string, extra: Record<string, string> = {}) {
  return {
    DATA_DIR: dataDir,
    APP_DOMAIN: "localhost",
    APP_ENV: "test",
    HOST: "127.0.0.1",
    SEED_DEMO: "false",
    OCR_ENABLED: "false",
    PASSWORD_SCRYPT_N: "1024",
    LOG_LEVEL: "info",
    NO_COLOR: "1",
    ...extra,
  };
}

/** Starts `script` (relative to the project) and waits until its output matches `ready`. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  ready: RegExp,
): Promise<TestProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", script],
    cwd: new URL("../..", import.meta.url).pathname,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let text = "";
  let ended = "";
  child.status.then((s) => {
    ended = `\n[${script} ended: ${s.signal ? `signal ${s.signal}` : `exit code ${s.code}`}]`;
  });
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const proc: TestProcess = {
    output: () => text + ended,
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const [status] = await Promise.all([child.status, drained]);
      return status.success;
    },
    async kill() {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
      await Promise.all([child.status, drained]);
    },
  };
  const deadline = Date.now() + 60_000;
  while (!ready.test(text)) {
    const exited = await Promise.race([
      child.status.then(() => true),
      new Promise<false>((r) => setTimeout(() => r(false), 25)),
    ]);
    if (exited || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`${script} did not start:\n${text}`);
    }
  }
  return proc;
}

/**
 * Starts main.ts on a port of its own and waits until it listens. The port is free when chosen
 * but another test running beside this one may bind it first: then it starts again on another.
 */
export async function startAppProcess(env: Record<string, string>): Promise<AppProcess> {
  for (let attempt = 1;; attempt++) {
    const port = freePort();
    try {
      const proc = await startProcess("main.ts", { ...env, PORT: String(port) }, /ProjectMeats on/);
      return appProcess(proc, port);
    } catch (err) {
      const taken = /AddrInUse|address already in use/i.test(String(err));
      if (!taken || attempt === 3) throw err;
    }
  }
}

function appProcess(proc: TestProcess, port: number): AppProcess {
  return {
    ...proc,
    port,
    origin: `http://localhost:${port}`,
    fetch: (host, path, init) => hostFetch(port, host, path, init),
  };
}
