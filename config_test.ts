import assert from "node:assert/strict";
import { parseConfig, SETTING_NAMES, workerCount } from "./config.ts";

Deno.test(".env.example documents every setting of config.ts, and nothing else", async () => {
  const text = await Deno.readTextFile(new URL("./.env.example", import.meta.url));
  const documented = new Set(
    [...text.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!),
  );
  const missing = SETTING_NAMES.filter((name) => !documented.has(name));
  assert.deepEqual(missing, [], "settings missing from .env.example");
  const unknown = [...documented].filter((name) => !SETTING_NAMES.includes(name));
  assert.deepEqual(unknown, [], "names in .env.example that config.ts does not read");
});

Deno.test("parseConfig() refuses TEST_TODAY in production and a day that is not one", () => {
  assert.throws(
    () => parseConfig({ APP_ENV: "production", TEST_TODAY: "2027-07-15" }),
    /TEST_TODAY/,
  );
  assert.throws(() => parseConfig({ TEST_TODAY: "next week" }), /TEST_TODAY/);
  assert.equal(parseConfig({ TEST_TODAY: "2027-07-15" }).TEST_TODAY, "2027-07-15");
});

Deno.test("WORKERS decides how many job workers a process runs and wins over RUN_WORKERS", () => {
  const web = (env: Record<string, string>) => workerCount(parseConfig(env), "web");
  const worker = (env: Record<string, string>) => workerCount(parseConfig(env), "worker");
  assert.equal(web({}), 1, "one machine: jobs run in the web process");
  assert.equal(web({ RUN_WORKERS: "false" }), 0);
  assert.equal(worker({ RUN_WORKERS: "false" }), 1, "a worker process runs jobs by default");
  assert.equal(web({ WORKERS: "0" }), 0);
  assert.equal(parseConfig({ WORKERS: "0" }).RUN_WORKERS, false, "the doctor reads it as off");
  assert.equal(worker({ WORKERS: "0" }), 0);
  assert.equal(web({ WORKERS: "2", RUN_WORKERS: "false" }), 2);
  assert.equal(parseConfig({ WORKERS: "2", RUN_WORKERS: "false" }).RUN_WORKERS, true);
  assert.throws(() => parseConfig({ WORKERS: "-1" }), /WORKERS/);
});
