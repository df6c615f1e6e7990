/**
 * The recorded tail: deleting a chain's last entries (which leaves a chain that still links up)
 * is reported as a truncation by verification, the API, the page and `audit:verify`.
 */
import assert from "node:assert/strict";
import { type Client, openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { systemClock } from "../domain/clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { appendSecurityEvent } from "./chain.ts";
import {
  OPERATORS_CHAIN,
  readChainTail,
  recordChainTail,
  resetChainTail,
  sealTail,
} from "./chain_tail.ts";
import { TenantKeys } from "../crypto/tenant_keys.ts";
import { EnvKeyProvider } from "../crypto/keys.ts";
import { verifyChain, verifyRecordedChain } from "./verify.ts";
import { runAuditVerify } from "./audit_cli.ts";

const CHAIN = "01jtenant0000000000000000a";

/** The data keys of an installation whose master key is `fill` repeated. */
async function keysOf(control: Client): Promise<TenantKeys> {
  const provider = await EnvKeyProvider.create(new Uint8Array(32).fill(7));
  return new TenantKeys(control, provider, () => new Date());
}

let keys: TenantKeys;

async function withDatabases(test: (db: Client, control: Client) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  const control = await openDatabase({ url: `file:${dir}/c.db` });
  try {
    await migrate(db, "tenant");
    await migrate(control, "control");
    keys = await keysOf(control);
    await test(db, control);
  } finally {
    db.close();
    control.close();
    await Deno.remove(dir, { recursive: true });
  }
}

async function appendN(db: Client, control: Client, n: number, now = systemClock.now()) {
  for (let i = 1; i <= n; i++) {
    await appendSecurityEvent(db, { action: `test.${i}` }, {
      now,
      tail: { control, chain: CHAIN, keys },
    });
  }
}

Deno.test("verifyRecordedChain() reports a chain whose last entries were deleted as truncated", async () => {
  await withDatabases(async (db, control) => {
    await appendN(db, control, 5);
    const hash = String(
      (await db.execute("SELECT hash FROM security_events WHERE seq = 5")).rows[0]!.hash,
    );
    assert.deepEqual(await readChainTail(control, CHAIN), {
      seq: 5,
      hash,
      seal: await sealTail(keys, CHAIN, { seq: 5, hash }),
    });
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, true);

    await db.execute("DELETE FROM security_events WHERE seq >= 4");
    assert.equal((await verifyChain(db)).intact, true, "the links alone cannot tell");
    const result = await verifyRecordedChain(db, control, CHAIN, keys);
    assert.equal(result.intact, false);
    if (result.intact) return;
    assert.equal(result.why, "truncated");
    assert.equal(result.seq, 4);
    assert.match(result.message, /ends at entry 3, but entry 5 was recorded/);
  });
});

Deno.test("verifyRecordedChain() reports a chain cut and rewritten past the recorded tail", async () => {
  await withDatabases(async (db, control) => {
    await appendN(db, control, 3);
    await db.execute("DELETE FROM security_events WHERE seq = 3");
    // Someone appends forged entries without the control database: the chain links up again.
    for (let i = 0; i < 2; i++) {
      await appendSecurityEvent(db, { action: "forged" }, { now: systemClock.now() });
    }
    assert.equal((await verifyChain(db)).intact, true);
    const result = await verifyRecordedChain(db, control, CHAIN, keys);
    assert.equal(result.intact, false);
    if (!result.intact) assert.deepEqual([result.seq, result.why], [3, "truncated"]);
  });
});

Deno.test("the recorded tail never moves back, and a tail one entry behind still verifies", async () => {
  await withDatabases(async (db, control) => {
    await appendN(db, control, 2);
    const second = (await readChainTail(control, CHAIN))!;
    await recordChainTail({ control, chain: CHAIN, keys }, { seq: 1, hash: "x" }, new Date());
    assert.deepEqual(
      await readChainTail(control, CHAIN),
      second,
      "a late, older append is ignored",
    );
    // An append whose tail was never recorded (a crash between the two writes).
    await appendSecurityEvent(db, { action: "late" }, { now: systemClock.now() });
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, true);
  });
});

Deno.test("pruning past the recorded tail keeps the chain verifiable", async () => {
  await withDatabases(async (db, control) => {
    const old = new Date(systemClock.now().getTime() - 400 * 86_400_000);
    await appendN(db, control, 3, old);
    await appendSecurityEvent(db, { action: "today" }, {
      now: systemClock.now(),
      retentionDays: 30,
      tail: { control, chain: CHAIN, keys },
    });
    const rows = await db.execute("SELECT seq FROM security_events");
    assert.deepEqual(rows.rows.map((r) => Number(r.seq)), [4]);
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, true);
    // resetChainTail accepts the chain as it is now (after restoring a backup, say).
    await db.execute("DELETE FROM security_events WHERE seq = 4");
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, false);
    await resetChainTail({ control, chain: CHAIN, keys }, db, new Date());
    assert.equal(await readChainTail(control, CHAIN), null);
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, true);
  });
});

Deno.test("a chain and its recorded tail rewritten together are reported: the tail lacks the server's seal", async () => {
  await withDatabases(async (db, control) => {
    await appendN(db, control, 4);
    // The attacker holds both databases but not the master key: cut the chain at entry 3, append
    // forged entries that link up, and record the new end as the tail (with a seal of their own).
    await db.execute("DELETE FROM security_events WHERE seq >= 3");
    for (let i = 0; i < 3; i++) {
      await appendSecurityEvent(db, { action: "forged" }, { now: systemClock.now() });
    }
    const end =
      (await db.execute("SELECT seq, hash FROM security_events ORDER BY seq DESC LIMIT 1"))
        .rows[0]!;
    // A seal made like ours but under a key of their own.
    const theirKey = await crypto.subtle.importKey(
      "raw",
      crypto.getRandomValues(new Uint8Array(32)),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const theirs = btoa(String.fromCharCode(
      ...new Uint8Array(
        await crypto.subtle.sign(
          "HMAC",
          theirKey,
          new TextEncoder().encode(JSON.stringify([CHAIN, Number(end.seq), String(end.hash)])),
        ),
      ),
    ));
    for (const seal of [null, "", "not base64!", theirs]) {
      await control.execute({
        sql: "UPDATE security_chain_tails SET seq = ?, hash = ?, seal = ? WHERE chain = ?",
        args: [Number(end.seq), String(end.hash), seal, CHAIN],
      });
      assert.equal(
        (await verifyChain(db, { seq: Number(end.seq), hash: String(end.hash) })).intact,
        true,
        "the links and the tail alone cannot tell",
      );
      const result = await verifyRecordedChain(db, control, CHAIN, keys);
      assert.equal(result.intact, false, String(seal));
      if (result.intact) return;
      assert.deepEqual([result.why, result.seq], ["tail_forged", 5]);
      assert.match(result.message, /does not carry this server's seal/);
    }
    // A seal for another chain (copied from a tenant whose tail is at the same place) fails too.
    const copied = await sealTail(keys, "01jothertenant000000000000", {
      seq: Number(end.seq),
      hash: String(end.hash),
    });
    await control.execute({
      sql: "UPDATE security_chain_tails SET seal = ? WHERE chain = ?",
      args: [copied, CHAIN],
    });
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, false);
    // With this installation's key the same tail verifies: only the seal was wrong.
    await control.execute({
      sql: "UPDATE security_chain_tails SET seal = ? WHERE chain = ?",
      args: [await sealTail(keys, CHAIN, { seq: Number(end.seq), hash: String(end.hash) }), CHAIN],
    });
    assert.equal((await verifyRecordedChain(db, control, CHAIN, keys)).intact, true);
  });
});

Deno.test("the operators' chain, kept in the control database beside its tail, cannot be rewritten with its tail unnoticed", async () => {
  await withDatabases(async (_db, control) => {
    for (let i = 1; i <= 3; i++) {
      await appendSecurityEvent(control, { action: `operator.${i}` }, {
        now: systemClock.now(),
        tail: { control, chain: OPERATORS_CHAIN, keys },
      });
    }
    assert.equal((await verifyRecordedChain(control, control, OPERATORS_CHAIN, keys)).intact, true);
    await control.execute("DELETE FROM security_events WHERE seq = 3");
    await control.execute({
      sql:
        "UPDATE security_chain_tails SET seq = 2, hash = (SELECT hash FROM security_events WHERE seq = 2) WHERE chain = ?",
      args: [OPERATORS_CHAIN],
    });
    const result = await verifyRecordedChain(control, control, OPERATORS_CHAIN, keys);
    assert.equal(result.intact, false);
    if (!result.intact) assert.equal(result.why, "tail_forged");
    // The seal key's root is stored only wrapped, never in the clear.
    const stored = await control.execute({
      sql: "SELECT wrapped_key FROM tenant_keys WHERE tenant_id = 'operators'",
    });
    assert.equal(stored.rows.length, 1);
    assert.match(String(stored.rows[0]!.wrapped_key), /^v1:/);
  });
});

Deno.test("a workspace whose last security entry was deleted is reported truncated by the API, the page and audit:verify", async () => {
  const server = await startTestServer();
  try {
    const a = await signUpTenant(server);
    const api = await apiClient(server, a);
    const intact = await api.ok("GET", "/api/v1/security/verify");
    assert.equal(intact.intact, true);
    const last = intact.last_seq as number;
    assert.ok(last >= 1, "signing up and in recorded events");
    assert.equal((await runAuditVerify([a.slug], server.services)).code, 0);

    const lease = await server.services.pool.acquire(a.tenantId, null);
    try {
      // The newest entry now: the API call above may have recorded more.
      await lease.db.execute(
        "DELETE FROM security_events WHERE seq = (SELECT MAX(seq) FROM security_events)",
      );
    } finally {
      lease.release();
    }
    const broken = await api.ok("GET", "/api/v1/security/verify");
    assert.equal(broken.intact, false);
    assert.equal(broken.broken_at.why, "truncated");
    const page = await server.fetch(a.host, "/settings/security?verify=1", {
      headers: { cookie: a.jar.header(a.host) },
    });
    assert.match(await page.text(), /The chain is broken at entry \d+ \(truncated\)/);
    const cli = await runAuditVerify([a.slug], server.services);
    assert.equal(cli.code, 1);
    assert.match(cli.output, /truncated/);
    // An operator who knows why (a restored backup) accepts the chain as it is now.
    const accepted = await runAuditVerify([a.slug, "--accept-tail"], server.services);
    assert.equal(accepted.code, 0, accepted.output);
    assert.equal((await api.ok("GET", "/api/v1/security/verify")).intact, true);
    // The operators' chain is untouched.
    assert.equal((await runAuditVerify(["--operator"], server.services)).code, 0);
  } finally {
    await server.close();
  }
});
