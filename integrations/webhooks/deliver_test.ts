import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { claimNextJob, extendLease, type Job } from "../../workers/queue.ts";
import { deliverWebhookJob } from "./deliver.ts";
import { WEBHOOK_DELIVER_JOB } from "./emit.ts";
import { getDelivery } from "./store.ts";

const CLASSES = { longKinds: [], kinds: [WEBHOOK_DELIVER_JOB] };

/** A receiver that takes `ms` to answer each call and records its webhook-id. */
function slowReceiver(ms: number) {
  const got: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    await req.body?.cancel();
    got.push(req.headers.get("webhook-id") ?? "");
    await new Promise((r) => setTimeout(r, ms));
    return new Response("ok");
  });
  return { got, url: `http://127.0.0.1:${server.addr.port}/in`, close: () => server.shutdown() };
}

/** A workspace with one endpoint and one test event queued for it (no worker running). */
async function oneQueuedDelivery(server: TestServer, url: string) {
  const tenant = await signUpTenant(server);
  const api = await apiClient(server, tenant);
  const endpoint = await api.ok("POST", "/api/v1/webhook-endpoints", { url, events: ["*"] }, 201);
  await api.ok("POST", `/api/v1/webhook-endpoints/${endpoint.id}/test`, undefined, 202);
  const [delivery] = (await api.ok("GET", `/api/v1/webhook-endpoints/${endpoint.id}/deliveries`))
    .data;
  return { tenantId: tenant.tenantId, deliveryId: String(delivery.id) };
}

/** Runs the delivery job as the worker `owner` would, with no heartbeat at all. */
async function runAs(server: TestServer, owner: string, job: Job, tenantId: string) {
  const { services } = server;
  const lease = await services.pool.acquire(tenantId, null);
  try {
    await deliverWebhookJob({
      job,
      services,
      control: services.control,
      log: services.log,
      tenantDb: lease.db,
      signal: new AbortController().signal,
      holdLease: (ms) => extendLease(services.control, job.id, owner, ms),
    });
  } finally {
    lease.release();
  }
}

async function deliveryOf(server: TestServer, tenantId: string, id: string) {
  const lease = await server.services.pool.acquire(tenantId, null);
  try {
    return (await getDelivery(lease.db, id))!;
  } finally {
    lease.release();
  }
}

Deno.test("a delivery waiting on a slow receiver keeps its job: another worker cannot take it and send it again", async () => {
  const hook = slowReceiver(1_500);
  const server = await startTestServer({
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true",
    WEBHOOK_TIMEOUT_SECONDS: "5",
  });
  const { control } = server.services;
  try {
    const { tenantId, deliveryId } = await oneQueuedDelivery(server, hook.url);
    // Claimed with a lease far shorter than the call, and no heartbeat to renew it.
    const job = await claimNextJob(control, { owner: "a", leaseMs: 300, classes: CLASSES });
    assert.ok(job);
    const first = runAs(server, "a", job, tenantId);
    await new Promise((r) => setTimeout(r, 700)); // the claim's own lease is long gone
    assert.equal(hook.got.length, 1, "the call is waiting on the receiver");
    const stolen = await claimNextJob(control, { owner: "b", leaseMs: 300, classes: CLASSES });
    assert.equal(stolen, null, "the job's lease covers the call");
    await first;
    assert.equal(hook.got.length, 1, "sent once");
    const delivery = await deliveryOf(server, tenantId, deliveryId);
    assert.equal(delivery.status, "delivered");
    assert.equal(delivery.attempts, 1);
  } finally {
    await server.close();
    await hook.close();
  }
});

Deno.test("a delivery run whose job another worker took before the call sends nothing and writes nothing", async () => {
  const hook = slowReceiver(10);
  const server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE_NETWORKS: "true" });
  const { control } = server.services;
  try {
    const { tenantId, deliveryId } = await oneQueuedDelivery(server, hook.url);
    const job = await claimNextJob(control, { owner: "a", leaseMs: 100, classes: CLASSES });
    assert.ok(job);
    await new Promise((r) => setTimeout(r, 200));
    // Worker "a" stalled past its lease before the call; "b" took the job over.
    const taken = await claimNextJob(control, { owner: "b", leaseMs: 60_000, classes: CLASSES });
    assert.equal(taken?.id, job.id);
    await runAs(server, "a", job, tenantId);
    assert.equal(hook.got.length, 0, "the run that lost its job sent nothing");
    const untouched = await deliveryOf(server, tenantId, deliveryId);
    assert.equal(untouched.status, "pending");
    assert.equal(untouched.attempts, 0);
    // The new holder makes the attempt, once.
    await runAs(server, "b", taken!, tenantId);
    assert.equal(hook.got.length, 1);
    assert.equal((await deliveryOf(server, tenantId, deliveryId)).status, "delivered");
  } finally {
    await server.close();
    await hook.close();
  }
});
