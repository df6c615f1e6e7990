import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import type { Logger } from "./log.ts";

/** A logger that keeps every entry, so a test can read the access log. */
function memoryLog() {
  const entries: Array<Record<string, unknown>> = [];
  const keep = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    entries.push({ level, msg, ...fields });
  const log: Logger = {
    enabled: () => true,
    debug: keep("debug"),
    info: keep("info"),
    warn: keep("warn"),
    error: keep("error"),
  };
  return { log, entries };
}

Deno.test("the access log records 429 answers of the per-IP and per-tenant limits", async () => {
  const { log, entries } = memoryLog();
  const server = await startTestServer(
    { RATE_LIMIT_PER_IP: "30", RATE_LIMIT_PER_TENANT: "6" },
    { log },
  );
  try {
    const t = await signUpTenant(server);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      // The workspace's limit counts its members' requests (tenants/middleware.ts).
      const res = await server.fetch(t.host, "/api/v1/me", {
        headers: { cookie: t.jar.header(t.host) },
      });
      statuses.push(res.status);
      if (res.status === 429) {
        assert.ok(Number(res.headers.get("retry-after")) >= 1);
        assert.equal(res.headers.get("x-content-type-options"), "nosniff");
      }
      await res.body?.cancel();
    }
    assert.ok(statuses.includes(429), `the tenant limit answered 429: ${statuses}`);
    for (let i = 0; i < 40; i++) {
      const res = await server.fetch("localhost", "/login");
      statuses.push(res.status);
      await res.body?.cancel();
    }
    const requests = entries.filter((e) => e.msg === "request");
    const logged = requests.map((e) => e.status);
    assert.equal(logged.length, requests.length);
    assert.deepEqual(
      logged.slice(-statuses.length),
      statuses,
      "every answer is in the access log, 429s included",
    );
    assert.ok(
      requests.some((e) => e.status === 429 && e.path === "/login" && e.request_id),
      "a 429 entry carries its path and request id",
    );
    assert.equal(statuses.at(-1), 429, "the per-IP limit answered 429 too");
  } finally {
    await server.close();
  }
});
