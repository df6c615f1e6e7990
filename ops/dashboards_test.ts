import assert from "node:assert/strict";
import { parse } from "yaml";
import { startTestServer } from "../tests/helpers/server.ts";

const here = new URL("./", import.meta.url);
const TOKEN = "metrics-token-for-tests-0123456789";

/** Every PromQL expression of the Grafana dashboards and the alerting rules, by file. */
async function expressions(): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for await (const entry of Deno.readDir(new URL("grafana/", here))) {
    if (!entry.name.endsWith(".json")) continue;
    const dashboard = JSON.parse(await Deno.readTextFile(new URL(`grafana/${entry.name}`, here)));
    const exprs: string[] = [];
    for (const panel of dashboard.panels ?? []) {
      for (const target of panel.targets ?? []) exprs.push(String(target.expr));
    }
    for (const variable of dashboard.templating?.list ?? []) {
      if (typeof variable.query === "string" && variable.type === "query") {
        exprs.push(variable.query);
      }
    }
    found.set(`grafana/${entry.name}`, exprs);
  }
  const rules = parse(await Deno.readTextFile(new URL("prometheus/alerts.yml", here)));
  found.set(
    "prometheus/alerts.yml",
    rules.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((r) => r.expr)),
  );
  return found;
}

/** The metric names an expression reads (a histogram's series as the histogram's name). */
function metricNames(expr: string): string[] {
  return [...expr.matchAll(/\bpm_[a-z0-9_]+/g)].map((m) =>
    m[0].replace(/_(bucket|sum|count)$/, "")
  );
}

Deno.test("every metric the dashboards and alert rules name is in /metrics of a running app", async () => {
  const server = await startTestServer({ METRICS_TOKEN: TOKEN });
  try {
    const res = await server.fetch("localhost", "/metrics", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const text = await res.text();
    const exposed = new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    assert.ok(exposed.size > 10, "the app exposes its metrics");
    const files = await expressions();
    assert.deepEqual(
      [...files.keys()].sort(),
      [
        "grafana/billing.json",
        "grafana/jobs_documents.json",
        "grafana/service_overview.json",
        "grafana/tenants.json",
        "prometheus/alerts.yml",
      ],
    );
    for (const [file, exprs] of files) {
      assert.ok(exprs.length > 0, `${file} has queries`);
      for (const expr of exprs) {
        const names = metricNames(expr);
        assert.ok(names.length > 0, `${file}: "${expr}" reads no pm_ metric`);
        for (const name of names) {
          assert.ok(exposed.has(name), `${file} names ${name}, which /metrics does not have`);
        }
      }
    }
  } finally {
    await server.close();
  }
});

Deno.test("promtool accepts the alerting rules and the /metrics text", async () => {
  const rules = new URL("prometheus/alerts.yml", here).pathname;
  const check = await promtool(["check", "rules", rules]);
  assert.equal(check.code, 0, check.output);
  assert.match(check.output, /SUCCESS: \d+ rules found/);

  const server = await startTestServer({ METRICS_TOKEN: TOKEN });
  try {
    const res = await server.fetch("localhost", "/metrics", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const lint = await promtool(["check", "metrics"], await res.text());
    assert.equal(lint.code, 0, lint.output);
  } finally {
    await server.close();
  }
});

/** Runs Debian's promtool (./scripts/test installs the prometheus package when it is missing). */
async function promtool(args: string[], stdin?: string): Promise<{ code: number; output: string }> {
  let child;
  try {
    child = new Deno.Command("promtool", {
      args,
      stdin: stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (err) {
    throw new Error(
      `promtool is missing (${err}): run ./scripts/test, or apt-get install prometheus.`,
    );
  }
  if (stdin !== undefined) {
    const writer = child.stdin.getWriter();
    await writer.write(new TextEncoder().encode(stdin));
    await writer.close();
  }
  const out = await child.output();
  const decoder = new TextDecoder();
  return { code: out.code, output: decoder.decode(out.stdout) + decoder.decode(out.stderr) };
}
