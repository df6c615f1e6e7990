import assert from "node:assert/strict";
import { NO_TENANT, OTHER_TENANTS, TenantLabels } from "./tenant_labels.ts";

Deno.test("TenantLabels names the busiest N tenants and labels every other one other", () => {
  const labels = new TenantLabels(2);
  const hit = (slug: string, times: number) => {
    for (let i = 0; i < times; i++) labels.labelFor(slug);
  };
  hit("a", 1);
  hit("b", 1);
  assert.equal(labels.labelFor("c"), OTHER_TENANTS, "the third tenant seen is not named");
  hit("c", 50);
  hit("d", 30);
  assert.deepEqual(labels.rerank().sort(), ["a", "b"], "a and b lose their names");
  assert.equal(labels.labelFor("c"), "c");
  assert.equal(labels.labelFor("d"), "d");
  assert.equal(labels.labelFor("a"), OTHER_TENANTS);
  assert.equal(labels.labelFor(undefined), NO_TENANT);
  assert.deepEqual(labels.named().sort(), ["c", "d"]);
});

Deno.test("TenantLabels: a tenant that turns busy gets its name and a quiet one is forgotten", () => {
  const labels = new TenantLabels(1);
  for (let i = 0; i < 100; i++) labels.labelFor("old");
  labels.rerank();
  // "old" goes quiet; "new" gets a steady 20 requests between scrapes.
  let renamedAfter = 0;
  for (let scrape = 1; scrape <= 10 && !renamedAfter; scrape++) {
    for (let i = 0; i < 20; i++) labels.labelFor("new");
    if (labels.rerank().includes("old")) renamedAfter = scrape;
  }
  assert.ok(renamedAfter > 0 && renamedAfter <= 3, `renamed after ${renamedAfter} scrapes`);
  assert.equal(labels.labelFor("new"), "new");
  for (let i = 0; i < 12; i++) labels.rerank();
  assert.equal(labels.tracked, 1, "the quiet tenant's score decayed away; the named one stays");
});

Deno.test("TenantLabels keeps the number of labels bounded with thousands of tenants", () => {
  const labels = new TenantLabels(20);
  const seen = new Set<string>();
  for (let round = 0; round < 5; round++) {
    for (let t = 0; t < 5000; t++) seen.add(labels.labelFor(`t${(t * 7 + round) % 5000}`));
    labels.rerank();
  }
  // At most the 20 first seen plus each ranking's 20, plus "other".
  assert.ok(seen.size <= 20 * 6 + 1, `${seen.size} distinct labels`);
  assert.ok(seen.has(OTHER_TENANTS));
});
