import assert from "node:assert/strict";
import { join } from "node:path";
import { type Client, openDatabase } from "../db/client.ts";
import { startHranaServer } from "../tests/helpers/hrana_server.ts";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { enqueue } from "../workers/queue.ts";
import { moveControlDatabase } from "./control_move.ts";

const JOBS = 230;

/** A local installation with two workspaces, their sessions, many jobs and a table without a key. */
async function installation(): Promise<TestServer> {
  const server = await startTestServer();
  await signUpTenant(server);
  await signUpTenant(server);
  const { control } = server.services;
  for (let i = 0; i < JOBS; i++) await enqueue(control, { kind: "probe", payload: { i } });
  await control.execute("CREATE TABLE loose_notes (body TEXT, n INTEGER)");
  for (let i = 0; i < 30; i++) {
    await control.execute({ sql: "INSERT INTO loose_notes VALUES (?, ?)", args: ["same", i % 2] });
  }
  return server;
}

async function rowCount(db: Client, table: string): Promise<number> {
  return Number((await db.execute(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0]?.n);
}

Deno.test("control:move-to-turso copies every table; a run interrupted midway resumes without a duplicate and verifies counts", async () => {
  const server = await installation();
  const dir = await Deno.makeTempDir({ prefix: "pm-move-" });
  let interrupt = true;
  let jobChunks = 0;
  const hrana = startHranaServer({
    path: join(dir, "turso.db"),
    authToken: "tok",
    // The third chunk of jobs never arrives: the connection drops, as a killed laptop would.
    failWhen: (sql) => interrupt && sql.includes('INTO "jobs"') && ++jobChunks === 3,
  });
  const target = await openDatabase({ url: hrana.url, authToken: "tok" });
  const source = server.services.control;
  try {
    await assert.rejects(moveControlDatabase(source, target, { chunkRows: 50 }), /503|Injected/);
    assert.equal(await rowCount(target, "jobs"), 100, "the two committed chunks stay");
    const mark = await target.execute(
      "SELECT copied, finished_at FROM _control_move WHERE table_name = 'jobs'",
    );
    assert.equal(Number(mark.rows[0]?.copied), 100);
    assert.equal(mark.rows[0]?.finished_at, null);
    assert.equal(
      (await target.execute("SELECT 1 FROM _control_move WHERE table_name = '*'")).rows.length,
      0,
      "not marked finished",
    );

    interrupt = false;
    const lines: string[] = [];
    const report = await moveControlDatabase(source, target, {
      chunkRows: 50,
      say: (l) => lines.push(l),
    });
    assert.equal(report.resumed, true);
    const names = report.tables.map((t) => t.table);
    for (const table of ["tenants", "users", "memberships", "sessions", "jobs", "loose_notes"]) {
      assert.ok(names.includes(table), `${table} was copied`);
    }
    assert.ok(names.indexOf("tenants") < names.indexOf("memberships"), "parents go first");
    for (const t of report.tables) assert.equal(t.target, t.source, `${t.table} counts`);
    const jobs = await rowCount(source, "jobs");
    assert.ok(jobs >= JOBS);
    assert.ok(lines.includes(`jobs: ${jobs} rows`), "the progress names each table");
    assert.equal(await rowCount(target, "tenants"), 2);
    assert.equal(await rowCount(target, "loose_notes"), 30, "no key, still no duplicate");
    const distinct = await target.execute("SELECT COUNT(DISTINCT id) AS n FROM jobs");
    assert.equal(Number(distinct.rows[0]?.n), jobs);
    const sample = await target.execute(
      "SELECT payload, typeof(attempts) AS t FROM jobs WHERE payload = '{\"i\":7}'",
    );
    assert.equal(sample.rows[0]?.t, "integer", "values keep their type");
    assert.equal(
      (await target.execute("SELECT 1 FROM _control_move WHERE table_name = '*'")).rows.length,
      1,
      "marked finished only after the counts matched",
    );
  } finally {
    target.close();
    await hrana.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("control:move-to-turso fails loudly when a table's counts differ, and refuses a Turso database that holds data", async () => {
  const server = await installation();
  const dir = await Deno.makeTempDir({ prefix: "pm-move-" });
  const hrana = startHranaServer({ path: join(dir, "turso.db") });
  const target = await openDatabase({ url: hrana.url });
  const source = server.services.control;
  try {
    await moveControlDatabase(source, target, { chunkRows: 100 });
    // The local app kept running after the move: its new job never reached Turso.
    await enqueue(source, { kind: "late" });
    const jobs = await rowCount(source, "jobs");
    await assert.rejects(
      moveControlDatabase(source, target),
      new RegExp(`Row counts differ .*jobs \\(local ${jobs}, Turso ${jobs - 1}\\)`),
    );
    assert.equal(
      (await target.execute("SELECT 1 FROM jobs WHERE kind = 'late'")).rows.length,
      0,
      "a finished move copies nothing more",
    );

    const other = await openDatabase({ url: `file:${join(dir, "other.db")}` });
    try {
      await moveControlDatabase(source, other);
      await other.execute("DELETE FROM _control_move");
      await assert.rejects(
        moveControlDatabase(source, other),
        /already holds data: .*tenants \(2 rows\)/,
      );
    } finally {
      other.close();
    }
  } finally {
    target.close();
    await hrana.close();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  }
});
