import assert from "node:assert/strict";
import { join } from "node:path";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

const TOKEN = "metrics-token-for-tests-0123456789";

function freePort(): number {
  const probe = Deno.listen({ port: 0, hostname: "127.0.0.1" });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  return port;
}

/** Asks Prometheus's HTTP API until `ok` accepts the answer (or the test's deadline passes). */
async function pollQuery(
  base: string,
  query: string,
  ok: (result: Array<{ metric: Record<string, string>; value: [number, string] }>) => boolean,
  stop: () => boolean,
) {
  let last: unknown = null;
  while (!stop()) {
    try {
      const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = await res.json();
      last = body;
      if (body.status === "success" && ok(body.data.result)) return body.data.result;
    } catch (err) {
      last = String(err); // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`Prometheus never answered ${query} as expected; last: ${JSON.stringify(last)}`);
}

Deno.test("a real Prometheus scrapes the app and gives back one tenant's request rate", async () => {
  const server = await startTestServer({ METRICS_TOKEN: TOKEN });
  const dir = await Deno.makeTempDir({ prefix: "pm-prometheus-" });
  const port = freePort();
  const rules = new URL("prometheus/alerts.yml", import.meta.url).pathname;
  await Deno.writeTextFile(
    join(dir, "prometheus.yml"),
    [
      "global:",
      "  scrape_interval: 1s",
      "  evaluation_interval: 1s",
      "rule_files:",
      `  - ${rules}`,
      "scrape_configs:",
      "  - job_name: projectmeats",
      "    metrics_path: /metrics",
      "    authorization:",
      `      credentials: ${TOKEN}`,
      "    static_configs:",
      `      - targets: ["127.0.0.1:${server.port}"]`,
      "",
    ].join("\n"),
  );
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("prometheus", {
      args: [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      stdout: "null",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    await server.close();
    throw new Error(
      `prometheus is missing (${err}): run ./scripts/test, or apt-get install prometheus.`,
    );
  }
  const stderr = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let log = "";
  const reading = (async () => {
    for (let r = await stderr.read(); !r.done; r = await stderr.read()) log += r.value;
  })();
  // A bound on waiting, not a pass condition: a broken setup fails instead of hanging.
  const deadline = Date.now() + 60_000;
  const stop = () => Date.now() > deadline;
  let traffic = true;
  try {
    const busy = await signUpTenant(server);
    const api = await apiClient(server, busy);
    const load = (async () => {
      while (traffic) {
        await api.call("GET", "/api/v1/customers");
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const base = `http://127.0.0.1:${port}`;
    const result = await pollQuery(
      base,
      `sum by (tenant) (rate(pm_http_requests_total{tenant="${busy.slug}"}[5s]))`,
      (r) => r.length === 1 && Number(r[0]!.value[1]) > 0,
      stop,
    );
    assert.equal(result[0].metric.tenant, busy.slug);
    // The other series of the app are there too, and no request of this tenant hid as "other".
    await pollQuery(base, 'up{job="projectmeats"} == 1', (r) => r.length === 1, stop);
    const other = await pollQuery(
      base,
      'sum(pm_http_requests_total{tenant="other"}) or vector(0)',
      (r) => r.length === 1,
      stop,
    );
    assert.equal(Number(other[0].value[1]), 0);
    // Prometheus loaded every alerting rule, and evaluates them without error.
    const rulesRes = await fetch(`${base}/api/v1/rules`);
    const groups = (await rulesRes.json()).data.groups as Array<{
      rules: Array<{ name: string; health: string }>;
    }>;
    const loaded = groups.flatMap((g) => g.rules);
    assert.ok(loaded.length >= 8, `${loaded.length} rules loaded`);
    const broken = loaded.filter((r) => r.health === "err").map((r) => r.name);
    assert.deepEqual(broken, [], "rules Prometheus could not evaluate");
    traffic = false;
    await load;
  } catch (err) {
    throw new Error(`${err}\n--- prometheus log ---\n${log.slice(-3000)}`);
  } finally {
    traffic = false;
    child.kill("SIGTERM");
    await child.status;
    await reading.catch(() => {});
    await server.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
