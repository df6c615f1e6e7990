import assert from "node:assert/strict";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { createHash } from "node:crypto";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { uploadFile } from "../tests/helpers/documents.ts";
import { pngHeader } from "../tests/helpers/images.ts";
import { readBrandImage } from "../customization/assets.ts";
import { corpus } from "../ai/fixtures/corpus.ts";
import { appendSecurityEvent } from "../security/events.ts";
import { documentKey } from "../storage/mod.ts";
import type { Client } from "../db/client.ts";
import { encodeValue, type Manifest } from "./archive_format.ts";
import { ArchiveRefusedError, bytesSource, concat } from "./archive_reader.ts";
import { partKey, requestExport, runExportJob } from "./exports.ts";
import { restoreIntoEmptyWorkspace, restoreNewWorkspace } from "./restore.ts";

/** Every row of every table (virtual tables excepted: their shadow tables hold the data). */
async function dumpAll(db: Client): Promise<Map<string, string[]>> {
  const tables = await db.execute(
    `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%'`,
  );
  const out = new Map<string, string[]>();
  for (const t of tables.rows) {
    if (/^\s*CREATE\s+VIRTUAL/i.test(String(t.sql))) continue;
    const name = String(t.name);
    const rs = await db.execute(`SELECT * FROM "${name}"`);
    out.set(
      name,
      rs.rows.map((r) => JSON.stringify(rs.columns.map((c, i) => [c, encodeValue(r[i])])))
        .sort(),
    );
  }
  return out;
}

async function withDb<T>(server: TestServer, tenantId: string, use: (db: Client) => Promise<T>) {
  const tenant = (await server.services.registry.findById(tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  try {
    return await use(lease.db);
  } finally {
    lease.release();
  }
}

/** A workspace with records of every type, a change in history, a document and a security event. */
async function workspaceWithData(server: TestServer, slug: string) {
  const t = await signUpTenant(server, slug);
  const api = await apiClient(server, t);
  const records = await seedOneOfEach(api, "Roundtrip");
  await api.ok("PATCH", `/api/v1/customers/${records.customers.id}`, {
    version: 1,
    phone: "555-0100",
  });
  const fixture = corpus([1]).find((f) => f.name.startsWith("purchase-order-beside"))!;
  const pdf = await fixture.pdf();
  const up = await uploadFile(server, api, "supplier-po.pdf", pdf);
  assert.equal(up.status, 202, JSON.stringify(up.body));
  // A logo, named by the configuration (its bytes live in storage, beside the documents).
  const upload = await server.fetch(t.host, "/api/v1/config/assets", {
    method: "POST",
    headers: { authorization: `Bearer ${api.token}`, "content-type": "image/png" },
    body: pngHeader(64, 32),
  });
  assert.equal(upload.status, 201);
  const logo = (await upload.json()).name as string;
  const applied = await api.call("PUT", "/api/v1/config", { branding: { logo } }, {
    "if-match": '"0"',
  });
  assert.equal(applied.status, 200, JSON.stringify(applied.body));
  await withDb(
    server,
    t.tenantId,
    (db) =>
      appendSecurityEvent(db, { action: "auth.sign_in", actorEmail: t.email, ip: "127.0.0.1" }, {
        now: server.services.clock.now(),
      }),
  );
  return { t, api, pdf, logo };
}

/** Runs an export to the end and returns the archive's bytes. */
async function exportArchive(server: TestServer, tenantId: string, userId: string) {
  const exp = await requestExport(server.services, tenantId, userId);
  const ready = (await runExportJob(server.services, exp.id))!;
  assert.equal(ready.status, "ready");
  assert.equal(ready.stepsDone, ready.stepsTotal);
  const storage = server.services.storage;
  const parts = [];
  for (let n = 0; n < ready.parts; n++) {
    parts.push(await storage.get(partKey(tenantId, ready.id, n)));
  }
  return concat(parts);
}

async function listDir(path: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) names.push(e.name);
  } catch { /* absent */ }
  return names.sort();
}

Deno.test("an export restored into a new workspace holds every row of every table and every file byte for byte", async () => {
  const server = await startTestServer();
  try {
    const { t, pdf, logo } = await workspaceWithData(server, "roundsrc");
    const archive = await exportArchive(server, t.tenantId, t.userId);

    const restored = await restoreNewWorkspace(server.services, bytesSource(archive), {
      slug: "roundcopy",
    });
    assert.deepEqual(restored.restoredMembers, [t.email]);
    assert.ok(restored.counts.rows > 20);

    const before = await withDb(server, t.tenantId, dumpAll);
    const after = await withDb(server, restored.tenantId, dumpAll);
    assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
    for (const name of ["security_events", "audit_log", "customers", "documents"]) {
      assert.ok(before.get(name)!.length > 0, `${name} has rows to compare`);
    }
    const docs = await withDb(
      server,
      t.tenantId,
      async (db) => (await db.execute("SELECT id, storage_key FROM documents")).rows,
    );
    for (const [name, rows] of before) {
      // The one column that changes: a document's file now lives under the new workspace's key.
      const expected = name === "documents"
        ? rows.map((r) => r.replaceAll(t.tenantId + "/", restored.tenantId + "/")).sort()
        : rows;
      assert.deepEqual(after.get(name), expected, `table ${name}`);
    }
    const storage = server.services.storage;
    assert.equal(docs.length, 1);
    for (const d of docs) {
      const copy = await storage.get(documentKey(restored.tenantId, String(d.id)));
      assert.deepEqual(copy, await storage.get(String(d.storage_key)));
      assert.deepEqual(copy, pdf);
    }
    // The logo the configuration names came along, under the new workspace.
    assert.deepEqual(
      (await readBrandImage(storage, restored.tenantId, logo)).bytes,
      pngHeader(64, 32),
    );
    assert.equal(restored.counts.files, 2);
    const tenant = (await server.services.registry.findById(restored.tenantId))!;
    assert.equal(tenant.slug, "roundcopy");
  } finally {
    await server.close();
  }
});

Deno.test("a damaged or foreign archive is refused with a reason and changes nothing", async () => {
  const server = await startTestServer();
  try {
    const { t, pdf } = await workspaceWithData(server, "damagesrc");
    const archive = await exportArchive(server, t.tenantId, t.userId);
    // Flip one byte inside the stored PDF (kept uncompressed in the archive).
    const at = indexOf(archive, pdf.subarray(200, 232));
    assert.ok(at > 0);
    const damaged = archive.slice();
    damaged[at + 5] = damaged[at + 5]! ^ 0xff;
    const foreign = zipSync({ "notes.txt": new TextEncoder().encode("hello") });
    const truncated = archive.slice(0, Math.floor(archive.length / 2));

    const tenantsBefore = await server.services.control.execute("SELECT id FROM tenants");
    const dbFiles = await listDir(`${server.dataDir}/tenants`);
    const files = await listDir(`${server.dataDir}/files`);
    const cases: Array<[Uint8Array, RegExp]> = [
      [damaged, /does not match its SHA-256 digest/],
      [foreign, /not a ProjectMeats export/],
      [truncated, /cannot be restored/],
    ];
    for (const [bytes, reason] of cases) {
      await assert.rejects(
        () => restoreNewWorkspace(server.services, bytesSource(bytes), { slug: "never" }),
        (err: Error) => err instanceof ArchiveRefusedError && reason.test(err.message),
      );
    }
    // Into an empty workspace too: refused, and the workspace stays as it was.
    const empty = await signUpTenant(server, "emptyone");
    const emptyBefore = await withDb(server, empty.tenantId, dumpAll);
    await withDb(server, empty.tenantId, async (db) => {
      await assert.rejects(
        () =>
          restoreIntoEmptyWorkspace(
            server.services,
            { id: empty.tenantId, db },
            bytesSource(damaged),
          ),
        ArchiveRefusedError,
      );
    });
    assert.deepEqual(await withDb(server, empty.tenantId, dumpAll), emptyBefore);

    const tenantsAfter = await server.services.control.execute("SELECT id FROM tenants");
    assert.equal(tenantsAfter.rows.length, tenantsBefore.rows.length + 1); // only "emptyone"
    assert.deepEqual(
      (await listDir(`${server.dataDir}/tenants`)).filter((n) => !n.startsWith(empty.tenantId)),
      dbFiles,
    );
    assert.deepEqual(
      (await listDir(`${server.dataDir}/files`)).filter((n) => n !== empty.tenantId),
      files,
    );
  } finally {
    await server.close();
  }
});

Deno.test("restoring into a workspace that has records is refused and changes nothing", async () => {
  const server = await startTestServer();
  try {
    const { t } = await workspaceWithData(server, "busysrc");
    const archive = await exportArchive(server, t.tenantId, t.userId);
    const before = await withDb(server, t.tenantId, dumpAll);
    await withDb(server, t.tenantId, async (db) => {
      await assert.rejects(
        () =>
          restoreIntoEmptyWorkspace(
            server.services,
            { id: t.tenantId, db },
            bytesSource(archive),
          ),
        /already has records/,
      );
    });
    assert.deepEqual(await withDb(server, t.tenantId, dumpAll), before);
  } finally {
    await server.close();
  }
});

Deno.test("a new empty workspace restored from an export holds the exported rows", async () => {
  const server = await startTestServer();
  try {
    const { t } = await workspaceWithData(server, "freshsrc");
    const archive = await exportArchive(server, t.tenantId, t.userId);
    const fresh = await signUpTenant(server, "freshcopy");
    const result = await withDb(server, fresh.tenantId, (db) =>
      restoreIntoEmptyWorkspace(
        server.services,
        { id: fresh.tenantId, db },
        bytesSource(archive),
      ));
    assert.deepEqual(result.missingMembers, [t.email]);
    const a = await withDb(server, t.tenantId, dumpAll);
    const b = await withDb(server, fresh.tenantId, dumpAll);
    assert.deepEqual(b.get("customers"), a.get("customers"));
    assert.deepEqual(b.get("audit_log"), a.get("audit_log"));
    assert.deepEqual(b.get("security_events"), a.get("security_events"));
  } finally {
    await server.close();
  }
});

/** Rewrites entries of a real archive and signs its manifest again, as an attacker could. */
function tamper(
  archive: Uint8Array,
  change: (entries: Record<string, Uint8Array>, manifest: Manifest) => void,
): Uint8Array {
  const entries = unzipSync(archive);
  const manifest = JSON.parse(strFromU8(entries["manifest.json"]!)) as Manifest;
  change(entries, manifest);
  for (const part of manifest.parts) {
    const bytes = entries[part.path]!;
    part.bytes = bytes.length;
    part.sha256 = createHash("sha256").update(bytes).digest("hex");
  }
  entries["manifest.json"] = strToU8(JSON.stringify(manifest));
  return zipSync(entries);
}

Deno.test("a crafted archive with valid digests runs no SQL of its own and cannot reach another workspace", async () => {
  const server = await startTestServer();
  try {
    const victim = await workspaceWithData(server, "victimco");
    const victimDoc = await withDb(
      server,
      victim.t.tenantId,
      async (db) =>
        String((await db.execute("SELECT storage_key FROM documents")).rows[0]!.storage_key),
    );
    const attacker = await signUpTenant(server, "attackerco");
    const archive = await exportArchive(server, victim.t.tenantId, victim.t.userId);
    const controlBefore = await server.services.control.execute("SELECT * FROM tenants");

    const attachSchema = tamper(archive, (entries) => {
      const schema = JSON.parse(strFromU8(entries["schema.json"]!));
      schema.push({
        type: "table",
        name: "evil",
        tbl_name: "evil",
        sql: `ATTACH DATABASE '${server.dataDir}/control.db' AS c`,
      });
      entries["schema.json"] = strToU8(JSON.stringify(schema));
    });
    const unknownTable = tamper(archive, (entries, manifest) => {
      entries["tables/evil.jsonl"] = strToU8('{"a":1}\n');
      manifest.parts.push({
        path: "tables/evil.jsonl",
        kind: "table",
        name: "evil",
        bytes: 0,
        sha256: "0".repeat(64),
      });
    });
    const escapingFile = tamper(archive, (entries, manifest) => {
      const part = manifest.parts.find((p) => p.kind === "file")!;
      entries["files/../../x"] = entries[part.path]!;
      delete entries[part.path];
      part.path = "files/../../x";
      part.name = "../../x";
    });
    const stolenKey = tamper(archive, (entries, manifest) => {
      // Drop the file and keep a documents row naming the victim's stored file.
      const part = manifest.parts.find((p) => p.kind === "file")!;
      delete entries[part.path];
      manifest.parts = manifest.parts.filter((p) => p !== part);
    });

    await withDb(server, attacker.tenantId, async (db) => {
      const target = { id: attacker.tenantId, db };
      await assert.rejects(
        () => restoreIntoEmptyWorkspace(server.services, target, bytesSource(unknownTable)),
        /does not know \(evil\)/,
      );
      await assert.rejects(
        () => restoreIntoEmptyWorkspace(server.services, target, bytesSource(escapingFile)),
        /not well formed/,
      );
      // The ATTACH in schema.json is never run: the restore succeeds and attaches nothing.
      await restoreIntoEmptyWorkspace(server.services, target, bytesSource(attachSchema));
      const attached = await db.execute("PRAGMA database_list");
      assert.deepEqual(attached.rows.map((r) => String(r.name)), ["main"]);
    });
    const fresh = await signUpTenant(server, "attackertwo");
    await withDb(server, fresh.tenantId, async (db) => {
      await restoreIntoEmptyWorkspace(
        server.services,
        { id: fresh.tenantId, db },
        bytesSource(stolenKey),
      );
      const key = String(
        (await db.execute("SELECT storage_key FROM documents")).rows[0]!.storage_key,
      );
      assert.ok(key.startsWith(`${fresh.tenantId}/`), key);
      assert.notEqual(key, victimDoc);
    });
    assert.deepEqual(
      (await server.services.control.execute("SELECT * FROM tenants")).rows.length,
      controlBefore.rows.length + 1,
    );
  } finally {
    await server.close();
  }
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}
