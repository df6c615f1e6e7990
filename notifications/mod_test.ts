import assert from "node:assert/strict";
import { notify } from "./mod.ts";
import { defaultPreferences, listNotifications, savePreferences, unreadCount } from "./store.ts";
import { listOutbox } from "../mail/outbox.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { addMember } from "../tests/helpers/members.ts";

async function setup() {
  const server = await startTestServer();
  const t = await signUpTenant(server);
  const broker = await addMember(server, t.tenantId, "broker");
  const lease = await server.services.pool.acquire(t.tenantId, null);
  const ctx = { services: server.services, tenantId: t.tenantId, db: lease.db };
  return {
    server,
    t,
    broker,
    ctx,
    async close() {
      lease.release();
      await server.close();
    },
  };
}

Deno.test("notify() tells every member on their channels, never the actor, and e-mails only where chosen", async () => {
  const s = await setup();
  try {
    const before = (await listOutbox(s.server.services.control)).length;
    const result = await notify(s.ctx, {
      kind: "document_failed",
      title: "BOL-7.pdf could not be read",
      link: "/documents/x",
      actorId: s.t.userId,
    });
    assert.deepEqual(result.inApp, [s.broker.userId]);
    assert.deepEqual(result.emailed, [s.broker.userId], "document_failed e-mails by default");
    assert.equal(await unreadCount(s.ctx.db, s.t.userId), 0, "the actor is not told");
    const [item] = await listNotifications(s.ctx.db, s.broker.userId);
    assert.equal(item?.title, "BOL-7.pdf could not be read");
    assert.equal(item?.link, "/documents/x");
    const mail = (await listOutbox(s.server.services.control)).slice(0, -before || undefined);
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.to, s.broker.email);
    assert.match(mail[0]!.text, /\/documents\/x/);

    // A payment is in-app only by default: no new e-mail.
    await notify(s.ctx, { kind: "payment_received", title: "Payment 12 received" });
    assert.equal((await listOutbox(s.server.services.control)).length, before + 1);
    assert.equal(await unreadCount(s.ctx.db, s.broker.userId), 2);
    assert.equal(await unreadCount(s.ctx.db, s.t.userId), 1);
  } finally {
    await s.close();
  }
});

Deno.test("notify() follows each member's preferences: off means no row, e-mail only means none in the bell", async () => {
  const s = await setup();
  try {
    const prefs = defaultPreferences();
    prefs.load_delivered = { in_app: false, email: false, digest: false };
    await savePreferences(s.ctx.db, s.broker.userId, prefs);
    const ownerPrefs = defaultPreferences();
    ownerPrefs.load_delivered = { in_app: false, email: true, digest: true };
    await savePreferences(s.ctx.db, s.t.userId, ownerPrefs);
    const before = (await listOutbox(s.server.services.control)).length;

    const result = await notify(s.ctx, { kind: "load_delivered", title: "Load L-1 delivered" });
    assert.deepEqual(result.inApp, []);
    assert.deepEqual(result.emailed, [s.t.userId]);
    assert.deepEqual(result.digest, [s.t.userId]);
    assert.equal((await listNotifications(s.ctx.db, s.broker.userId)).length, 0, "nothing stored");
    assert.equal(await unreadCount(s.ctx.db, s.t.userId), 0, "not in the owner's bell");
    assert.equal((await listOutbox(s.server.services.control)).length, before + 1);
  } finally {
    await s.close();
  }
});

Deno.test("notify() with a dedupe key tells each member once, and only the members named", async () => {
  const s = await setup();
  try {
    const event = {
      kind: "mention" as const,
      title: "Olive mentioned you",
      to: [s.broker.userId],
      dedupeKey: "mention:note1",
    };
    const first = await notify(s.ctx, event);
    const second = await notify(s.ctx, event);
    assert.deepEqual(first.inApp, [s.broker.userId]);
    assert.deepEqual(second, { inApp: [], emailed: [], digest: [] });
    assert.equal(await unreadCount(s.ctx.db, s.broker.userId), 1);
    assert.equal(await unreadCount(s.ctx.db, s.t.userId), 0, "the owner was not named");
  } finally {
    await s.close();
  }
});
