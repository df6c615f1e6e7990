/**
 * @module bench/server
 * The process wrk measures: the real app on PORT and, in the same process, a bare Hono route on
 * PORT+1, so both figures share the runtime and the machine's state in one run.
 */
import { Hono } from "hono";
import { loadConfig } from "../config.ts";
import { createServices } from "../services.ts";
import { createApp } from "../app.ts";
import { join } from "node:path";
import { LocalDatabaseProvider } from "../tenants/database_provider.ts";

const config = loadConfig();
// BENCH_PLAIN_TENANTS=1: tenant databases without encryption at rest, the baseline that
// bench/encryption.ts measures the encrypted ones against. Only here; the app has no such switch.
const plainTenants = Deno.env.get("BENCH_PLAIN_TENANTS") === "1";
const services = await createServices(
  config,
  plainTenants ? { provider: new LocalDatabaseProvider(join(config.DATA_DIR, "tenants")) } : {},
);
// BENCH_NO_METRICS=1: requests are not counted (no metrics, no alert tally), the "without" of
// bench/metrics_overhead.ts. Only here; the app has no such switch.
if (Deno.env.get("BENCH_NO_METRICS") === "1") services.metrics.observeRequest = () => {};
// BENCH_UNCOUNTED_PORT: the same app in this same process also answers there with counting off,
// so bench/metrics_overhead.ts compares with and without in one process (same JIT, pool, tenant
// and token), alternating runs between the two ports. Each listener sets the switch as a request
// arrives; the runs never overlap, so every request of a run is counted or not as its port says.
const uncountedPort = Number(Deno.env.get("BENCH_UNCOUNTED_PORT") ?? 0);
let counting = true;
if (uncountedPort) {
  const observe = services.metrics.observeRequest.bind(services.metrics);
  services.metrics.observeRequest = (...args) => {
    if (counting) observe(...args);
  };
}
const app = createApp(services);
// BENCH_REUSE_PORT=1: several bench processes listen on one port (SO_REUSEPORT) and the kernel
// spreads connections over them: the two-process figure of the mixed load.
const reusePort = Deno.env.get("BENCH_REUSE_PORT") === "1";
Deno.serve(
  { port: config.PORT, hostname: "127.0.0.1", reusePort, onListen() {} },
  uncountedPort
    ? (req, info) => {
      counting = true;
      return app.fetch(req, info);
    }
    : (req, info) => app.fetch(req, info),
);
if (uncountedPort) {
  Deno.serve({ port: uncountedPort, hostname: "127.0.0.1", onListen() {} }, (req, info) => {
    counting = false;
    return app.fetch(req, info);
  });
}

// BENCH_OWN_PORT: this process alone also serves the app there (no SO_REUSEPORT), so the mixed
// load can warm each process of a two-process run in turn (bench/mixed_load.ts warmMixedLoad).
const ownPort = Number(Deno.env.get("BENCH_OWN_PORT") ?? 0);
if (ownPort) {
  Deno.serve(
    { port: ownPort, hostname: "127.0.0.1", onListen() {} },
    (req, info) => app.fetch(req, info),
  );
}

const bare = new Hono();
bare.get("/", (c) => c.json({ hello: "world" }));
// The same route plus the one header every response of the app must carry (nosniff), added the
// cheapest way a Hono app can: a middleware that sets it on the finished response. On Deno a
// response with any header beyond content-type leaves the runtime's fastest path, so this is the
// fair floor for any app that sends nosniff.
bare.use("/nosniff", async (c, next) => {
  await next();
  c.res.headers.set("X-Content-Type-Options", "nosniff");
});
bare.get("/nosniff", (c) => c.json({ hello: "world" }));
Deno.serve(
  { port: config.PORT + 1, hostname: "127.0.0.1", reusePort, onListen() {} },
  bare.fetch,
);
// The memory benchmark asks for a full collection before it reads RSS (SIGUSR1 would start the inspector), so that it measures what
// the process keeps rather than garbage not yet collected.
Deno.addSignalListener("SIGUSR2", () => (globalThis as { gc?: () => void }).gc?.());
console.log("ready");
