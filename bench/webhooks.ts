/**
 * @module bench/webhooks
 * Outbound webhook delivery under a slow receiver and a crash: N events (1,000 by default) to an
 * endpoint that takes 1 s per call, a worker process killed with SIGKILL part-way, a second one
 * finishing. Reports the events delivered, lost and repeated, and the time to deliver them all.
 * The app and the workers run as separate processes, as on Fly.
 *
 *   deno run -A bench/webhooks.ts [events=1000] [receiver ms=1000]
 */
import {
  type AppProcess,
  processEnv,
  startAppProcess,
  startProcess,
  type TestProcess,
} from "../tests/helpers/processes.ts";
import { signUpTenant, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

export interface WebhookFigures {
  events: number;
  receiverMs: number;
  concurrency: number;
  delivered: number;
  lost: number;
  repeats: number;
  /**
   * Of the repeats, those of events the killed worker had sent: in flight, or answered but not yet
   * written, when it died (at least once, by design). Any other repeat is a fault.
   */
  repeatsOfKilledWorkersCalls: number;
  /** Until every event had arrived at the receiver. */
  seconds: number;
  /** Until the delivery log had nothing pending (the repeats, if any, are in by then). */
  settledSeconds: number;
  killedAfter: number;
  /** Events the killed worker had sent (received or still being answered) when it died. */
  sentByKilledWorker: number;
  /** Why deliveries were still pending at the end: last error, and how many (200 read). */
  pendingErrors: Record<string, number>;
}

export async function benchWebhooks(
  opts: { events: number; receiverMs: number; concurrency?: number },
): Promise<WebhookFigures> {
  const concurrency = opts.concurrency ?? 100;
  const received: string[] = [];
  /** Every call as it arrives (webhook-id), before the receiver's pause. */
  const arrived: string[] = [];
  const receiver = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await req.body?.cancel();
    const id = req.headers.get("webhook-id") ?? "";
    arrived.push(id);
    await new Promise((r) => setTimeout(r, opts.receiverMs));
    received.push(id);
    return new Response("ok");
  });
  const dataDir = await Deno.makeTempDir({ prefix: "pm-bench-webhooks-" });
  const env = processEnv(dataDir, {
    RUN_WORKERS: "false",
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    WEBHOOK_CONCURRENCY: String(concurrency),
    JOB_LEASE_SECONDS: "5",
    // The 1,000 test events are posted from one address in a few seconds.
    RATE_LIMIT_PER_IP: "1000000",
    RATE_LIMIT_PER_TENANT: "1000000",
  });
  const processes: TestProcess[] = [];
  try {
    const app: AppProcess = await startAppProcess(env);
    processes.push(app);
    const server = app as unknown as TestServer;
    const api = await apiClient(server, await signUpTenant(server));
    const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", {
      url: `http://127.0.0.1:${receiver.addr.port}/in`,
      events: ["*"],
    }, 201);
    for (let i = 0; i < opts.events; i++) {
      await api.ok("POST", `/api/v1/webhook-endpoints/${endpoint.id}/test`, undefined, 202);
    }
    const started = performance.now();
    const first = await startProcess("workers/main.ts", env, /worker started/);
    processes.push(first);
    while (received.length < opts.events / 3) await new Promise((r) => setTimeout(r, 20));
    await first.kill();
    const killedAfter = received.length;
    // Every call that has reached the receiver now was made by the first worker (the second has
    // not started): one it died in, or whose answer it had not yet written, is sent again.
    const sentByKilled = new Set(arrived);
    processes.push(await startProcess("workers/main.ts", env, /worker started/));
    const delivered = async () =>
      (await api.ok(
        "GET",
        `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?status=delivered&limit=200`,
      )).data.length;
    const deadline = Date.now() + 600_000;
    // The log lists 200 at most: wait on the receiver, then confirm with the log's last page.
    while (new Set(received).size < opts.events && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    // Every event has arrived; the repeats come after that (a call cut by the kill is sent again
    // once its held lease ends), so wait until the log has no delivery pending before counting.
    const pendingPage = () =>
      api.ok(
        "GET",
        `/api/v1/webhook-endpoints/${endpoint.id}/deliveries?status=pending&limit=200`,
      );
    let pending = await pendingPage();
    while (pending.data.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 500));
      pending = await pendingPage();
    }
    const settledSeconds = (performance.now() - started) / 1000;
    await delivered();
    const pendingErrors: Record<string, number> = {};
    for (const d of pending.data as Array<{ last_error: string | null }>) {
      const why = d.last_error ?? "not attempted yet";
      pendingErrors[why] = (pendingErrors[why] ?? 0) + 1;
    }
    const unique = new Set(received).size;
    const receipts = new Map<string, number>();
    for (const id of received) receipts.set(id, (receipts.get(id) ?? 0) + 1);
    let repeatsOfKilledWorkersCalls = 0;
    for (const id of sentByKilled) repeatsOfKilledWorkersCalls += (receipts.get(id) ?? 1) - 1;
    return {
      events: opts.events,
      receiverMs: opts.receiverMs,
      concurrency,
      delivered: unique,
      lost: opts.events - unique,
      repeats: received.length - unique,
      repeatsOfKilledWorkersCalls,
      seconds,
      settledSeconds,
      killedAfter,
      sentByKilledWorker: sentByKilled.size,
      pendingErrors,
    };
  } finally {
    for (const p of processes.reverse()) await p.stop();
    await receiver.shutdown();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const [events = "1000", ms = "1000"] = Deno.args;
  console.log(await benchWebhooks({ events: Number(events), receiverMs: Number(ms) }));
}
