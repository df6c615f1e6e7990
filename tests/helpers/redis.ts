/**
 * @module tests/helpers/redis
 * A real Redis for a test: Debian's `redis-server` on a free loopback port with a temporary
 * folder, nothing saved to disk, stopped (and its folder removed) by `stop()`. `scripts/test`
 * installs the package when it is missing; without it these tests fail and say so, never skip.
 */

export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and waits for it; `start()` brings it back on the same port. */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts redis-server and waits until it answers PING. */
export async function startRedis(): Promise<TestRedis> {
  const dir = await Deno.makeTempDir({ prefix: "pm-redis-" });
  const port = freePort();
  let child: Deno.ChildProcess | null = null;
  const spawn = async () => {
    try {
      child = new Deno.Command("redis-server", {
        args: [
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--dir",
          dir,
          "--save",
          "",
          "--appendonly",
          "no",
        ],
        stdout: "null",
        stderr: "null",
      }).spawn();
    } catch (err) {
      throw new Error(
        "redis-server is not installed: run ./scripts/test (it installs it) or `apt-get install redis-server`",
        { cause: err },
      );
    }
    // A server that exits at once (its port taken meanwhile) is reported, not waited for.
    let exited = false;
    (child as Deno.ChildProcess).status.then(() => (exited = true));
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(port))) {
      if (exited) throw new Error(`redis-server exited at start: port ${port} may be taken`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const halt = async () => {
    if (!child) return;
    const running = child;
    child = null;
    running.kill("SIGTERM");
    await running.status;
  };
  await spawn();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pause: halt,
    start: spawn,
    async stop() {
      await halt();
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

/**
 * True when something on `port` answers a RESP PING with +PONG within a second. The time limit
 * matters: if another test's HTTP server took the port while Redis was down, it would wait for
 * the rest of a request forever and the test would hang instead of failing.
 */
async function answersPing(port: number): Promise<boolean> {
  let conn: Deno.TcpConn | null = null;
  const timer = setTimeout(() => conn?.close(), 1_000);
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(new TextEncoder().encode("PING\r\n"));
    const buf = new Uint8Array(16);
    const n = await conn.read(buf);
    return n !== null && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG");
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    try {
      conn?.close();
    } catch {
      // already closed by the time limit
    }
  }
}
