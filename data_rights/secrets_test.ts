import assert from "node:assert/strict";
import { strFromU8, unzipSync } from "fflate";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import type { Client } from "../db/client.ts";
import type { Executor } from "../db/transaction.ts";
import { currentPortalKey, signPortalToken, verifyPortalToken } from "../portal/links.ts";
import { toBase64 } from "../crypto/keys.ts";
import { bytesSource, concat } from "./archive_reader.ts";
import { partKey, requestExport, runExportJob } from "./exports.ts";
import { restoreNewWorkspace } from "./restore.ts";
import { redactRow, secretSettingKeys } from "./secrets.ts";

async function withDb<T>(server: TestServer, tenantId: string, use: (db: Client) => Promise<T>) {
  const tenant = (await server.services.registry.findById(tenantId))!;
  const lease = await server.services.pool.acquire(tenant.id, tenant.dbUrl);
  try {
    return await use(lease.db);
  } finally {
    lease.release();
  }
}

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

/** An executor that knows only one portal key: what a holder of a leaked secret can sign with. */
function leakedKey(secret: string): Executor {
  return {
    execute: () => Promise.resolve({ rows: [{ version: 1, secret }], columns: [] }),
  } as unknown as Executor;
}

Deno.test("an export holds no signing secret, and a restored workspace has fresh ones", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server, "secretsrc");
    const now = server.services.clock.now();
    const secrets = await withDb(server, t.tenantId, async (db) => {
      const key = await currentPortalKey(db, now);
      const at = now.toISOString();
      await db.execute({
        sql: `INSERT INTO webhook_endpoints (id, url, events, secret, created_at, updated_at)
              VALUES ('wh1', 'https://hooks.example.com/in', '["*"]', ?, ?, ?)`,
        args: ["whsec_LEAKEDLEAKEDLEAKEDLEAKEDLEAKED00", at, at],
      });
      await db.execute({
        sql: `INSERT OR REPLACE INTO portal_settings (id, link_days, stripe_secret_sealed,
                stripe_secret_last4) VALUES (1, 60, 'SEALEDSTRIPEBLOB', 'ABCD')`,
        args: [],
      });
      return { portal: toBase64(key.secret) };
    });

    const archive = await exportArchive(server, t.tenantId, t.userId);
    const entries = unzipSync(archive);
    const text = Object.values(entries).map((b) => strFromU8(b)).join("\n");
    assert.ok(!text.includes(secrets.portal), "the portal secret is not in the export");
    assert.ok(!text.includes("whsec_LEAKED"), "no webhook signing secret");
    assert.ok(!text.includes("SEALEDSTRIPEBLOB"), "no Stripe key, sealed or not");
    assert.equal(strFromU8(entries["tables/portal_keys.jsonl"] ?? new Uint8Array()), "");
    assert.match(text, /hooks\.example\.com/, "the endpoint itself is kept");

    const restored = await restoreNewWorkspace(server.services, bytesSource(archive), {
      slug: "secretcopy",
    });
    await withDb(server, restored.tenantId, async (db) => {
      // A link forged with the exported workspace's secret for the restored workspace fails...
      const input = {
        tenantId: restored.tenantId,
        invoiceId: "inv1",
        customerId: "cus1",
        now,
        days: 30,
      };
      const forged = await signPortalToken(leakedKey(secrets.portal), input);
      const refused = await verifyPortalToken(db, restored.tenantId, forged, now);
      assert.deepEqual(refused, { ok: false, reason: "bad_signature" });
      // ...while a link the restored workspace signs itself works, with a fresh key.
      const fresh = await signPortalToken(db, input);
      assert.equal((await verifyPortalToken(db, restored.tenantId, fresh, now)).ok, true);
      assert.notEqual(toBase64((await currentPortalKey(db, now)).secret), secrets.portal);
      const wh = await db.execute("SELECT secret FROM webhook_endpoints WHERE id = 'wh1'");
      assert.match(String(wh.rows[0]!.secret), /^whsec_[A-Za-z0-9+/]{43}=$/);
      assert.doesNotMatch(String(wh.rows[0]!.secret), /LEAKED/);
    });
  } finally {
    await server.close();
  }
});

Deno.test("secret plugin settings are left out of an exported installation row", () => {
  const manifest = JSON.stringify({
    settings: [{ key: "api_key", type: "string", secret: true }, { key: "region" }],
  });
  assert.deepEqual(secretSettingKeys(manifest), ["api_key"]);
  const row = redactRow("plugin_installations", {
    manifest,
    settings: JSON.stringify({ api_key: "sk_live_1", region: "us" }),
  });
  assert.deepEqual(JSON.parse(String(row.settings)), { region: "us" });
});
