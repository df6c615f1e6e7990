/**
 * Hostile workspace archives (2026-12-07): zip bombs, traversal in entry names, manifests that
 * lie, rows without an end. Each is refused over HTTP (Settings → Your data → Restore) with its
 * reason, and the workspace, its files and every other workspace stay as they were.
 */
import assert from "node:assert/strict";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { createHash } from "node:crypto";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";
import { type Session, signIn } from "../tests/helpers/members.ts";
import { pngHeader } from "../tests/helpers/images.ts";
import type { Manifest } from "./archive_format.ts";
import {
  ARCHIVE_LIMITS,
  ArchiveRefusedError,
  bytesSource,
  concat,
  verifyArchive,
} from "./archive_reader.ts";
import { partKey, requestExport, runExportJob } from "./exports.ts";

async function exportArchive(server: TestServer, tenantId: string, userId: string) {
  const exp = await requestExport(server.services, tenantId, userId);
  const ready = (await runExportJob(server.services, exp.id))!;
  assert.equal(ready.status, "ready");
  const parts = [];
  for (let n = 0; n < ready.parts; n++) {
    parts.push(await server.services.storage.get(partKey(tenantId, ready.id, n)));
  }
  return concat(parts);
}

/** Rewrites entries of a real archive; `sign` recomputes the manifest's sizes and digests. */
function tamper(
  archive: Uint8Array,
  change: (entries: Record<string, Uint8Array>, manifest: Manifest) => void,
  sign = true,
): Uint8Array {
  const entries = unzipSync(archive);
  const manifest = JSON.parse(strFromU8(entries["manifest.json"]!)) as Manifest;
  change(entries, manifest);
  if (sign) {
    for (const part of manifest.parts) {
      const bytes = entries[part.path];
      if (!bytes) continue;
      part.bytes = bytes.length;
      part.sha256 = createHash("sha256").update(bytes).digest("hex");
    }
  }
  entries["manifest.json"] = strToU8(JSON.stringify(manifest));
  return zipSync(entries);
}

async function restoreOverHttp(server: TestServer, s: Session, archive: Uint8Array) {
  const form = new FormData();
  form.append("_csrf", s.csrf);
  form.append(
    "archive",
    new File([archive as Uint8Array<ArrayBuffer>], "export.zip", { type: "application/zip" }),
  );
  const req = new Request("http://x/", { method: "POST", body: form });
  const res = await server.fetch(s.host, "/settings/data/restore", {
    method: "POST",
    headers: { cookie: s.jar.header(s.host), "content-type": req.headers.get("content-type")! },
    body: new Uint8Array(await req.arrayBuffer()),
  });
  return { status: res.status, html: await res.text() };
}

async function listTree(path: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, prefix: string) => {
    try {
      for await (const e of Deno.readDir(dir)) {
        if (e.isDirectory) await walk(`${dir}/${e.name}`, `${prefix}${e.name}/`);
        else out.push(`${prefix}${e.name}`);
      }
    } catch { /* absent */ }
  };
  await walk(path, "");
  return out.sort();
}

async function rowCounts(server: TestServer, tenantId: string): Promise<Record<string, number>> {
  const tenant = (await server.services.registry.findById(tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  try {
    const tables = await lease.db.execute(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'",
    );
    const out: Record<string, number> = {};
    for (const r of tables.rows) {
      const name = String(r.name);
      const n = await lease.db.execute(`SELECT COUNT(*) AS n FROM "${name}"`);
      out[name] = Number(n.rows[0]!.n);
    }
    return out;
  } finally {
    lease.release();
  }
}

Deno.test("hostile archives are refused over HTTP with their reason and leave the workspace, its files and the server's files as they were", async () => {
  const server = await startTestServer();
  try {
    const source = await signUpTenant(server, "hostilesrc");
    const api = await apiClient(server, source);
    await seedOneOfEach(api, "Hostile");
    const upload = await server.fetch(source.host, "/api/v1/config/assets", {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "image/png" },
      body: pngHeader(64, 32),
    });
    assert.equal(upload.status, 201);
    const logo = (await upload.json()).name as string;
    const applied = await api.call("PUT", "/api/v1/config", { branding: { logo } }, {
      "if-match": '"0"',
    });
    assert.equal(applied.status, 200);
    const archive = await exportArchive(server, source.tenantId, source.userId);
    const names = Object.keys(unzipSync(archive));
    assert.ok(names.some((n) => n.startsWith("brand/")), names.join());

    // A stored document 129 MB of zeros: 130 KB zipped, every digest right.
    const bigFile = tamper(archive, (entries, manifest) => {
      entries["files/01hostilebomb"] = new Uint8Array(129 * 1024 * 1024);
      manifest.parts.push({
        path: "files/01hostilebomb",
        kind: "file",
        name: "01hostilebomb",
        bytes: 0,
        sha256: "0".repeat(64),
      });
    });
    assert.ok(bigFile.length < 2 * 1024 * 1024);
    // The manifest says a table holds more rows than it does (digests right).
    const lyingRows = tamper(archive, (_entries, manifest) => {
      const part = manifest.parts.find((p) => p.path === "tables/customers.jsonl")!;
      part.rows = (part.rows ?? 0) + 5;
    });
    // One row of 17 MB with no end.
    const endlessLine = tamper(archive, (entries) => {
      const text = strFromU8(entries["tables/customers.jsonl"]!);
      entries["tables/customers.jsonl"] = strToU8(text + `{"name":"${"a".repeat(17 << 20)}`);
    });
    // Fails at the very end (its schema history is cut), after the logo was stored.
    const failsLate = tamper(archive, (entries) => {
      const lines = strFromU8(entries["tables/_migrations.jsonl"]!).trim().split("\n");
      entries["tables/_migrations.jsonl"] = strToU8(lines.slice(0, -1).join("\n") + "\n");
    });
    const failsLateFixed = tamper(failsLate, (_e, manifest) => {
      const part = manifest.parts.find((p) => p.path === "tables/_migrations.jsonl")!;
      part.rows = (part.rows ?? 1) - 1;
    });
    // Entry names that try to leave the archive's folder, a symlink entry, a NUL.
    const traversal = (name: string, attrs?: number) => zipFromEntries(archive, name, attrs);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["zip bomb in a file entry", bigFile, /files\/01hostilebomb expands to more than 128 MB/],
      ["row count lie", lyingRows, /says tables\/customers\.jsonl holds \d+ rows, but it holds/],
      ["endless line", endlessLine, /a line of tables\/customers\.jsonl is longer than 16 MB/],
      ["late failure", failsLateFixed, /schema history/],
      ["../ entry", traversal("../../../etc/cron.d/x"), /not in its manifest/],
      ["absolute entry", traversal("/etc/passwd"), /not in its manifest/],
      ["backslash entry", traversal("files\\..\\..\\x"), /not in its manifest/],
      ["NUL entry", traversal("brand/a\u0000.png"), /not in its manifest/],
      ["symlink entry", traversal("files/link", 0o120777 << 16), /not in its manifest/],
      ["future schema", tamper(archive, (_e, m) => (m.app.tenant_schema_version = 9999)), /newer/],
    ];

    const target = await signUpTenant(server, "hostiletarget");
    const owner = await signIn(server, target.host, target.email, target.password);
    const before = await rowCounts(server, target.tenantId);
    const filesBefore = await listTree(`${server.dataDir}/files`);
    const tenantsBefore = await listTree(`${server.dataDir}/tenants`);
    for (const [what, bytes, reason] of cases) {
      const res = await restoreOverHttp(server, owner, bytes);
      assert.equal(res.status, 422, `${what}: ${res.status}`);
      assert.match(res.html, /This archive cannot be restored/, what);
      assert.match(res.html.replaceAll("&#x2F;", "/").replaceAll("&#39;", "'"), reason, what);
      assert.deepEqual(await rowCounts(server, target.tenantId), before, what);
      assert.deepEqual(await listTree(`${server.dataDir}/files`), filesBefore, what);
    }
    assert.deepEqual(await listTree(`${server.dataDir}/tenants`), tenantsBefore);
    // The untouched archive still restores (the limits refuse nothing an export writes).
    const ok = await restoreOverHttp(server, owner, archive);
    assert.equal(ok.status, 200, ok.html.slice(0, 300));
    assert.match(ok.html, /Restored \d+ rows/);
  } finally {
    await server.close();
  }
});

/** The archive with `name` added as an entry not in its manifest (optionally with Unix attrs). */
function zipFromEntries(archive: Uint8Array, name: string, attrs?: number): Uint8Array {
  const entries: Record<string, Uint8Array | [Uint8Array, { os: number; attrs: number }]> = {};
  for (const [k, v] of Object.entries(unzipSync(archive))) entries[k] = v;
  const body = strToU8("/etc/passwd");
  entries[name] = attrs === undefined ? body : [body, { os: 3, attrs }];
  return zipSync(entries);
}

Deno.test("verifyArchive() stops a zip of too many entries or too many expanded bytes while it streams", async () => {
  const many: Record<string, Uint8Array> = {};
  for (let i = 0; i < 2_001; i++) many[`files/${i}`] = new Uint8Array(0);
  await assert.rejects(
    () => verifyArchive(bytesSource(zipSync(many)), { ...ARCHIVE_LIMITS, maxEntries: 2_000 }),
    (err: Error) =>
      err instanceof ArchiveRefusedError && /more than 2,000 entries/.test(err.message),
  );
  // 40 entries of 4 MB zeros each: 160 MB expanded from about 160 KB.
  const bomb: Record<string, Uint8Array> = {};
  const zeros = new Uint8Array(4 * 1024 * 1024);
  for (let i = 0; i < 40; i++) bomb[`tables/t${i}.jsonl`] = zeros;
  const zipped = zipSync(bomb, { level: 9 });
  assert.ok(zipped.length < 1024 * 1024);
  let pulled = 0;
  const counting = async function* () {
    for (let i = 0; i < zipped.length; i += 4096) {
      pulled += Math.min(4096, zipped.length - i);
      yield zipped.subarray(i, i + 4096);
    }
  };
  await assert.rejects(
    () => verifyArchive(counting, { ...ARCHIVE_LIMITS, maxExpandedBytes: 32 * 1024 * 1024 }),
    (err: Error) =>
      err instanceof ArchiveRefusedError && /expands to more than 32 MB/.test(err.message),
  );
  // Refused while streaming: most of the archive was never read.
  assert.ok(pulled < zipped.length / 2, `${pulled} of ${zipped.length}`);
});
