import assert from "node:assert/strict";
import { join } from "node:path";
import { type Client, openDatabase, type OpenOptions } from "../db/client.ts";
import { isEncryptedDatabase } from "../db/encrypted.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { type HranaServer, startHranaServer } from "../tests/helpers/hrana_server.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { startTursoPlatformDouble } from "../tests/helpers/turso_platform.ts";
import type { LocalDatabaseProvider } from "./database_provider.ts";
import { moveTenantsToTurso, removeMovedLocalFiles, TENANT_MOVE_TABLE } from "./tenant_move.ts";
import { TursoDatabaseProvider } from "./turso_provider.ts";

/** The Hrana stand-in serving one tenant's Turso database, chosen by the URL the client is given. */
function primaryOpener(primaries: Map<string, HranaServer>, seen: OpenOptions[]) {
  return async (options: OpenOptions): Promise<Client> => {
    seen.push(options);
    const url = options.syncUrl ?? options.url;
    const id = /^libsql:\/\/pm-([0-9a-z]{26})-acme\.turso\.io$/.exec(url)?.[1];
    const primary = id ? primaries.get(id) : undefined;
    if (!primary) throw new Error(`No stand-in for ${url}`);
    const client = await openDatabase({ url: primary.url, authToken: options.authToken });
    // The app opens a replica and pulls it first; the stand-in is the primary itself.
    return Object.assign(client, { sync: () => Promise.resolve(undefined) }) as Client;
  };
}

/** Reads a tenant's Turso database through the stand-in, as any client of Turso would. */
async function rows(
  primaries: Map<string, HranaServer>,
  tenantId: string,
  sql: string,
): Promise<Array<Record<string, unknown>>> {
  const url = primaries.get(tenantId)!.url;
  const db = await openDatabase({ url, authToken: `jwt-for-pm-${tenantId}` });
  try {
    return (await db.execute(sql)).rows;
  } finally {
    db.close();
  }
}

async function tenantRow(server: TestServer, id: string) {
  const rs = await server.services.control.execute({
    sql: "SELECT db_url FROM tenants WHERE id = ?",
    args: [id],
  });
  return rs.rows[0]?.db_url ?? null;
}

Deno.test("tenants:move-to-turso copies two tenants, resumes after a failure midway, records locations only when verified, and the app serves the moved records", async () => {
  const server = await startTestServer();
  const dir = await Deno.makeTempDir({ prefix: "pm-tenant-move-" });
  const api = startTursoPlatformDouble();
  const primaries = new Map<string, HranaServer>();
  let app: TestServer | null = null;
  try {
    // Two workspaces with records, on local files encrypted at rest.
    const signed = [await signUpTenant(server), await signUpTenant(server)]
      .sort((a, b) => a.tenantId.localeCompare(b.tenantId)); // the move goes in id order
    const [first, second] = signed as [typeof signed[0], typeof signed[0]];
    const supplierCount = new Map([[first.tenantId, 12], [second.tenantId, 35]]);
    for (const t of signed) {
      const client = await apiClient(server, t);
      for (let i = 0; i < supplierCount.get(t.tenantId)!; i++) {
        await client.ok("POST", "/api/v1/suppliers", { name: `Brisket ${t.slug} ${i}` }, 201);
      }
    }
    const local = server.services.provider as LocalDatabaseProvider;
    for (const t of signed) assert.equal(await isEncryptedDatabase(local.pathOf(t.tenantId)), true);

    // The second tenant's connection drops on its second chunk of suppliers.
    let interrupt = true;
    let supplierChunks = 0;
    for (const t of signed) {
      primaries.set(
        t.tenantId,
        startHranaServer({
          path: join(dir, `${t.tenantId}.db`),
          authToken: `jwt-for-pm-${t.tenantId}`,
          failWhen: (sql) =>
            t === second && interrupt && sql.includes('INTO "suppliers"') && ++supplierChunks === 2,
        }),
      );
    }
    const seen: OpenOptions[] = [];
    const turso = new TursoDatabaseProvider({
      platform: api.platform,
      group: "ord",
      prefix: "pm-",
      replicaDir: join(dir, "replicas"),
      syncIntervalSeconds: 0,
      keys: server.services.tenantKeys,
      openClient: primaryOpener(primaries, seen),
    });
    const deps = { control: server.services.control, local, turso };
    const firstUrl = `libsql://pm-${first.tenantId}-acme.turso.io`;
    const secondUrl = `libsql://pm-${second.tenantId}-acme.turso.io`;

    const run1 = await moveTenantsToTurso(deps, { chunkRows: 10 });
    assert.deepEqual(run1.map((r) => r.outcome), ["moved", "failed"]);
    assert.match(run1[1]!.error!, /503|Injected/);
    assert.equal(await tenantRow(server, first.tenantId), firstUrl);
    assert.equal(await tenantRow(server, second.tenantId), null, "no location before verified");
    assert.equal(
      (await rows(primaries, second.tenantId, "SELECT COUNT(*) AS n FROM suppliers"))[0]?.n,
      10,
    );
    assert.deepEqual(
      await rows(
        primaries,
        second.tenantId,
        `SELECT table_name FROM ${TENANT_MOVE_TABLE} WHERE table_name = '*'`,
      ),
      [],
      "the interrupted copy is not marked verified",
    );

    // --remove-local now deletes only the verified tenant's file.
    const early = await removeMovedLocalFiles(deps);
    assert.deepEqual(early.removed, [first.slug]);
    assert.deepEqual(early.kept.map((k) => k.slug), [second.slug]);
    assert.match(early.kept[0]!.reason, /not moved yet/);
    assert.ok(await Deno.stat(local.pathOf(second.tenantId)), "the unverified tenant's file stays");

    interrupt = false;
    const lines: string[] = [];
    const run2 = await moveTenantsToTurso(deps, { chunkRows: 10, say: (l) => lines.push(l) });
    assert.deepEqual(run2.map((r) => r.outcome), ["already", "moved"]);
    assert.equal(run2[1]!.resumed, true);
    const tables = run2[1]!.tables!;
    for (const name of ["suppliers", "search_index", "_migrations"]) {
      assert.ok(tables.some((t) => t.table === name), `${name} was copied`);
    }
    assert.ok(!tables.some((t) => t.table.startsWith("search_index_")), "FTS shadows left alone");
    for (const t of tables) assert.equal(t.target, t.source, `${t.table} counts`);
    assert.equal(await tenantRow(server, second.tenantId), secondUrl);
    assert.ok(lines.includes(`${second.slug}: moved to ${secondUrl}`));
    for (const t of signed) {
      const [counts] = await rows(
        primaries,
        t.tenantId,
        "SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS d FROM suppliers",
      );
      assert.equal(counts?.n, supplierCount.get(t.tenantId), "every supplier, none twice");
      assert.equal(counts?.d, counts?.n);
    }
    assert.equal(
      api.calls.filter((c) => c === "POST /v1/organizations/acme/databases").length,
      2,
      "each Turso database created once; the rerun found the second",
    );
    assert.ok(
      seen.every((o) => o.authToken === `jwt-for-${new URL(o.url).hostname.split("-acme")[0]}`),
    );

    // A third run changes nothing.
    const posts = api.calls.length;
    assert.deepEqual((await moveTenantsToTurso(deps)).map((r) => r.outcome), [
      "already",
      "already",
    ]);
    assert.equal(api.calls.length, posts);

    // The local file stays until --remove-local, which then deletes it and the progress table.
    assert.ok(await Deno.stat(local.pathOf(second.tenantId)));
    const removed = await removeMovedLocalFiles(deps);
    assert.deepEqual(removed, { removed: [second.slug], kept: [] });
    for (const t of signed) {
      await assert.rejects(Deno.stat(local.pathOf(t.tenantId)), Deno.errors.NotFound);
      assert.deepEqual(
        await rows(
          primaries,
          t.tenantId,
          `SELECT name FROM sqlite_master WHERE name = '${TENANT_MOVE_TABLE}'`,
        ),
        [],
      );
    }
    const keys = await server.services.control.execute(
      "SELECT COUNT(DISTINCT tenant_id) AS n FROM tenant_keys",
    );
    assert.equal(Number(keys.rows[0]?.n), 2, "the data keys stay: they encrypt the replicas");

    // The app configured for Turso serves the moved tenant from its Turso database.
    app = await startTestServer({}, {
      control: server.services.control,
      keys: server.services.keys,
      provider: turso,
    });
    const client = await apiClient(app, second);
    const list = await client.ok("GET", "/api/v1/suppliers?limit=100");
    assert.equal(list.data.length, 35);
    const hits = await client.ok("GET", `/api/v1/search?q=brisket`);
    assert.ok(hits.data.length > 0, "the search index came over");
    await client.ok("POST", "/api/v1/suppliers", { name: "After the move" }, 201);
    assert.equal(
      (await rows(primaries, second.tenantId, "SELECT COUNT(*) AS n FROM suppliers"))[0]?.n,
      36,
      "written to the Turso database",
    );
    assert.equal(
      (await rows(primaries, first.tenantId, "SELECT COUNT(*) AS n FROM suppliers"))[0]?.n,
      12,
    );
  } finally {
    await app?.close();
    for (const p of primaries.values()) await p.close();
    await api.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("tenants:move-to-turso records no location when the app wrote during the copy, drops that copy, and the next run starts afresh", async () => {
  const server = await startTestServer();
  const dir = await Deno.makeTempDir({ prefix: "pm-tenant-move-" });
  const api = startTursoPlatformDouble();
  const primaries = new Map<string, HranaServer>();
  try {
    const t = await signUpTenant(server);
    const client = await apiClient(server, t);
    await client.ok("POST", "/api/v1/suppliers", { name: "Before the move" }, 201);
    primaries.set(
      t.tenantId,
      startHranaServer({ path: join(dir, "primary.db"), authToken: `jwt-for-pm-${t.tenantId}` }),
    );
    const turso = new TursoDatabaseProvider({
      platform: api.platform,
      group: "ord",
      prefix: "pm-",
      replicaDir: join(dir, "replicas"),
      syncIntervalSeconds: 0,
      openClient: primaryOpener(primaries, []),
    });
    const local = server.services.provider as LocalDatabaseProvider;
    let wrote = false;
    // The app still runs: a supplier arrives after its table was copied, before the counts.
    const writing = Object.assign(Object.create(local), {
      open: async (id: string) => {
        const db = await local.open(id);
        const execute = db.execute.bind(db);
        return Object.assign(db, {
          execute: async (...args: Parameters<Client["execute"]>) => {
            if (!wrote && String(args[0]).includes('COUNT(*) AS n FROM "suppliers"')) {
              wrote = true;
              await client.ok("POST", "/api/v1/suppliers", { name: "During the move" }, 201);
            }
            return await (execute as (...a: unknown[]) => ReturnType<Client["execute"]>)(...args);
          },
        });
      },
    }) as LocalDatabaseProvider;
    const deps = { control: server.services.control, local: writing, turso };
    const [result] = await moveTenantsToTurso(deps);
    assert.ok(wrote);
    assert.equal(result?.outcome, "failed");
    assert.match(result!.error!, /Row counts differ .*suppliers \(local 2, Turso 1\)/);
    assert.equal(await tenantRow(server, t.tenantId), null, "the tenant stays on its local file");
    assert.ok(await Deno.stat(local.pathOf(t.tenantId)));
    assert.deepEqual(await removeMovedLocalFiles(deps), {
      removed: [],
      kept: [{ slug: t.slug, reason: "not moved yet (no Turso location recorded)" }],
    }, "an unverified tenant's file is never removed");
    const name = `pm-${t.tenantId}`;
    assert.ok(!api.databases.has(name), "the unverified copy was deleted");

    // With the writes stopped, the next run copies it afresh (the stand-in's file stays here).
    await primaries.get(t.tenantId)!.close();
    await Deno.remove(join(dir, "primary.db"));
    for (const f of ["-wal", "-shm"]) {
      await Deno.remove(join(dir, "primary.db" + f)).catch(() => {});
    }
    primaries.set(
      t.tenantId,
      startHranaServer({ path: join(dir, "primary.db"), authToken: `jwt-for-pm-${t.tenantId}` }),
    );
    const [again] = await moveTenantsToTurso(deps);
    assert.equal(again?.outcome, "moved");
    assert.equal(again?.resumed, false);
    assert.equal(
      again?.tables?.find((x) => x.table === "suppliers")?.target,
      2,
      "both suppliers, once each",
    );
    assert.equal(await tenantRow(server, t.tenantId), `libsql://${name}-acme.turso.io`);
  } finally {
    for (const p of primaries.values()) await p.close();
    await api.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
