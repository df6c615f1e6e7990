/**
 * Issue 12's test of several machines on one: two app processes (main.ts, ports of their own) and
 * one worker process (workers/main.ts) on the same data folder, so the same control database,
 * and the same real Redis. What one machine knows, the others must know too: sign-in failures,
 * a new supplier in a cached list, a revoked token, a queued job.
 */
import assert from "node:assert/strict";
import { corpus } from "../ai/fixtures/corpus.ts";
import { parseConfig } from "../config.ts";
import { closeServices, createServices } from "../services.ts";
import { listJobs } from "../workers/queue.ts";
import { apiClient, clientWithToken } from "./helpers/api.ts";
import { uploadFile, waitForDocument } from "./helpers/documents.ts";
import {
  type AppProcess,
  processEnv,
  startAppProcess,
  startProcess,
  type TestProcess,
} from "./helpers/processes.ts";
import { startRedis } from "./helpers/redis.ts";
import { signUpTenant, type TestServer } from "./helpers/server.ts";

/** The API helpers take a TestServer; of it they use only `fetch`. */
const asServer = (app: AppProcess) => app as unknown as TestServer;

Deno.test("two app processes and a worker share sign-in failures, cache invalidation, token revocation and the job queue through the control database and Redis", async () => {
  const redis = await startRedis();
  const dataDir = await Deno.makeTempDir({ prefix: "pm-two-apps-" });
  const env = processEnv(dataDir, {
    REDIS_URL: redis.url,
    RUN_WORKERS: "false",
    TRUST_PROXY: "true",
  });
  const processes: TestProcess[] = [];
  const output = () => processes.map((p) => p.output()).join("\n---\n");
  try {
    // One after the other: the first migrates the control database.
    const app1 = await startAppProcess(env);
    processes.push(app1);
    const app2 = await startAppProcess(env);
    processes.push(app2);
    const worker = await startProcess("workers/main.ts", env, /worker started/);
    processes.push(worker);

    const tenant = await signUpTenant(asServer(app1));

    // Sign-in failures count across both apps: five are free per account and address, so each
    // app alone (five attempts at most here) would never refuse; together they must.
    const statuses: number[] = [];
    let refusal = "";
    for (let i = 0; i < 10; i++) {
      const app = i % 2 === 0 ? app1 : app2;
      const res = await app.fetch(tenant.host, "/api/v1/auth/login", {
        method: "POST",
        headers: { "fly-client-ip": "203.0.113.7" },
        json: { email: tenant.email, password: "not the password" },
      });
      statuses.push(res.status);
      const body = await res.json();
      if (res.status === 429 && !refusal) refusal = body.error.message;
    }
    assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401], output());
    assert.ok(statuses.includes(429), `the throttle held across apps: ${statuses}`);
    assert.match(refusal, /Too many failed sign-ins to this account/);

    // A supplier created through app 1 appears in app 2's cached list within 100 ms.
    const api1 = await apiClient(asServer(app1), tenant);
    const api2 = clientWithToken(asServer(app2), tenant.host, api1.token);
    const names = async () =>
      (await api2.ok("GET", "/api/v1/suppliers?limit=200")).data.map((s: { name: string }) =>
        s.name
      );
    assert.deepEqual(await names(), []);
    assert.deepEqual(await names(), [], "the list is cached on app 2");
    await api1.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const written = performance.now();
    // The bound is the issue's; it is about when the change reaches app 2, so what counts is
    // when a read began, not how long the loaded machine took to answer it.
    let seenBy = Infinity;
    while (performance.now() - written < 2_000) {
      const began = performance.now() - written;
      if ((await names()).includes("Prairie Packers")) {
        seenBy = began;
        break;
      }
    }
    assert.ok(seenBy <= 100, `app 2 showed the supplier to a read begun ${seenBy} ms after`);

    // A token revoked through app 1 is refused by app 2 within 100 ms, though app 2 has it cached
    // (alone, its cache would honour the token for up to 5 s).
    const second = await api1.ok("POST", "/api/v1/auth/tokens", { name: "laptop" }, 201);
    const laptop = clientWithToken(asServer(app2), tenant.host, second.token);
    await laptop.ok("GET", "/api/v1/me");
    await laptop.ok("GET", "/api/v1/me"); // now from app 2's cache
    await api1.ok("DELETE", `/api/v1/auth/tokens/${second.id}`, undefined, 204);
    const revoked = performance.now();
    let refusedBy = Infinity;
    const answers = new Set<number>();
    while (performance.now() - revoked < 6_000) {
      const began = performance.now() - revoked;
      const { status } = await laptop.call("GET", "/api/v1/me");
      answers.add(status);
      if (status === 401) {
        refusedBy = began;
        break;
      }
      await new Promise((r) => setTimeout(r, 10)); // within the rate limits
    }
    assert.ok(
      refusedBy <= 100,
      `app 2 refused the revoked token from a call begun ${refusedBy} ms after (${[...answers]})`,
    );

    // A document uploaded through app 1 is read once, by the worker process.
    const fixture = corpus([1]).find((f) => f.name.startsWith("purchase-order-beside"))!;
    const up = await uploadFile(asServer(app1), api1, "po.pdf", await fixture.pdf());
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api2, up.body.id);
    assert.equal(doc.status, "review", `${doc.status_message}\n${output()}`);
    // The control database as the processes open it (Services knows how it is stored).
    const services = await createServices(parseConfig({ ...env, REDIS_URL: undefined }));
    try {
      const jobs = (await listJobs(services.control, { tenantId: tenant.tenantId }))
        .filter((j) => JSON.stringify(j.payload).includes(up.body.id));
      assert.equal(jobs.length, 1, "one job for the document");
      assert.equal(jobs[0]!.status, "done");
      assert.equal(jobs[0]!.attempts, 1, "run once");
    } finally {
      await closeServices(services);
    }
  } finally {
    const clean = await Promise.all(processes.map((p) => p.stop()));
    await redis.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    assert.deepEqual(
      clean,
      processes.map(() => true),
      `every process stopped cleanly\n${output()}`,
    );
  }
});
