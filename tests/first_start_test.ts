/**
 * The README's promise to a newcomer: `deno task start` on an empty data folder makes the demo
 * workspace and prints its address and login, every start prints them again while the demo
 * exists, and nothing on the way asks for an action the user need not take.
 */
import assert from "node:assert/strict";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Starts main.ts, waits for the demo login line and for /healthz, then stops it. */
async function startOnce(dataDir: string, port: number): Promise<{ out: string; err: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--v8-flags=--expose-gc", "main.ts"],
    cwd: new URL("..", import.meta.url).pathname,
    env: {
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      RUN_WORKERS: "false",
      OCR_ENABLED: "false",
      LOG_LEVEL: "warn",
      PASSWORD_SCRYPT_N: "1024",
      NO_COLOR: "1",
    },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const decoder = new TextDecoder();
  let out = "";
  const reader = child.stdout.getReader();
  const deadline = Date.now() + 60_000;
  while (!/ProjectMeats on http/.test(out) && Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    out += decoder.decode(value);
  }
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  child.kill("SIGTERM");
  const rest = (async () => {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      out += decoder.decode(r.value);
    }
  })();
  const [status, err] = await Promise.all([child.status, new Response(child.stderr).text(), rest]);
  assert.equal(status.success, true, `main.ts stopped cleanly on SIGTERM: ${err}`);
  return { out, err };
}

Deno.test("every start prints the demo workspace's address and login, with no warning to act on", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pm-first-start-" });
  try {
    const port = freePort();
    const login = /sign in as demo@projectmeats\.test with password brisket-and-ribeye/;
    const first = await startOnce(dataDir, port);
    assert.match(first.out, new RegExp(`Demo workspace ready: http://demo\\.localhost:${port}`));
    assert.match(first.out, login);
    const second = await startOnce(dataDir, port);
    assert.match(second.out, new RegExp(`Demo workspace here: http://demo\\.localhost:${port}`));
    assert.match(second.out, login);
    for (const run of [first, second]) {
      assert.doesNotMatch(run.err, /Ignored build scripts|approve-scripts/);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
