/**
 * The README's promise to a newcomer: `deno task start` on an empty data folder makes the demo
 * workspace and prints its address and login, every start prints them again while the demo
 * exists, and nothing on the way asks for an action the user need not take.
 */
import assert from "node:assert/strict";
import { hostFetch } from "./helpers/http.ts";

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Starts main.ts, waits for the demo login line and for /healthz, runs `exercise` against it, then
 * stops it.
 */
async function startOnce(
  dataDir: string,
  port: number,
  exercise: (port: number) => Promise<void> = async () => {},
): Promise<{ out: string; err: string }> {
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
  await exercise(port);
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

/**
 * POSTs as clients send them: a JSON body streamed without a length (chunked), and one with a
 * length and an Idempotency-Key, which the server reads twice (its fingerprint, then the route).
 */
async function postsOfEveryKind(port: number): Promise<void> {
  const host = "demo.localhost";
  const tokenRes = await hostFetch(port, host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: "demo@projectmeats.test", password: "brisket-and-ribeye", name: "start" },
  });
  assert.equal(tokenRes.status, 201, await tokenRes.clone().text());
  const { token } = await tokenRes.json();
  const body = JSON.stringify({ name: "Start Test Packing", city: "Omaha" });
  const send = () =>
    hostFetch(port, host, "/api/v1/suppliers", {
      method: "POST",
      body,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "content-length": String(new TextEncoder().encode(body).byteLength),
        "idempotency-key": "first-start-supplier",
      },
    });
  const first = await send();
  assert.equal(first.status, 201, await first.clone().text());
  const again = await send();
  assert.equal(again.headers.get("idempotent-replayed"), "true");
  assert.equal((await again.json()).id, (await first.json()).id);
}

Deno.test("every start prints the demo workspace's address and login, with no warning to act on, even once it has answered POSTs", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pm-first-start-" });
  try {
    const port = freePort();
    const login = /sign in as demo@projectmeats\.test with password brisket-and-ribeye/;
    const first = await startOnce(dataDir, port);
    assert.match(first.out, new RegExp(`Demo workspace ready: http://demo\\.localhost:${port}`));
    assert.match(first.out, login);
    const second = await startOnce(dataDir, port, postsOfEveryKind);
    assert.match(second.out, new RegExp(`Demo workspace here: http://demo\\.localhost:${port}`));
    assert.match(second.out, login);
    for (const run of [first, second]) {
      assert.doesNotMatch(run.err, /Ignored build scripts|approve-scripts/);
      // The runtime's own warnings (Deno.serve's legacy abort, for one) are noise to act on.
      assert.doesNotMatch(run.out + run.err, /Deno\.serve:|legacy behavior/);
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
