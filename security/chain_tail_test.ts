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
import { readChainTail, recordChainTail, resetChainTail } from "./chain_tail.ts";
import { verifyChain, verifyRecordedChain } from "./verify.ts";
import { runAuditVerify } from "./audit_cli.ts";

const CHAIN = "01jtenant0000000000000000a";

async function withDatabases(test: (db: Client, control: Client) => Promise<void>) {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  const control = await openDatabase({ url: `file:${dir}/c.db` });
  try {
    await migrate(db, "tenant");
    await migrate(control, "control");
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
      tail: { control, chain: CHAIN },
    });
  }
}

Deno.test("verifyRecordedChain() reports a chain whose last entries were deleted as truncated", async () => {
  await withDatabases(async (db, control) => {
    await appendN(db, control, 5);
    assert.deepEqual(await readChainTail(control, CHAIN), {
      seq: 5,
      hash: String(
        (await db.execute("SELECT hash FROM security_events WHERE seq = 5")).rows[0]!
          .hash,
      ),
    });
    assert.equal((await verifyRecordedChain(db, control, CHAIN)).intact, true);

    await db.execute("DELETE FROM security_events WHERE seq >= 4");
    assert.equal((await verifyChain(db)).intact, true, "the links alone cannot tell");
    const result = await verifyRecordedChain(db, control, CHAIN);
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
    const result = await verifyRecordedChain(db, control, CHAIN);
    assert.equal(result.intact, false);
    if (!result.intact) assert.deepEqual([result.seq, result.why], [3, "truncated"]);
  });
});

Deno.test("the recorded tail never moves back, and a tail one entry behind still verifies", async () => {
  await withDatabases(async (db, control) => {
    await appendN(db, control, 2);
    const second = (await readChainTail(control, CHAIN))!;
    await recordChainTail({ control, chain: CHAIN }, { seq: 1, hash: "x" }, new Date());
    assert.deepEqual(
      await readChainTail(control, CHAIN),
      second,
      "a late, older append is ignored",
    );
    // An append whose tail was never recorded (a crash between the two writes).
    await appendSecurityEvent(db, { action: "late" }, { now: systemClock.now() });
    assert.equal((await verifyRecordedChain(db, control, CHAIN)).intact, true);
  });
});

Deno.test("pruning past the recorded tail keeps the chain verifiable", async () => {
  await withDatabases(async (db, control) => {
    const old = new Date(systemClock.now().getTime() - 400 * 86_400_000);
    await appendN(db, control, 3, old);
    await appendSecurityEvent(db, { action: "today" }, {
      now: systemClock.now(),
      retentionDays: 30,
      tail: { control, chain: CHAIN },
    });
    const rows = await db.execute("SELECT seq FROM security_events");
    assert.deepEqual(rows.rows.map((r) => Number(r.seq)), [4]);
    assert.equal((await verifyRecordedChain(db, control, CHAIN)).intact, true);
    // resetChainTail accepts the chain as it is now (after restoring a backup, say).
    await db.execute("DELETE FROM security_events WHERE seq = 4");
    assert.equal((await verifyRecordedChain(db, control, CHAIN)).intact, false);
    await resetChainTail(control, CHAIN, db, new Date());
    assert.equal(await readChainTail(control, CHAIN), null);
    assert.equal((await verifyRecordedChain(db, control, CHAIN)).intact, true);
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
