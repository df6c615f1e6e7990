import assert from "node:assert/strict";
import { openDatabase } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import {
  currentPortalKey,
  readPortalToken,
  rotatePortalKey,
  signPortalToken,
  verifyPortalToken,
} from "./links.ts";

const NOW = new Date("2026-11-20T18:00:00Z");
const CLAIMS = { tenantId: "01tenant", invoiceId: "01invoice", customerId: "01customer" };

async function tenantDb() {
  const dir = await Deno.makeTempDir();
  const db = await openDatabase({ url: `file:${dir}/t.db` });
  await migrate(db, "tenant");
  return {
    db,
    async [Symbol.asyncDispose]() {
      db.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

Deno.test("signPortalToken() names the tenant, invoice, customer and expiry; verify accepts it", async () => {
  await using t = await tenantDb();
  const token = await signPortalToken(t.db, { ...CLAIMS, now: NOW, days: 60 });
  assert.match(token, /^[\w-]+\.[\w-]+$/);
  const read = readPortalToken(token)!;
  assert.deepEqual(read, {
    ...CLAIMS,
    expires: NOW.getTime() / 1000 + 60 * 86400,
    keyVersion: 1,
  });
  const checked = await verifyPortalToken(t.db, CLAIMS.tenantId, token, NOW);
  assert.deepEqual(checked, { ok: true, claims: read });
});

Deno.test("verifyPortalToken() refuses a tampered, foreign, expired or malformed token", async () => {
  await using t = await tenantDb();
  const token = await signPortalToken(t.db, { ...CLAIMS, now: NOW, days: 1 });
  const [body, sig] = token.split(".") as [string, string];
  // The first character always carries six signature bits (the last may carry only four, and a
  // change in its unused low bits is a different spelling of the same bytes, refused below).
  const flip = (s: string) => (s.startsWith("A") ? "B" : "A") + s.slice(1);
  const respelled = (s: string) => {
    const last = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    return s.slice(0, -1) + last[last.indexOf(s.at(-1)!) ^ 1];
  };
  const swapped = btoa(
    atob(body.replace(/-/g, "+").replace(/_/g, "/")).replace("01invoice", "01other"),
  )
    .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  const reason = async (tok: string, tenant = CLAIMS.tenantId, at = NOW) => {
    const r = await verifyPortalToken(t.db, tenant, tok, at);
    return r.ok ? "ok" : r.reason;
  };
  assert.equal(await reason(`${body}.${flip(sig)}`), "bad_signature");
  assert.equal(await reason(`${swapped}.${sig}`), "bad_signature");
  // A 32-byte signature leaves two unused bits in its last character: the same bytes respelled.
  assert.equal(await reason(`${body}.${respelled(sig)}`), "bad_signature");
  assert.equal(await reason(token, "01elsewhere"), "wrong_tenant");
  assert.equal(
    await reason(token, CLAIMS.tenantId, new Date(NOW.getTime() + 86400_000)),
    "expired",
  );
  assert.equal(await reason(token, CLAIMS.tenantId, new Date(NOW.getTime() + 86399_000)), "ok");
  for (const bad of ["", "abc", `${body}`, `${body}.${sig}.x`, "%%%.%%%", "x".repeat(900) + ".a"]) {
    assert.equal(await reason(bad), "malformed", bad);
  }
});

Deno.test("rotatePortalKey() invalidates every token signed before and keeps no old secret", async () => {
  await using t = await tenantDb();
  const before = await signPortalToken(t.db, { ...CLAIMS, now: NOW, days: 60 });
  const old = await currentPortalKey(t.db, NOW);
  assert.equal(await rotatePortalKey(t.db, NOW), 2);
  const checked = await verifyPortalToken(t.db, CLAIMS.tenantId, before, NOW);
  assert.deepEqual(checked, { ok: false, reason: "bad_signature" });
  const after = await signPortalToken(t.db, { ...CLAIMS, now: NOW, days: 60 });
  assert.equal((await verifyPortalToken(t.db, CLAIMS.tenantId, after, NOW)).ok, true);
  const rows = await t.db.execute("SELECT version, secret FROM portal_keys");
  assert.deepEqual(rows.rows.map((r) => Number(r.version)), [2]);
  assert.notEqual(String(rows.rows[0]!.secret), btoa(String.fromCharCode(...old.secret)));
});
