import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../config.ts";
import { type Client, openDatabase, type OpenOptions } from "../db/client.ts";
import { isEncryptedDatabase, openEncryptedDatabase } from "../db/encrypted.ts";
import { migrate } from "../db/migrate.ts";
import { startHranaServer } from "../tests/helpers/hrana_server.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { enqueue } from "../workers/queue.ts";
import { Worker } from "../workers/runner.ts";
import {
  connectControlDatabase,
  controlOnTurso,
  openInstallationControl,
} from "./control_database.ts";
import { TursoPlatform } from "./turso_platform.ts";

/** A loopback Platform API with no databases at first: records calls, creates on POST. */
function startPlatformDouble() {
  const calls: string[] = [];
  const databases = new Set<string>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.get("authorization") !== "Bearer api-secret") {
      return Response.json({ error: "bad token" }, { status: 401 });
    }
    const m = /^\/v1\/organizations\/acme\/databases(?:\/([^/]+))?(\/auth\/tokens)?$/.exec(
      url.pathname,
    );
    const body = req.method === "POST" && !m?.[1] ? await req.json() : null;
    const found = (name: string) =>
      Response.json({
        database: { DbId: `id-${name}`, Hostname: `${name}-acme.turso.io`, Name: name },
      });
    if (m && req.method === "GET" && m[1]) {
      return databases.has(m[1]) ? found(m[1]) : Response.json({ error: "no" }, { status: 404 });
    }
    if (m && req.method === "POST" && !m[1]) {
      databases.add(body.name);
      return found(body.name);
    }
    if (m && req.method === "POST" && m[2]) return Response.json({ jwt: `jwt-for-${m[1]}` });
    return Response.json({ error: "unexpected" }, { status: 400 });
  });
  return {
    calls,
    databases,
    platform: new TursoPlatform({
      apiUrl: `http://127.0.0.1:${server.addr.port}`,
      org: "acme",
      apiToken: "api-secret",
    }),
    close: () => server.shutdown(),
  };
}

function tursoConfig(dataDir: string, extra: Record<string, string> = {}) {
  return parseConfig({
    DATA_DIR: dataDir,
    TURSO_ORG: "acme",
    TURSO_API_TOKEN: "api-secret",
    TURSO_GROUP: "ord",
    ...extra,
  });
}

/** Stands in for the embedded replica: records its options, talks to the Hrana stand-in. */
function remoteOpener(url: string, seen: OpenOptions[]) {
  return (options: OpenOptions): Promise<Client> => {
    seen.push(options);
    return openDatabase({ url, authToken: options.authToken });
  };
}

Deno.test("connectControlDatabase() opens DATA_DIR/control.db with no Turso settings, and refuses half of them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-control-" });
  const seen: OpenOptions[] = [];
  try {
    const config = parseConfig({ DATA_DIR: dir });
    const client = await connectControlDatabase(config, {
      openClient: (o) => (seen.push(o), openDatabase(o)),
    });
    client.close();
    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.url, `file:${join(dir, "control.db")}`);
    assert.equal(seen[0]!.syncUrl, undefined, "no replica");
    assert.throws(() => controlOnTurso(parseConfig({ TURSO_ORG: "acme" })), /both TURSO_ORG/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("openInstallationControl() gives the command-line tools the local control.db, encrypted, by default", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-control-" });
  try {
    const { control, keys } = await openInstallationControl(parseConfig({ DATA_DIR: dir }));
    await control.execute("CREATE TABLE probe (n INTEGER)");
    await control.execute("INSERT INTO probe VALUES (1)");
    control.close();
    assert.equal(await isEncryptedDatabase(join(dir, "control.db")), true);
    const again = await openEncryptedDatabase(
      join(dir, "control.db"),
      await keys.controlDatabaseKey(),
    );
    assert.equal((await again.execute("SELECT n FROM probe")).rows[0]?.n, 1);
    again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("connectControlDatabase() on Turso creates <prefix>control once and opens it as an embedded replica with its token", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-control-" });
  const api = startPlatformDouble();
  const hrana = startHranaServer({
    path: join(dir, "primary.db"),
    authToken: "jwt-for-pm-control",
  });
  const seen: OpenOptions[] = [];
  try {
    const config = tursoConfig(dir);
    const opts = { platform: api.platform, openClient: remoteOpener(hrana.url, seen) };
    const first = await connectControlDatabase(config, opts);
    await first.execute("CREATE TABLE probe (n INTEGER)");
    first.close();
    const second = await connectControlDatabase(config, opts);
    second.close();
    assert.deepEqual([...api.databases], ["pm-control"]);
    assert.equal(
      api.calls.filter((c) => c === "POST /v1/organizations/acme/databases").length,
      1,
      "created once; the second machine finds it",
    );
    assert.deepEqual(seen[0], {
      url: `file:${join(dir, "replicas", "control.db")}`,
      syncUrl: "libsql://pm-control-acme.turso.io",
      authToken: "jwt-for-pm-control",
      syncInterval: 60,
      encryptionKey: undefined,
    });
    assert.equal(hrana.stats.unauthorized, 0, "the minted token opened the database");

    const grouped = await connectControlDatabase(
      tursoConfig(dir, { TURSO_GROUP_AUTH_TOKEN: "group-token", TURSO_DB_PREFIX: "x-" }),
      {
        platform: api.platform,
        openClient: (o) => (seen.push(o), openDatabase({ url: hrana.url })),
      },
    ).catch((err) => err);
    if (!(grouped instanceof Error)) grouped.close();
    assert.equal(seen.at(-1)?.authToken, "group-token", "a group token spares minting one");
    assert.equal(seen.at(-1)?.syncUrl, "libsql://x-control-acme.turso.io");
  } finally {
    await hrana.close();
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("connectControlDatabase() pulls the replica again when it was written under another key", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-control-" });
  const api = startPlatformDouble();
  const hrana = startHranaServer({ path: join(dir, "primary.db") });
  const replica = join(dir, "replicas", "control.db");
  let opens = 0;
  try {
    await Deno.mkdir(join(dir, "replicas"));
    await Deno.writeTextFile(replica, "written under an older key");
    await Deno.writeTextFile(`${replica}-info`, "{}");
    const client = await connectControlDatabase(tursoConfig(dir), {
      platform: api.platform,
      encryptionKey: "cd".repeat(32),
      openClient: async (o) => {
        opens++;
        const stale = await Deno.stat(replica).then(() => true, () => false);
        if (stale) {
          throw Object.assign(new Error("file is not a database"), { code: "SQLITE_NOTADB" });
        }
        assert.equal(o.encryptionKey, "cd".repeat(32));
        return await openDatabase({ url: hrana.url });
      },
    });
    client.close();
    assert.equal(opens, 2);
    assert.equal(await Deno.stat(`${replica}-info`).then(() => true, () => false), false);
  } finally {
    await hrana.close();
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("connectControlDatabase() on Turso refuses while the local control.db holds workspaces not moved yet", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-control-" });
  const api = startPlatformDouble();
  const hrana = startHranaServer({ path: join(dir, "primary.db") });
  try {
    const config = tursoConfig(dir);
    const open = { platform: api.platform, openClient: remoteOpener(hrana.url, []) };
    // The local control database is encrypted at rest: only its key opens it for the check.
    const key = "ab".repeat(32);
    const openLocal = () => openEncryptedDatabase(join(dir, "control.db"), key);
    const local = await openLocal();
    await migrate(local, "control");
    (await connectControlDatabase(config, { ...open, openLocal })).close(); // empty: nothing to move
    await local.execute(
      "INSERT INTO tenants (id, slug, name, created_at, updated_at) VALUES ('t1', 'acme', 'Acme', '', '')",
    );
    local.close();
    await assert.rejects(
      connectControlDatabase(config, { ...open, openLocal }),
      /holds workspaces that have not been moved to Turso: run `deno task control:move-to-turso`/,
    );
    assert.equal(hrana.openStreams(), 0, "the refused client was closed");
  } finally {
    await hrana.close();
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the app runs on a remote control database: migrations, signup, sign-in and a job through the stand-in", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-control-" });
  const api = startPlatformDouble();
  const primary = join(dir, "primary.db");
  const hrana = startHranaServer({ path: primary, authToken: "jwt-for-pm-control" });
  let server: Awaited<ReturnType<typeof startTestServer>> | null = null;
  try {
    const control = await connectControlDatabase(tursoConfig(join(dir, "machine")), {
      platform: api.platform,
      openClient: remoteOpener(hrana.url, []),
    });
    server = await startTestServer({}, { control });
    const t = await signUpTenant(server);
    const login = await server.fetch(t.host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: t.email, password: t.password },
    });
    assert.equal(login.status, 200, "sign-in reads the user and writes the session remotely");
    await login.body?.cancel();

    const ran: string[] = [];
    const id = await enqueue(control, { kind: "probe", tenantId: t.tenantId });
    const worker = new Worker(server.services, {
      handlers: { probe: ({ job }) => (ran.push(job.id), Promise.resolve()) },
      idleMs: 10,
    });
    worker.start();
    for (let i = 0; i < 200 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    await worker.stop();
    assert.deepEqual(ran, [id]);

    // Everything is on the primary, nothing in the machine's data folder.
    const direct = await openDatabase({ url: `file:${primary}` });
    try {
      const one = async (sql: string) => (await direct.execute(sql)).rows[0];
      assert.equal((await one("SELECT COUNT(*) AS n FROM tenants"))?.n, 1);
      assert.equal((await one(`SELECT status FROM jobs WHERE id = '${id}'`))?.status, "done");
      assert.ok(Number((await one("SELECT COUNT(*) AS n FROM sessions"))?.n) >= 2);
      assert.ok(Number((await one("SELECT MAX(version) AS v FROM _migrations"))?.v) > 0);
    } finally {
      direct.close();
    }
    assert.ok(hrana.stats.pipelines > 10);
    // Re-running the migrations on the primary finds nothing left to do.
    assert.equal(await migrate(control, "control"), 0);
  } finally {
    await server?.close();
    await hrana.close();
    await api.close();
    await Deno.remove(dir, { recursive: true });
  }
});
