/**
 * Jobs across machines: workers on different machines reach one control database through
 * libSQL's remote protocol (Turso's primary, here the Hrana stand-in), each with its own client.
 * A claim is one conditional `UPDATE ... RETURNING` executed on the primary, so of two claimers
 * of one job exactly one wins, whatever the network does between them.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type Client, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { startHranaServer } from "../tests/helpers/hrana_server.ts";
import { startTestServer } from "../tests/helpers/server.ts";
import { claimNextJob, completeJob, enqueue } from "./queue.ts";
import { type JobHandler, Worker } from "./runner.ts";

async function primaryWithClients(n: number) {
  const dir = await Deno.makeTempDir({ prefix: "pm-claim-" });
  const hrana = startHranaServer({ path: join(dir, "control.db"), authToken: "tok" });
  // One client per machine: separate @libsql/client instances, separate HTTP streams.
  const clients: Client[] = [];
  for (let i = 0; i < n; i++) {
    clients.push(await openDatabase({ url: hrana.url, authToken: "tok" }));
  }
  await migrate(clients[0]!, "control");
  return {
    clients,
    async close() {
      clients.forEach((c) => c.close());
      await hrana.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("two claimers on two remote connections racing for one job: exactly one gets it, every time", async () => {
  const primary = await primaryWithClients(2);
  const [a, b] = primary.clients as [Client, Client];
  try {
    for (let round = 0; round < 40; round++) {
      const id = await enqueue(a, { kind: "race" });
      const [got1, got2] = await Promise.all([
        claimNextJob(a, { owner: "machine-a", leaseMs: 60_000 }),
        claimNextJob(b, { owner: "machine-b", leaseMs: 60_000 }),
      ]);
      const winners = [got1, got2].filter((j) => j !== null);
      assert.equal(winners.length, 1, `round ${round}: one winner`);
      assert.equal(winners[0]!.id, id);
      assert.equal(winners[0]!.attempts, 1);
      const owner = got1 ? "machine-a" : "machine-b";
      assert.equal(await completeJob(got1 ? b : a, id, got1 ? "machine-b" : "machine-a"), false);
      assert.equal(await completeJob(got1 ? a : b, id, owner), true);
    }
    const rs = await a.execute("SELECT COUNT(*) AS n FROM jobs WHERE status = 'done'");
    assert.equal(Number(rs.rows[0]?.n), 40);
  } finally {
    await primary.close();
  }
});

Deno.test("three worker machines on one remote control database run each of 150 jobs exactly once", async () => {
  const primary = await primaryWithClients(3);
  const server = await startTestServer();
  try {
    const [first] = primary.clients as [Client];
    await first.execute("CREATE TABLE effects (job_id TEXT NOT NULL, owner TEXT NOT NULL)");
    for (let i = 0; i < 150; i++) await enqueue(first, { kind: "count" });
    const workers = primary.clients.map((control) => {
      const worker: Worker = new Worker({ ...server.services, control }, {
        handlers: { count: countOn(() => worker.owner) },
        concurrency: 3,
        idleMs: 10,
      });
      return worker;
    });
    workers.forEach((w) => w.start());
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const rs = await first.execute("SELECT COUNT(*) AS n FROM jobs WHERE status = 'done'");
      if (Number(rs.rows[0]?.n) === 150) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all(workers.map((w) => w.stop()));
    const rs = await first.execute(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT job_id) AS d, COUNT(DISTINCT owner) AS o FROM effects",
    );
    assert.equal(Number(rs.rows[0]?.n), 150, "no job ran twice");
    assert.equal(Number(rs.rows[0]?.d), 150, "every job ran");
    assert.ok(Number(rs.rows[0]?.o) >= 2, "the machines shared the work");
  } finally {
    await server.close();
    await primary.close();
  }
});

Deno.test("a job claimed by a machine that vanished is claimed again by another once its lease runs out", async () => {
  const primary = await primaryWithClients(2);
  const [lost, alive] = primary.clients as [Client, Client];
  try {
    const id = await enqueue(alive, { kind: "long" });
    assert.equal((await claimNextJob(lost, { owner: "gone", leaseMs: 1_000 }))?.id, id);
    lost.close(); // kill -9: no completion, no release
    assert.equal(await claimNextJob(alive, { owner: "next", leaseMs: 1_000 }), null, "leased");
    const again = await claimNextJob(alive, {
      owner: "next",
      leaseMs: 1_000,
      now: new Date(Date.now() + 2_000),
    });
    assert.equal(again?.id, id);
    assert.equal(again?.attempts, 2);
    assert.equal(await completeJob(alive, id, "next"), true);
  } finally {
    await primary.close();
  }
});

function countOn(owner: () => string): JobHandler {
  return async ({ job, control }) => {
    await control.execute({
      sql: "INSERT INTO effects (job_id, owner) VALUES (?, ?)",
      args: [job.id, owner()],
    });
  };
}
