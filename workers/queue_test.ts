import assert from "node:assert/strict";
import { openDatabase } from "../db/client.ts";
import { startTestServer } from "../tests/helpers/server.ts";
import {
  backoffMs,
  claimNextJob,
  completeJob,
  enqueue,
  failJob,
  listJobs,
  retryDeadJob,
} from "./queue.ts";
import { Worker } from "./runner.ts";

Deno.test("four workers on separate connections run each of 200 jobs exactly once", async () => {
  const server = await startTestServer();
  const { services } = server;
  const clients = await Promise.all(
    [1, 2, 3].map(async () =>
      openDatabase({
        url: `file:${server.dataDir}/control.db`,
        encryptionKey: await services.keys.controlDatabaseKey(),
      })
    ),
  );
  try {
    await services.control.execute("CREATE TABLE effects (job_id TEXT NOT NULL)");
    for (let i = 0; i < 200; i++) await enqueue(services.control, { kind: "count" });
    const handlers = {
      count: async (
        { job, control }: { job: { id: string }; control: typeof services.control },
      ) => {
        await control.execute({ sql: "INSERT INTO effects (job_id) VALUES (?)", args: [job.id] });
      },
    };
    const workers = [services.control, ...clients].map((control) =>
      new Worker({ ...services, control }, { handlers, concurrency: 3, idleMs: 10 })
    );
    workers.forEach((w) => w.start());
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const rs = await services.control.execute(
        "SELECT COUNT(*) AS n FROM jobs WHERE status = 'done'",
      );
      if (Number(rs.rows[0]?.n) === 200) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(workers.map((w) => w.stop()));
    const rs = await services.control.execute(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS d FROM effects",
    );
    assert.equal(Number(rs.rows[0]?.n), 200, "no job ran twice");
    assert.equal(Number(rs.rows[0]?.d), 200, "every job ran");
  } finally {
    clients.forEach((c) => c.close());
    await server.close();
  }
});

Deno.test("a failing job retries with growing backoff, then is dead with its error, until retried", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  try {
    const id = await enqueue(control, { kind: "flaky", maxAttempts: 3 });
    const runAts: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      // Claim as if the backoff had elapsed.
      const job = await claimNextJob(control, {
        owner: "w1",
        leaseMs: 1000,
        now: new Date(Date.now() + 10 ** 7),
      });
      assert.equal(job?.id, id);
      assert.equal(job?.attempts, attempt);
      const outcome = await failJob(control, job!, "w1", `boom ${attempt}`, 1000);
      assert.equal(outcome, attempt < 3 ? "retry" : "dead");
      const [row] = await listJobs(control, {});
      runAts.push(Date.parse(row!.runAt));
    }
    assert.ok(runAts[1]! - runAts[0]! > 0, "the second wait is longer than the first");
    const [dead] = await listJobs(control, { status: "dead" });
    assert.equal(dead?.lastError, "boom 3");
    assert.equal(
      await claimNextJob(control, {
        owner: "w1",
        leaseMs: 1000,
        now: new Date(Date.now() + 10 ** 8),
      }),
      null,
    );
    assert.equal(await retryDeadJob(control, id), true);
    const again = await claimNextJob(control, { owner: "w2", leaseMs: 1000 });
    assert.equal(again?.attempts, 1);
    assert.equal(await completeJob(control, id, "w2"), true);
  } finally {
    await server.close();
  }
});

Deno.test("backoffMs() doubles per attempt within jitter and stops at the cap", () => {
  for (let a = 1; a < 6; a++) {
    const v = backoffMs(a, 1000);
    assert.ok(v >= 0.75 * 1000 * 2 ** a && v <= 1.25 * 1000 * 2 ** a, `attempt ${a}: ${v}`);
  }
  assert.ok(backoffMs(40, 1000, 60_000) <= 75_000);
});

Deno.test("an expired lease lets another worker take the job, and the first cannot complete it", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  try {
    const id = await enqueue(control, { kind: "slow" });
    const first = await claimNextJob(control, { owner: "dies", leaseMs: 1000 });
    assert.equal(first?.id, id);
    assert.equal(await claimNextJob(control, { owner: "other", leaseMs: 1000 }), null, "leased");
    const later = new Date(Date.now() + 2000);
    const second = await claimNextJob(control, { owner: "other", leaseMs: 1000, now: later });
    assert.equal(second?.id, id);
    assert.equal(second?.attempts, 2);
    assert.equal(await completeJob(control, id, "dies"), false, "the lost lease cannot finish");
    assert.equal(await completeJob(control, id, "other"), true);
    assert.equal(await completeJob(control, id, "other"), false, "done once");
  } finally {
    await server.close();
  }
});
