import assert from "node:assert/strict";
import { Metrics, type ScrapeSources } from "./metrics.ts";

/** A scrape's sources with nothing behind them: the control database refuses (counted). */
const sources = {
  pool: { opens: 0, evictions: 0, size: 0, maxOpen: 1 },
  readCache: { hits: 0, misses: 0 },
  control: { batch: () => Promise.reject(new Error("no database here")) },
} as unknown as ScrapeSources;

/** The value of the sample `name{labels}` exactly as printed, or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

Deno.test("observeRequest counts by route template, method, status class and tenant", async () => {
  const metrics = new Metrics(5);
  metrics.observeRequest("GET", "/api/v1/me", 200, "acme", 0.001);
  metrics.observeRequest("GET", "/api/v1/me", 204, "acme", 0.003);
  metrics.observeRequest("GET", "/api/v1/me", 404, "acme", 0.001);
  metrics.observeRequest("POST", "/api/v1/me", 201, "acme", 0.001);
  metrics.observeRequest("PURGE", "unmatched", 500, undefined, 0.02);
  metrics.observeRequest("GET", "/api/v1/me", 429, "acme", 0.001);
  const text = await metrics.registry.metrics();
  const requests = (labels: string) => sample(text, "pm_http_requests_total", labels);
  assert.equal(requests('route="/api/v1/me",method="GET",status_class="2xx",tenant="acme"'), 2);
  assert.equal(requests('route="/api/v1/me",method="GET",status_class="4xx",tenant="acme"'), 2);
  assert.equal(requests('route="/api/v1/me",method="POST",status_class="2xx",tenant="acme"'), 1);
  assert.equal(requests('route="unmatched",method="other",status_class="5xx",tenant="none"'), 1);
  assert.equal(text.match(/^pm_http_requests_total\{/gm)?.length, 4, "no other series");
  const latency = (labels: string) =>
    sample(text, "pm_http_request_duration_seconds_bucket", labels);
  assert.equal(latency('le="0.002",route="/api/v1/me",method="GET"'), 3);
  assert.equal(latency('le="0.005",route="/api/v1/me",method="GET"'), 4);
  assert.equal(sample(text, "pm_tenant_request_duration_seconds_count", 'tenant="acme"'), 5);
  assert.equal(sample(text, "pm_tenant_request_duration_seconds_count", 'tenant="none"'), 1);
  assert.equal(sample(text, "pm_rate_limited_requests_total", 'tenant="acme"'), 1);
  assert.equal(metrics.tally.take().get("acme")?.requests, 5);
});

Deno.test("after a scrape re-ranks, a tenant that lost its name counts as other and the new busiest under its own", async () => {
  const metrics = new Metrics(1);
  metrics.observeRequest("GET", "/a", 200, "quiet", 0.001);
  for (let i = 0; i < 10; i++) metrics.observeRequest("GET", "/a", 200, "busy", 0.001);
  const before = await metrics.registry.metrics();
  assert.equal(sample(before, "pm_tenant_request_duration_seconds_count", 'tenant="quiet"'), 1);
  assert.equal(sample(before, "pm_tenant_request_duration_seconds_count", 'tenant="other"'), 10);
  const scraped = await metrics.scrape(sources);
  assert.doesNotMatch(scraped, /tenant="quiet"/, "the scrape re-ranked and retired quiet");

  metrics.observeRequest("GET", "/a", 200, "busy", 0.001);
  metrics.observeRequest("GET", "/a", 200, "quiet", 0.001);
  const text = await metrics.registry.metrics();
  assert.doesNotMatch(text, /tenant="quiet"/, "the retired tenant's series are gone");
  const requests = (tenant: string) =>
    sample(
      text,
      "pm_http_requests_total",
      `route="/a",method="GET",status_class="2xx",tenant="${tenant}"`,
    );
  assert.equal(requests("busy"), 1, "the newly named tenant's requests from now on");
  assert.equal(requests("other"), 11, "its earlier ten stay in other, with quiet's new one");
  assert.equal(sample(text, "pm_tenant_request_duration_seconds_count", 'tenant="busy"'), 1);
  assert.equal(sample(text, "pm_tenant_request_duration_seconds_count", 'tenant="other"'), 11);
});

Deno.test("the alert tally counts every request once, before and after each take, and by slug beyond the top N", () => {
  const metrics = new Metrics(1);
  metrics.observeRequest("GET", "/a", 200, "acme", 0.002);
  metrics.observeRequest("GET", "/a", 503, "acme", 0.004);
  metrics.observeRequest("GET", "/b", 200, "beta", 0.001);
  metrics.observeRequest("GET", "/", 200, undefined, 0.001);
  const first = metrics.tally.take();
  assert.deepEqual(Object.fromEntries(first), {
    acme: { requests: 2, errors: 1, ms: 6 },
    beta: { requests: 1, errors: 0, ms: 1 },
    "": { requests: 1, errors: 0, ms: 1 },
  });
  metrics.observeRequest("GET", "/a", 200, "acme", 0.002);
  const second = metrics.tally.take();
  assert.deepEqual(Object.fromEntries(second), { acme: { requests: 1, errors: 0, ms: 2 } });
  assert.equal(first.get("acme")?.requests, 2, "what was taken is not counted into");
  assert.equal(metrics.tally.take().size, 0);
});

Deno.test("a tenant moving between routes and status classes counts each under its own series", async () => {
  const metrics = new Metrics(5);
  const calls: Array<[string, string, number]> = [
    ["GET", "/a", 200],
    ["GET", "/b", 200],
    ["GET", "/a", 500],
    ["POST", "/a", 200],
    ["GET", "/a", 200],
  ];
  for (const [method, route, status] of calls) {
    metrics.observeRequest(method, route, status, "acme", 0.001);
  }
  const text = await metrics.registry.metrics();
  const requests = (method: string, route: string, cls: string) =>
    sample(
      text,
      "pm_http_requests_total",
      `route="${route}",method="${method}",status_class="${cls}",tenant="acme"`,
    );
  assert.equal(requests("GET", "/a", "2xx"), 2);
  assert.equal(requests("GET", "/b", "2xx"), 1);
  assert.equal(requests("GET", "/a", "5xx"), 1);
  assert.equal(requests("POST", "/a", "2xx"), 1);
  assert.equal(text.match(/^pm_http_requests_total\{/gm)?.length, 4);
  assert.equal(
    sample(text, "pm_http_request_duration_seconds_count", 'route="/a",method="GET"'),
    3,
  );
});
