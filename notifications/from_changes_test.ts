import assert from "node:assert/strict";
import { documentOutcome, insuranceExpiring, loadEvents } from "./from_changes.ts";
import { listNotifications } from "./store.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { addMember } from "../tests/helpers/members.ts";
import { seedOneOfEach } from "../tests/helpers/records.ts";

Deno.test("loadEvents() raises delivered, late against the appointment, and temperature off the set-point", () => {
  const load = {
    id: "l1",
    number: "L-7",
    pickup_appointment: "2026-11-20T08:00",
    delivery_appointment: "2026-11-21T08:00",
    setpoint_temp_f: 28,
    pickup_temp_f: 29,
    delivery_temp_f: 36,
  };
  const changes = { status: ["picked_up", "delivered"], delivery_temp_f: [null, 36] } as Record<
    string,
    [unknown, unknown]
  >;
  const on = loadEvents(load, changes, "2026-11-21T07:59:00.000Z", "UTC").map((e) => e.kind);
  assert.deepEqual(on, ["load_delivered", "temperature_out_of_range"]);
  const late = loadEvents(load, changes, "2026-11-21T09:30:00.000Z", "UTC").map((e) => e.kind);
  assert.deepEqual(late, ["load_delivered", "load_late", "temperature_out_of_range"]);
  const within = loadEvents(
    { ...load, delivery_temp_f: 32 },
    { delivery_temp_f: [null, 32] },
    "x",
    "UTC",
  );
  assert.deepEqual(within, [], "4 °F off is within the tolerance; no status change");
});

Deno.test("loadEvents() reads the appointment on the workspace's wall clock, not UTC's", () => {
  const load = { id: "l1", number: "L-8", delivery_appointment: "2027-03-10T08:00" };
  const changes = { status: ["picked_up", "delivered"] } as Record<string, [unknown, unknown]>;
  const kinds = (at: string, zone: string) =>
    loadEvents(load, changes, at, zone).map((e) => e.kind);
  // 13:30 UTC is 07:30 in Chicago (CST): early, though it sorts after "08:00".
  assert.deepEqual(kinds("2027-03-10T13:30:00Z", "America/Chicago"), ["load_delivered"]);
  // 14:00:59 UTC is 08:00 on the dot there: the appointment's own minute is on time.
  assert.deepEqual(kinds("2027-03-10T14:00:59Z", "America/Chicago"), ["load_delivered"]);
  assert.deepEqual(kinds("2027-03-10T14:01:00Z", "America/Chicago"), [
    "load_delivered",
    "load_late",
  ]);
  // Tokyo is ahead of UTC: 23:30 UTC on the 9th is 08:30 on the 10th there.
  assert.deepEqual(kinds("2027-03-09T23:30:00Z", "Asia/Tokyo"), ["load_delivered", "load_late"]);
  // An appointment given as a day alone is late only from the next local day.
  const byDay = { ...load, delivery_appointment: "2027-03-10" };
  const dayKinds = (at: string) =>
    loadEvents(byDay, changes, at, "America/Chicago").map((e) => e.kind);
  assert.deepEqual(dayKinds("2027-03-11T04:30:00Z"), ["load_delivered"]); // 22:30 on the 10th
  assert.deepEqual(dayKinds("2027-03-11T06:30:00Z"), ["load_delivered", "load_late"]);
});

Deno.test("insuranceExpiring() counts the 30 days ahead of the business day", () => {
  assert.equal(insuranceExpiring("2026-12-20", "2026-11-20"), true);
  assert.equal(insuranceExpiring("2026-12-21", "2026-11-20"), false);
  assert.equal(insuranceExpiring(null, "2026-11-20"), false);
});

Deno.test("a load marked delivered after its appointment tells the other members, once, and not the one who marked it", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const broker = await addMember(server, t.tenantId, "broker");
    const api = await apiClient(server, t);
    const { loads: seeded, payments } = await seedOneOfEach(api, "Late");
    const load = await api.ok("PATCH", `/api/v1/loads/${seeded.id}`, {
      version: seeded.version,
      delivery_appointment: "2020-01-02T08:00",
    });
    await api.ok("PATCH", `/api/v1/loads/${load.id}`, {
      version: load.version,
      status: "delivered",
    });
    await server.services.live.settled();
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const all = await listNotifications(lease.db, broker.userId);
      // The seeded receivable payment was told too (its query once named a column payments lack).
      const paid = all.filter((i) => i.event === "payment_received");
      assert.deepEqual(paid.map((i) => i.link), [`/payments/${payments.id}`]);
      const items = all.filter((i) => i.event.startsWith("load_"));
      assert.deepEqual(items.map((i) => i.event).sort(), ["load_delivered", "load_late"]);
      assert.ok(items.every((i) => i.link === `/loads/${load.id}`));
      assert.deepEqual(await listNotifications(lease.db, t.userId), [], "not the actor");
      // Saved again with the same status: nothing new.
      await api.ok("PATCH", `/api/v1/loads/${load.id}`, { version: load.version + 1, notes: "x" });
      await server.services.live.settled();
      assert.equal((await listNotifications(lease.db, broker.userId)).length, all.length);
    } finally {
      lease.release();
    }
    const otherLease = await server.services.pool.acquire(other.tenantId, null);
    try {
      const rs = await otherLease.db.execute("SELECT count(*) AS n FROM notifications");
      assert.equal(Number(rs.rows[0]?.n), 0, "no other tenant told");
    } finally {
      otherLease.release();
    }
  } finally {
    await server.close();
  }
});

Deno.test("documentOutcome() tells members a document is ready to review or failed, once per status", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const now = new Date().toISOString();
      const insert = (id: string, status: string, message: string | null) =>
        lease.db.execute({
          sql: `INSERT INTO documents (id, name, content_type, size_bytes, sha256, storage_key,
                  status, status_message, created_at, updated_at)
                VALUES (?, ?, 'application/pdf', 10, ?, 'k', ?, ?, ?, ?)`,
          args: [id, `${id}.pdf`, id, status, message, now, now],
        });
      await insert("doc-ok", "review", null);
      await insert("doc-bad", "failed", "The file is not a PDF.");
      await insert("doc-busy", "processing", null);
      for (const id of ["doc-ok", "doc-bad", "doc-busy", "doc-ok"]) {
        await documentOutcome(server.services, t.tenantId, lease.db, id);
      }
      const items = await listNotifications(lease.db, t.userId);
      assert.deepEqual(items.map((i) => [i.event, i.title, i.link]).sort(), [
        ["document_failed", "doc-bad.pdf could not be read", "/documents/doc-bad"],
        ["document_read", "doc-ok.pdf is ready to review", "/documents/doc-ok"],
      ]);
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
