import assert from "node:assert/strict";

/** A free loopback port (bound, read, released). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

Deno.test("worker process: answers Fly's health checks on WORKER_HEALTH_PORT and stops on SIGTERM", async () => {
  const dataDir = await Deno.makeTempDir();
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname],
    env: {
      DATA_DIR: dataDir,
      WORKER_HEALTH_PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
    },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  try {
    let alive: Response | null = null;
    for (let i = 0; i < 100 && !alive; i++) {
      alive = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      if (!alive) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(alive?.status, 200);
    await alive!.body?.cancel();
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal((await ready.json()).checks.control_database, "ok");
    const other = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(other.status, 404); // nothing but the checks answers here
    await other.body?.cancel();
  } finally {
    child.kill("SIGTERM");
    const status = await child.status;
    await child.stderr.cancel();
    await Deno.remove(dataDir, { recursive: true });
    assert.equal(status.code, 0);
  }
});

Deno.test("worker process: refuses to start with WORKERS=0, which leaves it nothing to do", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./main.ts", import.meta.url).pathname],
      env: { DATA_DIR: dataDir, WORKERS: "0", LOG_LEVEL: "warn" },
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    assert.match(
      new TextDecoder().decode(out.stderr),
      /WORKERS=0: a worker process with no workers/,
    );
    assert.deepEqual([...Deno.readDirSync(dataDir)], [], "it opened nothing");
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
