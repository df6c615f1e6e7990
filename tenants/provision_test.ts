import assert from "node:assert/strict";
import { SIGNUP_STEPS } from "./provision.ts";
import { loadMigrations } from "../db/migrate.ts";
import { startTestServer } from "../tests/helpers/server.ts";

async function tenantFiles(dataDir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(`${dataDir}/tenants`)) names.push(e.name);
  return names;
}

async function countRows(
  server: {
    services: {
      control: { execute(sql: string): Promise<{ rows: Array<Record<string, unknown>> }> };
    };
  },
  table: string,
) {
  const rs = await server.services.control.execute(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(rs.rows[0]?.n);
}

for (const failAt of SIGNUP_STEPS) {
  Deno.test(`signup leaves nothing behind when the "${failAt}" step fails`, async () => {
    const server = await startTestServer({}, {
      faultInjector: (step) => {
        if (step === failAt) throw new Error(`injected failure at ${step}`);
      },
    });
    try {
      const res = await server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: {
          company_name: "Acme Foods",
          slug: "acme",
          owner_name: "Ann",
          email: "ann@acme.example",
          password: "brisket and ribeye 7",
        },
      });
      assert.equal(res.status, 500);
      const body = await res.json();
      assert.equal(body.error.code, "internal");
      assert.doesNotMatch(JSON.stringify(body), /injected|at step|stack/i, "no internals leak");
      assert.equal(await countRows(server, "tenants"), 0);
      assert.equal(await countRows(server, "memberships"), 0);
      assert.equal(await countRows(server, "users"), 0);
      assert.deepEqual(await tenantFiles(server.dataDir), []);
    } finally {
      await server.close();
    }
  });
}

Deno.test("two simultaneous signups for one slug create exactly one tenant and one database", async () => {
  const server = await startTestServer();
  try {
    const attempt = (i: number) =>
      server.fetch("localhost", "/api/v1/signup", {
        method: "POST",
        json: {
          company_name: `Race ${i}`,
          slug: "race",
          owner_name: "R",
          email: `r${i}@race.example`,
          password: "brisket and ribeye 7",
        },
      });
    const statuses = (await Promise.all([attempt(1), attempt(2), attempt(3)])).map((r) => r.status)
      .sort();
    assert.deepEqual(statuses, [201, 409, 409]);
    assert.equal(await countRows(server, "tenants"), 1);
    assert.equal((await tenantFiles(server.dataDir)).filter((n) => n.endsWith(".db")).length, 1);
  } finally {
    await server.close();
  }
});

Deno.test("a new workspace's database is a copy of the migrated template; a template that cannot be made fails the signup and leaves nothing", async () => {
  const server = await startTestServer();
  const signup = (slug: string) =>
    server.fetch("localhost", "/api/v1/signup", {
      method: "POST",
      json: {
        company_name: `${slug} Foods`,
        slug,
        owner_name: "Ann",
        email: `ann@${slug}.example`,
        password: "brisket and ribeye 7",
      },
    });
  try {
    // A file where the templates' folder should be: the template cannot be built.
    await Deno.writeTextFile(`${server.dataDir}/templates`, "in the way");
    const failed = await signup("blocked");
    assert.equal(failed.status, 500);
    await failed.body?.cancel();
    assert.equal(await countRows(server, "tenants"), 0);
    assert.equal(await countRows(server, "tenant_keys"), 0, "the new database's key is gone too");
    assert.deepEqual(await tenantFiles(server.dataDir).catch(() => []), []);

    // Once the way is clear the next signup builds it and copies it.
    await Deno.remove(`${server.dataDir}/templates`);
    const res = await signup("copied");
    assert.equal(res.status, 201);
    const { tenant } = await res.json();
    const templates = [...Deno.readDirSync(`${server.dataDir}/templates`)].map((e) => e.name);
    assert.equal(templates.length, 1);
    assert.match(templates[0]!, /^tenant-[0-9a-f]{16}\.db$/);
    const lease = await server.services.pool.acquire(tenant.id, null);
    try {
      const rs = await lease.db.execute(
        "SELECT COUNT(*) AS n, MIN(applied_at) AS first FROM _migrations",
      );
      assert.equal(rs.rows[0]?.n, (await loadMigrations("tenant")).length);
      // applied_at is the signup's time, not the template's.
      const sinceSignup = Date.now() - Date.parse(String(rs.rows[0]?.first));
      assert.ok(sinceSignup >= 0 && sinceSignup < 60_000, `applied ${sinceSignup} ms ago`);
      const company = await lease.db.execute(
        "SELECT value FROM settings WHERE key = 'company_name'",
      );
      assert.equal(company.rows[0]?.value, "copied Foods", "seeded after the copy");
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
