import assert from "node:assert/strict";
import {
  type AppProcess,
  processEnv,
  startAppProcess,
  startProcess,
  type TestProcess,
} from "./helpers/processes.ts";
import { signUpTenant, type TestServer } from "./helpers/server.ts";
import { apiClient } from "./helpers/api.ts";

const asServer = (app: AppProcess) => app as unknown as TestServer;
const EVENTS = 60;

Deno.test("outbound webhooks: a worker killed with SIGKILL mid-delivery loses no event; another worker finishes them", async () => {
  // A slow endpoint (300 ms a call) so the kill lands while calls are in flight.
  const received: string[] = [];
  const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await req.body?.cancel();
    await new Promise((r) => setTimeout(r, 300));
    received.push(req.headers.get("webhook-id") ?? "");
    return new Response("ok");
  });
  const dataDir = await Deno.makeTempDir({ prefix: "pm-webhook-kill-" });
  const env = processEnv(dataDir, {
    RUN_WORKERS: "false",
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    WEBHOOK_CONCURRENCY: "10",
    // The killed worker's leases run out quickly, so the test need not wait two minutes: a job
    // waiting on the receiver holds its lease for the call's time limit plus 15 s (deliver.ts).
    JOB_LEASE_SECONDS: "3",
    WEBHOOK_TIMEOUT_SECONDS: "5",
    // An attempt that fails on a loaded machine (the receiver's answer later than the time limit)
    // is tried again within seconds, not on the real schedule's five minutes.
    WEBHOOK_RETRY_SECONDS: "1,1,1,1,1",
  });
  const processes: TestProcess[] = [];
  const output = () => processes.map((p) => p.output()).join("\n---\n");
  try {
    const app = await startAppProcess(env);
    processes.push(app);
    const api = await apiClient(asServer(app), await signUpTenant(asServer(app)));
    const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
      url: `http://127.0.0.1:${receiver.addr.port}/in`,
      events: ["*"],
    }, 201);
    for (let i = 0; i < EVENTS; i++) {
      await api.ok("POST", `/api/v1/webhook-endpoints/${endpoint.id}/test`, undefined, 202);
    }
    const first = await startProcess("workers/main.ts", env, /worker started/);
    processes.push(first);
    const until = async (check: () => Promise<boolean> | boolean, what: string) => {
      const end = Date.now() + 120_000;
      while (!(await check())) {
        if (Date.now() > end) throw new Error(`timed out: ${what}\n${output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    await until(() => received.length >= 10, "the first worker delivers some");
    await first.kill();
    const atKill = received.length;
    assert.ok(atKill < EVENTS, "killed before it finished");
    const second = await startProcess("workers/main.ts", env, /worker started/);
    processes.push(second);
    const delivered = async (): Promise<{ attempts: number }[]> =>
      (await api.ok(
        "GET",
        `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?status=delivered&limit=200`,
      )).data;
    await until(async () => (await delivered()).length === EVENTS, "every delivery delivered");
    // Every event arrived; a repeat is only a call in flight when the first worker died (same
    // webhook-id, which receivers drop), never more than the calls it had in flight, or an
    // attempt written as failed and made again (the answer came after the time limit).
    const unique = new Set(received);
    assert.equal(unique.size, EVENTS, output());
    const retried = (await delivered()).reduce((n, d) => n + d.attempts - 1, 0);
    assert.ok(
      received.length - EVENTS <= 10 + retried,
      `${received.length - EVENTS} repeats, ${retried} attempts made again`,
    );
    const pending = await api.ok(
      "GET",
      `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?status=pending`,
    );
    assert.equal(pending.data.length, 0);
  } catch (err) {
    // What the app and the workers printed goes with any failure, not only a timeout: a refused
    // connection to the app once under a loaded machine left nothing to read.
    // The error again at the end: a log cut to its last lines still says what failed.
    const what = err instanceof Error ? err.stack : String(err);
    throw new Error(`${what}\n${output()}\n--- what failed: ${String(err).split("\n")[0]}`);
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await receiver.shutdown();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
