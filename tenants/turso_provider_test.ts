import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import { type Client, openDatabase, type OpenOptions } from "../db/client.ts";
import { newId } from "../db/ids.ts";
import { LocalDatabaseProvider } from "./database_provider.ts";
import { TursoApiError, TursoPlatform } from "./turso_platform.ts";
import { createDatabaseProvider, TursoDatabaseProvider } from "./turso_provider.ts";
import { startTestServer } from "../tests/helpers/server.ts";

interface Seen {
  method: string;
  path: string;
  auth: string | null;
  body: unknown;
}

/** A loopback stand-in for the Turso Platform API that records what it receives. */
function startTursoDouble(opts: { fail?: number; slowMs?: number } = {}) {
  const seen: Seen[] = [];
  const databases = new Set<string>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const body = req.method === "POST" && req.headers.get("content-type") ? await req.json() : null;
    seen.push({
      method: req.method,
      path: url.pathname + url.search,
      auth: req.headers.get("authorization"),
      body,
    });
    if (opts.slowMs) await new Promise((r) => setTimeout(r, opts.slowMs));
    if (opts.fail) return Response.json({ error: "token is invalid" }, { status: opts.fail });
    const m = /^\/v1\/organizations\/acme\/databases(?:\/([^/]+))?(\/auth\/tokens)?$/.exec(
      url.pathname,
    );
    if (!m) return Response.json({ error: "no route" }, { status: 404 });
    if (req.method === "POST" && !m[1]) {
      const { name } = body as { name: string };
      databases.add(name);
      return Response.json({
        database: { DbId: `id-${name}`, Hostname: `${name}-acme.turso.io`, Name: name },
      });
    }
    if (req.method === "POST" && m[2]) return Response.json({ jwt: `jwt-for-${m[1]}` });
    if (req.method === "DELETE" && m[1]) {
      databases.delete(m[1]);
      return Response.json({ database: m[1] });
    }
    return Response.json({ error: "unexpected" }, { status: 400 });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    seen,
    databases,
    close: () => server.shutdown(),
  };
}

/** Stands in for an embedded replica: a local file client whose sync() is recorded. */
function fakeReplicaOpener(dir: string, calls: OpenOptions[], syncs: string[]) {
  return async (options: OpenOptions): Promise<Client> => {
    calls.push(options);
    const client = await openDatabase({ url: `file:${dir}/${calls.length}.db` });
    return Object.assign(client, {
      sync: () => {
        syncs.push(options.syncUrl ?? "");
        return Promise.resolve(undefined);
      },
    }) as Client;
  };
}

Deno.test("TursoDatabaseProvider creates, opens as an embedded replica, and deletes through the Platform API", async () => {
  const api = startTursoDouble();
  const dir = await Deno.makeTempDir();
  const calls: OpenOptions[] = [];
  const syncs: string[] = [];
  try {
    const provider = new TursoDatabaseProvider({
      platform: new TursoPlatform({ apiUrl: api.url, org: "acme", apiToken: "secret-api" }),
      group: "us-central",
      prefix: "pm-",
      replicaDir: `${dir}/replicas`,
      syncIntervalSeconds: 30,
      openClient: fakeReplicaOpener(dir, calls, syncs),
    });
    const id = newId();
    const location = await provider.create(id);
    assert.equal(location, `libsql://pm-${id}-acme.turso.io`);
    assert.deepEqual(api.seen[0], {
      method: "POST",
      path: "/v1/organizations/acme/databases",
      auth: "Bearer secret-api",
      body: { name: `pm-${id}`, group: "us-central" },
    });

    const db = await provider.open(id, location);
    db.close();
    (await provider.open(id, location)).close();
    const tokenCalls = api.seen.filter((s) => s.path.includes("/auth/tokens"));
    assert.equal(tokenCalls.length, 1, "the database token is minted once and reused");
    assert.equal(
      tokenCalls[0]!.path,
      `/v1/organizations/acme/databases/pm-${id}/auth/tokens?authorization=full-access`,
    );
    assert.equal(calls[0]!.syncUrl, location);
    assert.equal(calls[0]!.authToken, `jwt-for-pm-${id}`);
    assert.equal(calls[0]!.url, `file:${dir}/replicas/${id}.db`);
    assert.equal(calls[0]!.syncInterval, 30);
    assert.deepEqual(syncs, [location, location], "each open pulls from the primary first");

    await Deno.writeTextFile(`${dir}/replicas/${id}.db`, "replica");
    await provider.destroy(id);
    assert.equal(api.seen.at(-1)!.method, "DELETE");
    assert.equal(api.seen.at(-1)!.path, `/v1/organizations/acme/databases/pm-${id}`);
    await assert.rejects(() => Deno.stat(`${dir}/replicas/${id}.db`), Deno.errors.NotFound);
    assert.equal(api.databases.size, 0);
  } finally {
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TursoPlatform turns API errors and timeouts into TursoApiError with a clear message", async () => {
  const refused = startTursoDouble({ fail: 401 });
  const slow = startTursoDouble({ slowMs: 300 });
  try {
    const p = new TursoPlatform({ apiUrl: refused.url, org: "acme", apiToken: "bad" });
    const err = await p.createDatabase("pm-x", "default").catch((e) => e);
    assert.ok(err instanceof TursoApiError);
    assert.equal(err.status, 401);
    assert.match(err.message, /token is invalid/);
    const q = new TursoPlatform({ apiUrl: slow.url, org: "acme", apiToken: "t", timeoutMs: 50 });
    const timeout = await q.createDatabase("pm-y", "default").catch((e) => e);
    assert.ok(timeout instanceof TursoApiError);
    assert.match(timeout.message, /unreachable/);
  } finally {
    await refused.close();
    await slow.close();
  }
});

Deno.test("createDatabaseProvider() picks local files, Turso, or refuses half a configuration", () => {
  assert.ok(
    createDatabaseProvider(parseConfig({ DATA_DIR: "/tmp/x" })) instanceof LocalDatabaseProvider,
  );
  const turso = createDatabaseProvider(
    parseConfig({ DATA_DIR: "/tmp/x", TURSO_ORG: "acme", TURSO_API_TOKEN: "t" }),
  );
  assert.equal(turso.kind, "turso");
  assert.throws(() => createDatabaseProvider(parseConfig({ TURSO_ORG: "acme" })), /both TURSO_ORG/);
  assert.throws(
    () => createDatabaseProvider(parseConfig({ TURSO_API_TOKEN: "t" })),
    /both TURSO_ORG/,
  );
});

Deno.test("signup on Turso records the database location, and a failed signup deletes the remote database", async () => {
  const api = startTursoDouble();
  const dir = await Deno.makeTempDir();
  const calls: OpenOptions[] = [];
  const provider = new TursoDatabaseProvider({
    platform: new TursoPlatform({ apiUrl: api.url, org: "acme", apiToken: "secret-api" }),
    group: "default",
    prefix: "pm-",
    replicaDir: `${dir}/replicas`,
    syncIntervalSeconds: 0,
    openClient: fakeReplicaOpener(dir, calls, []),
  });
  let failAt: string | null = null;
  const server = await startTestServer({}, {
    provider,
    faultInjector: (step) => {
      if (step === failAt) throw new Error("injected");
    },
  });
  const signup = (slug: string) =>
    server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: {
        company_name: "Turso Foods",
        slug,
        owner_name: "T",
        email: `t@${slug}.example`,
        password: "brisket and ribeye 7",
      },
    });
  try {
    const ok = await signup("remote");
    assert.equal(ok.status, 201);
    const row = await server.services.control.execute(
      "SELECT db_url FROM tenants WHERE slug = 'remote'",
    );
    assert.match(String(row.rows[0]?.db_url), /^libsql:\/\/pm-[0-9a-z]{26}-acme\.turso\.io$/);
    assert.equal(api.databases.size, 1);

    failAt = "control_rows";
    const failed = await signup("broken");
    assert.equal(failed.status, 500);
    assert.equal(api.databases.size, 1, "the half-made remote database was deleted");
    const count = await server.services.control.execute("SELECT COUNT(*) AS n FROM tenants");
    assert.equal(Number(count.rows[0]?.n), 1);
  } finally {
    await server.close();
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});
