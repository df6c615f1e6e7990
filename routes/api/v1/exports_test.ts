import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { addMember, call, linkIn, mailTo, signIn } from "../../../tests/helpers/members.ts";
import { seedOneOfEach } from "../../../tests/helpers/records.ts";
import { uploadFile } from "../../../tests/helpers/documents.ts";
import { drainJobs } from "../../../tests/helpers/billing.ts";
import { corpus } from "../../../ai/fixtures/corpus.ts";
import { FixedClock } from "../../../domain/clock.ts";
import { bytesSource, verifyArchive } from "../../../data_rights/archive_reader.ts";
import { runDataRightsChores } from "../../../data_rights/purge.ts";
import type { Client } from "../../../db/client.ts";

const DAY = 86_400_000;

/** A server whose clock stands still at the moment the test starts, to be moved by the test. */
async function serverWithClock(): Promise<{ server: TestServer; clock: FixedClock }> {
  const clock = new FixedClock(new Date());
  return { server: await startTestServer({}, { clock }), clock };
}

async function tenantRows(server: TestServer, tenantId: string, tables: string[]) {
  const tenant = (await server.services.registry.findById(tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of tables) out[t] = (await lease.db.execute(`SELECT * FROM ${t}`)).rows;
    return out;
  } finally {
    lease.release();
  }
}

Deno.test("an owner exports through the API, follows its progress and downloads it through an expiring link; no one else can", async () => {
  const { server, clock } = await serverWithClock();
  try {
    const t = await signUpTenant(server, "exportapi");
    const api = await apiClient(server, t);
    await seedOneOfEach(api, "Export");
    const broker = await addMember(server, t.tenantId, "broker");
    const brokerApi = await apiClient(server, {
      ...t,
      email: broker.email,
      password: broker.password,
    });

    assert.equal((await brokerApi.call("POST", "/api/v1/exports")).status, 403);
    const started = await api.ok("POST", "/api/v1/exports", undefined, 202);
    assert.equal(started.status, "queued");
    assert.equal((await api.call("POST", "/api/v1/exports")).status, 409); // one at a time
    assert.deepEqual(await drainJobs(server.services), ["workspace.export"]);
    const ready = await api.ok("GET", `/api/v1/exports/${started.id}`);
    assert.equal(ready.status, "ready");
    assert.ok(ready.progress.total > 20 && ready.progress.done === ready.progress.total);

    // Another workspace's owner sees nothing of it.
    const other = await apiClient(server, await signUpTenant(server, "exportother"));
    assert.equal((await other.call("GET", `/api/v1/exports/${started.id}`)).status, 404);

    const link = await api.ok("POST", `/api/v1/exports/${started.id}/links`, undefined, 201);
    const url = new URL(link.url);
    const res = await server.fetch(t.host, url.pathname + url.search, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "application/zip");
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(createHash("sha256").update(bytes).digest("hex"), ready.sha256);
    const archive = await verifyArchive(bytesSource(bytes));
    const tables = archive.manifest.parts.filter((p) => p.kind === "table").map((p) => p.name);
    for (const name of ["customers", "audit_log", "security_events", "_migrations"]) {
      assert.ok(tables.includes(name), `${name} is in the archive`);
    }
    assert.equal(archive.facts.members.length, 2);
    assert.equal(
      archive.manifest.parts.find((p) => p.name === "customers")?.rows,
      1,
    );

    // The link alone is not enough: a broker with it is refused, and a wrong token finds nothing.
    const asBroker = await server.fetch(t.host, url.pathname + url.search, {
      headers: { authorization: `Bearer ${brokerApi.token}` },
    });
    assert.equal(asBroker.status, 403);
    const wrong = await api.call(
      "GET",
      `/api/v1/exports/${started.id}/download?token=${"x".repeat(43)}`,
    );
    assert.equal(wrong.status, 404);

    // Seven days on, the archive and its links are gone.
    clock.advance(7 * DAY + 60_000);
    await runDataRightsChores(server.services);
    assert.equal((await api.ok("GET", `/api/v1/exports/${started.id}`)).status, "expired");
    const late = await server.fetch(t.host, url.pathname + url.search, {
      headers: { authorization: `Bearer ${api.token}` },
    });
    assert.equal(late.status, 404);
    const left: string[] = [];
    try {
      for await (const e of Deno.readDir(`${server.dataDir}/files/${t.tenantId}`)) {
        left.push(e.name);
      }
    } catch { /* no folder at all */ }
    assert.deepEqual(left, [], "no archive part is left");
  } finally {
    await server.close();
  }
});

/** Every row of every control table that names `value` in a column (the operators' chain aside). */
async function controlRowsNaming(control: Client, value: string): Promise<string[]> {
  const found: string[] = [];
  const tables = await control.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  for (const t of tables.rows) {
    const name = String(t.name);
    if (name === "security_events" || name === "security_event_anchor") continue;
    const rs = await control.execute(`SELECT * FROM "${name}"`);
    for (const row of rs.rows) {
      if (
        JSON.stringify(Object.values(row), (_k, v) => typeof v === "bigint" ? String(v) : v)
          .includes(value)
      ) {
        found.push(`${name}: ${JSON.stringify(row)}`);
      }
    }
  }
  return found;
}

/** Paths under `dir` whose name, or whose content (outside database files), holds a needle. */
async function traces(dir: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  const walk = async (path: string) => {
    for await (const e of Deno.readDir(path)) {
      const full = `${path}/${e.name}`;
      if (needles.some((n) => e.name.includes(n))) hits.push(full);
      if (e.isDirectory) await walk(full);
      else if (e.isFile && !/\.db(-wal|-shm|-journal)?$/.test(e.name)) {
        const text = new TextDecoder("latin1").decode(await Deno.readFile(full));
        if (needles.some((n) => text.includes(n))) hits.push(`${full} (content)`);
      }
    }
  };
  await walk(dir);
  return hits;
}

Deno.test("a deleted workspace keeps working for 14 days and cancel brings it back untouched; after them the purge leaves nothing of it", async () => {
  const { server, clock } = await serverWithClock();
  try {
    const t = await signUpTenant(server, "doomedco");
    const api = await apiClient(server, t);
    await seedOneOfEach(api, "Doomed");
    const fixture = corpus([1]).find((f) => f.name.startsWith("purchase-order-beside"))!;
    assert.equal((await uploadFile(server, api, "po.pdf", await fixture.pdf())).status, 202);
    // The document stays as uploaded: its reading is not what this test is about.
    await server.services.control.execute("DELETE FROM jobs WHERE kind = 'document.process'");
    // A member only here (removed with it) and one also in another workspace (kept).
    const only = await addMember(server, t.tenantId, "broker");
    const keeper = await signUpTenant(server, "keeperco");
    const both = await addMember(server, keeper.tenantId, "viewer");
    await server.services.control.execute({
      sql:
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'viewer', ?)",
      args: [t.tenantId, both.userId, new Date().toISOString()],
    });
    const owner = await signIn(server, t.host, t.email, t.password);
    const RECORD_TABLES = ["customers", "suppliers", "purchase_orders", "documents", "audit_log"];
    const before = await tenantRows(server, t.tenantId, RECORD_TABLES);

    // Only owners, only with a session, only with the right password.
    assert.equal(
      (await api.call("POST", "/api/v1/workspace/deletion", { password: t.password })).status,
      403,
    );
    const wrongPassword = await call(server, owner, "POST", "/api/v1/workspace/deletion", {
      password: "not the password",
    });
    assert.equal(wrongPassword.status, 422);
    const scheduled = await call(server, owner, "POST", "/api/v1/workspace/deletion", {
      password: t.password,
    });
    assert.equal(scheduled.status, 202);
    const state = await scheduled.json();
    assert.equal(Date.parse(state.purge_after), clock.now().getTime() + 14 * DAY);

    // The grace: members sign in and see the banner with the date; only owners get Cancel.
    const page = await server.fetch(t.host, "/settings/profile", {
      headers: { cookie: owner.jar.header(t.host) },
    });
    const html = await page.text();
    assert.match(html, /id="deletion-banner"/);
    assert.match(html, /Cancel the deletion/);
    const member = await signIn(server, t.host, only.email, only.password);
    const memberHtml = await (await server.fetch(t.host, "/settings/profile", {
      headers: { cookie: member.jar.header(t.host) },
    })).text();
    assert.match(memberHtml, /id="deletion-banner"/);
    assert.doesNotMatch(memberHtml, /Cancel the deletion/);

    // The final export is made and its link mailed to the owner; the link downloads it.
    assert.ok((await drainJobs(server.services)).includes("workspace.export"));
    const mail = (await mailTo(server, t.email)).find((m) => m.subject.includes("final export"));
    assert.ok(mail, "the owner got the final export's link");
    const link = linkIn(mail.text);
    const download = await server.fetch(t.host, link.path, {
      headers: { cookie: owner.jar.header(t.host) },
    });
    assert.equal(download.status, 200);
    await verifyArchive(bytesSource(new Uint8Array(await download.arrayBuffer())));

    // Cancel, 13 days on: nothing was removed.
    clock.advance(13 * DAY);
    await runDataRightsChores(server.services);
    assert.equal((await call(server, owner, "DELETE", "/api/v1/workspace/deletion")).status, 204);
    assert.deepEqual(await tenantRows(server, t.tenantId, RECORD_TABLES), before);
    assert.equal((await api.call("GET", "/api/v1/customers")).status, 200);
    clock.advance(2 * DAY);
    await runDataRightsChores(server.services);
    assert.ok(
      await server.services.registry.findById(t.tenantId),
      "a cancelled deletion is no purge",
    );

    // Again, and this time the 14 days pass.
    assert.equal(
      (await call(server, owner, "POST", "/api/v1/workspace/deletion", { password: t.password }))
        .status,
      202,
    );
    await drainJobs(server.services);
    clock.advance(14 * DAY - 60_000);
    await runDataRightsChores(server.services);
    assert.ok(await server.services.registry.findById(t.tenantId), "not a minute early");
    // The scans below can fail: right now they find the workspace everywhere.
    assert.ok((await controlRowsNaming(server.services.control, t.tenantId)).length > 5);
    assert.ok((await traces(server.dataDir, [t.tenantId, t.slug])).length > 0);
    clock.advance(2 * 60_000);
    // Past the grace the workspace answers no more, even before the purge has run.
    assert.equal((await api.call("GET", "/api/v1/customers")).status, 404);
    await runDataRightsChores(server.services);

    assert.equal(await server.services.registry.findById(t.tenantId), null);
    assert.deepEqual(await controlRowsNaming(server.services.control, t.tenantId), []);
    assert.deepEqual(await traces(server.dataDir, [t.tenantId, t.slug]), []);
    const users = await server.services.control.execute({
      sql: "SELECT email FROM users WHERE email IN (?, ?, ?)",
      args: [t.email, only.email, both.email],
    });
    assert.deepEqual(users.rows.map((r) => String(r.email)), [both.email]);
    assert.equal((await server.fetch(t.host, "/api/v1/customers")).status, 404);
    // The other workspace is untouched.
    const keeperApi = await apiClient(server, keeper);
    assert.equal((await keeperApi.call("GET", "/api/v1/customers")).status, 200);
  } finally {
    await server.close();
  }
});
