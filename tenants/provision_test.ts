import assert from "node:assert/strict";
import { SIGNUP_STEPS } from "./provision.ts";
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
