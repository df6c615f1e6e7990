import assert from "node:assert/strict";
import { startTestServer } from "../tests/helpers/server.ts";
import { enqueue, listJobs } from "./queue.ts";
import { Worker } from "./runner.ts";

Deno.test("a job whose worker is killed with SIGKILL mid-run completes exactly once after the lease", async () => {
  const server = await startTestServer();
  const { services } = server;
  const marker = `${server.dataDir}/claimed`;
  try {
    await services.control.execute("CREATE TABLE effects (job_id TEXT PRIMARY KEY, runs INTEGER)");
    const id = await enqueue(services.control, { kind: "charge", maxAttempts: 3 });
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL("./_crash_child.ts", import.meta.url).pathname,
        `${server.dataDir}/control.db`,
        marker,
      ],
      // The control database is encrypted (crypto/keyring.ts): the child gets its key.
      env: { CONTROL_DB_KEY: await services.keys.controlDatabaseKey() },
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      if (await Deno.stat(marker).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    assert.equal(await Deno.readTextFile(marker), id, "the child claimed the job");
    child.kill("SIGKILL");
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL");

    let runs = 0;
    const worker = new Worker(services, {
      idleMs: 50,
      handlers: {
        // Idempotent by job id: a second run would be visible as runs = 2.
        charge: async ({ job, control }) => {
          runs++;
          await control.execute({
            sql: `INSERT INTO effects (job_id, runs) VALUES (?, 1)
                  ON CONFLICT(job_id) DO UPDATE SET runs = runs + 1`,
            args: [job.id],
          });
        },
      },
    });
    worker.start();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const [job] = await listJobs(services.control, {});
      if (job?.status === "done") break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await worker.stop();
    const [job] = await listJobs(services.control, {});
    assert.equal(job?.status, "done");
    assert.equal(job?.attempts, 2, "one attempt died with the child, the second completed");
    assert.equal(runs, 1);
    const effect = await services.control.execute("SELECT runs FROM effects");
    assert.equal(Number(effect.rows[0]?.runs), 1);
  } finally {
    await server.close();
  }
});
