/**
 * Encryption at rest, end to end: after a tenant writes a record and uploads a document, no raw
 * file under DATA_DIR (control database, tenant database, their WAL and index files, stored files,
 * keys) holds either in clear, and the tenant database refuses a wrong key with a clear error.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { PDFDocument } from "pdf-lib";
import { signUpTenant, startTestServer } from "./helpers/server.ts";
import { apiClient } from "./helpers/api.ts";
import { uploadFile } from "./helpers/documents.ts";
import {
  DatabaseKeyError,
  isEncryptedDatabase,
  isPlainDatabase,
  openEncryptedDatabase,
} from "../db/encrypted.ts";
import { fileUrl, openDatabase } from "../db/client.ts";
import { LocalDatabaseProvider } from "../tenants/database_provider.ts";

const RECORD_MARK = "Zebra-Quokka-Tenderloin-91827";
const FILE_MARK = "Wombat-Hanger-Steak-55031";

/** Every file under `dir`, with its path relative to `dir`. */
async function allFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(join(dir, prefix))) {
    const rel = join(prefix, e.name);
    if (e.isDirectory) out.push(...await allFiles(dir, rel));
    else out.push(rel);
  }
  return out;
}

/** The files under `dir` whose raw bytes contain `text` (as UTF-8 or UTF-16). */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const needles = [text, [...text].join("\0")];
  const hits: string[] = [];
  for (const rel of await allFiles(dir)) {
    // A database's -shm or -wal file goes when its last connection closes, which may happen
    // between the listing and the read: a file that is gone holds nothing.
    const bytes = await Deno.readFile(join(dir, rel)).catch((err) => {
      if (err instanceof Deno.errors.NotFound) return null;
      throw err;
    });
    if (!bytes) continue;
    const raw = new TextDecoder("latin1").decode(bytes);
    if (needles.some((n) => raw.includes(n))) hits.push(rel);
  }
  return hits;
}

/** A PDF that carries `mark` in clear (a comment after its end), as an upload would. */
async function pdfWith(mark: string): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.addPage([200, 200]);
  const bytes = await pdf.save();
  const tail = new TextEncoder().encode(`\n% ${mark}\n`);
  const out = new Uint8Array(bytes.length + tail.length);
  out.set(bytes);
  out.set(tail, bytes.length);
  return out;
}

Deno.test("no raw file under DATA_DIR holds a tenant's record or uploaded document in clear", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: RECORD_MARK }, 201);
    const upload = await pdfWith(FILE_MARK);
    assert.ok(new TextDecoder("latin1").decode(upload).includes(FILE_MARK), "fixture in clear");
    const up = await uploadFile(server, api, "po.pdf", upload);
    assert.equal(up.status, 202, JSON.stringify(up.body));

    // Both are readable through the app.
    const read = await api.ok("GET", `/api/v1/customers/${customer.id}`);
    assert.equal(read.name, RECORD_MARK);
    const file = await server.fetch(tenant.host, `/api/v1/documents/${up.body.id}/file`, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(file.status, 200);
    assert.deepEqual(new Uint8Array(await file.arrayBuffer()), upload, "the upload reads back");
    const files = await allFiles(server.dataDir);
    assert.ok(files.some((f) => f.startsWith(join("tenants", tenant.tenantId))), "tenant db");
    assert.ok(files.includes(join("tenants", `${tenant.tenantId}.db-wal`)), "its WAL is there");
    assert.ok(files.includes("control.db"), "control db");
    assert.ok(files.some((f) => f.startsWith(join("files", tenant.tenantId))), "stored file");

    // While the server runs (the writes still in the WAL files) and after it closed.
    assert.deepEqual(await filesHolding(server.dataDir, RECORD_MARK), []);
    assert.deepEqual(await filesHolding(server.dataDir, FILE_MARK), []);
    assert.deepEqual(
      await filesHolding(server.dataDir, tenant.email),
      [],
      "nor the owner's e-mail",
    );
    // Closing the tenant databases folds their WAL into the database files.
    await server.services.pool.closeAll();
    assert.deepEqual(await filesHolding(server.dataDir, RECORD_MARK), []);
    assert.deepEqual(await filesHolding(server.dataDir, FILE_MARK), []);
  } finally {
    await server.close();
  }
});

Deno.test("a tenant database refuses a wrong key with a clear error, and opens with its own", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const provider = server.services.provider as LocalDatabaseProvider;
    const path = provider.pathOf(tenant.tenantId);
    await assert.rejects(
      () => openEncryptedDatabase(path, "00".repeat(32)),
      (err: unknown) =>
        err instanceof DatabaseKeyError &&
        err.message.includes("does not open with the key given") && err.message.includes(path),
    );
    const db = await provider.open(tenant.tenantId);
    try {
      const rs = await db.execute("SELECT count(*) AS n FROM _migrations");
      assert.ok(Number(rs.rows[0]?.n) > 0);
    } finally {
      db.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("an installation from before encryption is encrypted on start and first open, nothing lost", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pm-plain-" });
  try {
    // The way an installation stored its databases before this change: plain SQLite files.
    await Deno.mkdir(join(dir, "tenants"), { recursive: true });
    const plainControl = await openDatabase({ url: fileUrl(join(dir, "control.db")) });
    const plainProvider = new LocalDatabaseProvider(join(dir, "tenants"));
    const before = await startTestServer({ DATA_DIR: dir }, {
      control: plainControl,
      provider: plainProvider,
    });
    let tenant;
    try {
      tenant = await signUpTenant(before);
      const api = await apiClient(before, tenant);
      await api.ok("POST", "/api/v1/customers", { name: RECORD_MARK }, 201);
    } finally {
      await before.close();
    }
    const tenantDb = plainProvider.pathOf(tenant.tenantId);
    assert.ok(await isPlainDatabase(join(dir, "control.db")));
    assert.ok(await isPlainDatabase(tenantDb));
    const plainHits = await filesHolding(dir, RECORD_MARK);
    assert.ok(plainHits.length > 0, "the record is in clear before the upgrade");
    assert.ok(plainHits.every((f) => f.startsWith(join("tenants", tenant.tenantId))));

    const after = await startTestServer({ DATA_DIR: dir });
    try {
      assert.ok(await isEncryptedDatabase(join(dir, "control.db")), "control encrypted on start");
      const api = await apiClient(after, tenant);
      const list = await api.ok("GET", "/api/v1/customers");
      assert.deepEqual(list.data.map((c: { name: string }) => c.name), [RECORD_MARK]);
      assert.ok(await isEncryptedDatabase(tenantDb), "tenant encrypted on first open");
      assert.deepEqual(await filesHolding(dir, RECORD_MARK), []);
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const failAt of ["migrate", "seed", "control_rows", "handoff"]) {
  Deno.test(`a signup that fails at "${failAt}" leaves no data key behind`, async () => {
    const server = await startTestServer({}, {
      faultInjector: (step) => {
        if (step === failAt) throw new Error(`injected failure at ${step}`);
      },
    });
    try {
      const res = await server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: {
          company_name: "Doomed Foods",
          slug: "doomed",
          owner_name: "Olive Owner",
          email: "owner@doomed.example",
          password: "correct horse battery",
        },
      });
      await res.body?.cancel();
      assert.ok(res.status >= 400, `signup failed (${res.status})`);
      const keys = await server.services.control.execute("SELECT count(*) AS n FROM tenant_keys");
      assert.equal(keys.rows[0]?.n, 0);
      assert.deepEqual(await allFiles(join(server.dataDir, "tenants")), []);
    } finally {
      await server.close();
    }
  });
}
