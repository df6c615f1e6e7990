import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { claimNextJob, enqueue, listJobs } from "./queue.ts";
import { type JobContext, JobTimeoutError, Worker } from "./runner.ts";
import { LONG_JOB_KINDS } from "./handlers.ts";
import { DOCUMENT_PROCESS_JOB } from "../domain/documents/intake.ts";

/** A latch a test opens to let blocked handlers finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`timed out waiting until ${what}`);
}

async function jobById(server: TestServer, id: string) {
  return (await listJobs(server.services.control, {})).find((j) => j.id === id)!;
}

const DOC = DOCUMENT_PROCESS_JOB;

Deno.test("a tenant with two long document jobs cannot delay a webhook job", async () => {
  const server = await startTestServer();
  const { services } = server;
  const release = gate();
  const started: string[] = [];
  const webhookSawRunning: string[][] = [];
  const worker = new Worker(services, {
    concurrency: 2,
    reservedSlots: 1,
    longKinds: LONG_JOB_KINDS,
    tenantLongCap: 2,
    idleMs: 10,
    handlers: {
      [DOC]: async ({ job }) => {
        started.push(job.id);
        await release.opened;
      },
      "stripe.webhook": () => {
        webhookSawRunning.push(worker.runningJobs());
        return Promise.resolve();
      },
    },
  });
  try {
    const t = await signUpTenant(server);
    const docs = [
      await enqueue(services.control, { kind: DOC, tenantId: t.tenantId }),
      await enqueue(services.control, { kind: DOC, tenantId: t.tenantId }),
    ];
    worker.start();
    await until("a document runs", () => started.length === 1);
    const hook = await enqueue(services.control, { kind: "stripe.webhook" });
    await until("the webhook is done", async () => (await jobById(server, hook)).status === "done");
    assert.equal(webhookSawRunning.length, 1);
    assert.ok(webhookSawRunning[0]!.includes(started[0]!), "the document was still running");
    for (const id of docs) {
      assert.notEqual((await jobById(server, id)).status, "done", "no document finished first");
    }
    assert.equal(started.length, 1, "the reserved slot never took the second document");
    release.open();
    await until("both documents are done", async () => {
      const jobs = await Promise.all(docs.map((id) => jobById(server, id)));
      return jobs.every((j) => j.status === "done");
    });
    assert.equal(started.length, 2);
  } finally {
    release.open();
    await worker.stop();
    await server.close();
  }
});

Deno.test("one tenant's documents take at most its share: another tenant's document runs next", async () => {
  const server = await startTestServer();
  const { services } = server;
  const release = gate();
  const started: string[] = [];
  const worker = new Worker(services, {
    concurrency: 3,
    reservedSlots: 1,
    longKinds: LONG_JOB_KINDS,
    tenantLongCap: 1,
    idleMs: 10,
    handlers: {
      [DOC]: async ({ job }) => {
        started.push(String(job.tenantId));
        await release.opened;
      },
    },
  });
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    for (let i = 0; i < 3; i++) {
      await enqueue(services.control, { kind: DOC, tenantId: a.tenantId });
    }
    await enqueue(services.control, { kind: DOC, tenantId: b.tenantId });
    worker.start();
    await until("two documents run", () => started.length === 2);
    await new Promise((r) => setTimeout(r, 150)); // time enough to claim a third, if it would
    assert.deepEqual(started.sort(), [a.tenantId, b.tenantId].sort());
    const running = (await listJobs(services.control, { status: "running" })).length;
    assert.equal(running, 2, "tenant A's other documents wait for its running one");
  } finally {
    release.open();
    await worker.stop();
    await server.close();
  }
});

Deno.test("the lease is renewed during a long job, so a second worker cannot claim it", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  let runs = 0;
  const worker = new Worker(server.services, {
    leaseMs: 600,
    idleMs: 10,
    handlers: {
      slow: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 2_000)); // more than three leases long
      },
    },
  });
  try {
    const id = await enqueue(control, { kind: "slow" });
    worker.start();
    await until("the job runs", () => runs === 1);
    const end = Date.now() + 1_700;
    while (Date.now() < end) {
      const stolen = await claimNextJob(control, { owner: "thief", leaseMs: 600 });
      assert.equal(stolen, null, "the running job's lease was still held");
      await new Promise((r) => setTimeout(r, 100));
    }
    await until("the job is done", async () => (await jobById(server, id)).status === "done");
    const job = await jobById(server, id);
    assert.equal(job.attempts, 1);
    assert.equal(runs, 1);
  } finally {
    await worker.stop();
    await server.close();
  }
});

Deno.test("a worker that claims again a job it is still running (its lease ran out) does not run it twice", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  const release = gate();
  let runs = 0;
  const worker = new Worker(server.services, {
    leaseMs: 60_000, // no heartbeat during the test: the lease runs out only as set below
    idleMs: 10,
    handlers: {
      slow: async () => {
        runs++;
        await release.opened;
      },
    },
  });
  try {
    const id = await enqueue(control, { kind: "slow" });
    worker.start();
    await until("the job runs", () => runs === 1);
    // As after a heartbeat stalled past the lease: the job is due again, and this worker has a
    // free slot, so its own loop claims it.
    await control.execute({
      sql: "UPDATE jobs SET lease_until = ? WHERE id = ?",
      args: [new Date(Date.now() - 1_000).toISOString(), id],
    });
    worker.notify();
    await until(
      "the worker claimed it again",
      async () => (await jobById(server, id)).attempts === 2,
    );
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(runs, 1, "the handler was not started a second time");
    assert.deepEqual(worker.runningJobs(), [id]);
    release.open();
    await until("the job is done", async () => (await jobById(server, id)).status === "done");
    assert.equal(runs, 1);
  } finally {
    release.open();
    await worker.stop();
    await server.close();
  }
});

Deno.test("holdLease() extends a running job's lease past its heartbeat's, never shortens it, and fails once the job is another's", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  const release = gate();
  const held: boolean[] = [];
  let reason: unknown = null;
  const worker = new Worker(server.services, {
    leaseMs: 3_000,
    idleMs: 10,
    handlers: {
      slow: async ({ holdLease, signal }) => {
        held.push(await holdLease!(60_000));
        held.push(await holdLease!(1_000)); // shorter: the 60 s stay
        await release.opened;
        held.push(await holdLease!(60_000));
        reason = signal.reason;
      },
    },
  });
  try {
    const id = await enqueue(control, { kind: "slow" });
    worker.start();
    await until("the lease is held", () => held.length === 2);
    const leaseUntil = async () =>
      Date.parse(String(
        (await control.execute({ sql: "SELECT lease_until FROM jobs WHERE id = ?", args: [id] }))
          .rows[0]!.lease_until,
      ));
    assert.deepEqual(held, [true, true]);
    assert.ok(await leaseUntil() > Date.now() + 50_000, "held for the 60 s asked");
    assert.equal(await claimNextJob(control, { owner: "thief", leaseMs: 1_000 }), null);
    // Another worker has it now (as after this one's lease was lost).
    await control.execute({
      sql: "UPDATE jobs SET lease_owner = 'other', attempts = 2 WHERE id = ?",
      args: [id],
    });
    release.open();
    await until("the handler ended", () => held.length === 3);
    assert.equal(held[2], false);
    assert.match(String(reason), /Another worker took over/);
    const job = await jobById(server, id);
    assert.equal(job.status, "running", "left to its new owner, neither completed nor failed");
  } finally {
    release.open();
    await worker.stop();
    await server.close();
  }
});

Deno.test("a job whose lease was lost is aborted and finished by its new owner only", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  const seen: unknown[] = [];
  const worker = new Worker(server.services, {
    leaseMs: 300,
    idleMs: 10,
    handlers: {
      slow: async ({ signal }) => {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
        seen.push(signal.reason);
      },
    },
  });
  try {
    const id = await enqueue(control, { kind: "slow" });
    worker.start();
    await until("the job runs", () => worker.runningJobs().length === 1);
    // Another worker takes the job over (as after a long pause of this one).
    await control.execute({
      sql: "UPDATE jobs SET lease_owner = 'other', attempts = 2 WHERE id = ?",
      args: [id],
    });
    await until("the first worker let go", () => worker.runningJobs().length === 0);
    assert.match(String(seen[0]), /Another worker took over/);
    const job = await jobById(server, id);
    assert.equal(job.status, "running", "neither completed nor failed by the first worker");
    assert.equal(job.lastError, null);
  } finally {
    await worker.stop();
    await server.close();
  }
});

Deno.test("stop with a deadline gives the running job back to the queue, and it later completes once", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  const effects: string[] = [];
  const slow = async ({ job, signal }: JobContext) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 60_000);
      signal.addEventListener("abort", () => (clearTimeout(timer), resolve()));
    });
    if (signal.aborted) throw signal.reason;
    effects.push(job.id);
  };
  const first = new Worker(server.services, { idleMs: 10, handlers: { slow } });
  try {
    const id = await enqueue(control, { kind: "slow", maxAttempts: 1 });
    first.start();
    await until("the job runs", () => first.runningJobs().length === 1);
    const t0 = Date.now();
    await first.stop({ graceMs: 200 });
    assert.ok(Date.now() - t0 < 3_000, "stop did not wait for the job to finish");
    const queued = await jobById(server, id);
    assert.equal(queued.status, "queued");
    assert.equal(queued.attempts, 0, "the interrupted attempt is not counted");
    assert.equal(queued.lastError, null);
    assert.ok(Date.parse(queued.runAt) <= Date.now(), "due at once");
    assert.equal(effects.length, 0, "the handler did not finish the job");

    const second = new Worker(server.services, {
      idleMs: 10,
      handlers: { slow: ({ job }) => (effects.push(job.id), Promise.resolve()) },
    });
    second.start();
    await until("the job is done", async () => (await jobById(server, id)).status === "done");
    await second.stop();
    assert.deepEqual(effects, [id], "completed exactly once");
    assert.equal((await jobById(server, id)).attempts, 1);
  } finally {
    await first.stop();
    await server.close();
  }
});

Deno.test("a job over its time budget is aborted with the reason and its attempt fails", async () => {
  const server = await startTestServer();
  const { control } = server.services;
  let reason: unknown = null;
  const worker = new Worker(server.services, {
    idleMs: 10,
    timeoutMs: 200,
    retryBaseMs: 60_000,
    handlers: {
      endless: async ({ signal }) => {
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve()));
        reason = signal.reason;
        throw signal.reason;
      },
    },
  });
  try {
    const id = await enqueue(control, { kind: "endless", maxAttempts: 3 });
    worker.start();
    await until("the job failed", async () => (await jobById(server, id)).lastError !== null);
    assert.ok(reason instanceof JobTimeoutError);
    const job = await jobById(server, id);
    assert.equal(job.status, "queued", "retried later");
    assert.match(job.lastError!, /limit/);
    assert.equal(job.attempts, 1);
  } finally {
    await worker.stop();
    await server.close();
  }
});
