import assert from "node:assert/strict";
import { activityOf, addNote, CallSchema, completeFollowUp, followUpsDue, logCall } from "./mod.ts";
import { timelineOf } from "./timeline.ts";
import { changeVersion } from "../records/changes.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";

Deno.test("activity: a note keeps its mentions (not the writer), a call its follow-up, and the timeline holds both with the changes", async () => {
  const server = await startTestServer();
  const t = await signUpTenant(server);
  const api = await apiClient(server, t);
  const lease = await server.services.pool.acquire(t.tenantId, null);
  try {
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Ridge Grocers" }, 201);
    const other = await api.ok("POST", "/api/v1/customers", { name: "Other Grocers" }, 201);
    const db = lease.db;
    const members = [
      { user_id: t.userId, name: "Olive Owner", email: t.email },
      { user_id: "u-bob", name: "Bob Broker", email: "bob@x.test" },
    ];
    const target = { entity: "customers", entityId: customer.id };
    const version = await changeVersion(db);
    const note = await addNote(db, target, { body: "@Bob Broker and @Olive Owner: call them" }, {
      userId: t.userId,
      at: "2026-11-20T10:00:00.000Z",
      members,
    });
    assert.deepEqual(note.mentions, ["u-bob"], "the writer is not mentioned to themselves");
    await new Promise((r) => setTimeout(r, 120)); // past the change counter's trust window
    assert.ok((await changeVersion(db)) > version, "a note counts as a change");

    const call = await logCall(
      db,
      target,
      CallSchema.parse({
        party: "Ann at Ridge",
        outcome: "left_message",
        follow_up_on: "2026-11-21",
      }),
      { userId: t.userId, at: "2026-11-20T11:00:00.000Z" },
    );
    assert.equal(call.followUpOn, "2026-11-21");
    assert.deepEqual(await followUpsDue(db, "2026-11-20"), [], "not due the day before");
    assert.deepEqual((await followUpsDue(db, "2026-11-21")).map((a) => a.id), [call.id]);
    assert.deepEqual(
      (await followUpsDue(db, "2026-11-25")).map((a) => a.id),
      [call.id],
      "overdue too",
    );

    const timeline = await timelineOf(db, "customers", customer.id, null, new Date());
    assert.deepEqual(
      timeline.items.map((i) => i.type),
      ["change", "activity", "activity"],
      "the record was created (now, after the fixed times of note and call), then call, note",
    );
    assert.deepEqual(await activityOf(db, "customers", other.id), [], "nothing on another record");

    await completeFollowUp(db, call.id, "2026-11-21T09:00:00.000Z");
    assert.deepEqual(await followUpsDue(db, "2026-11-25"), []);
    await assert.rejects(completeFollowUp(db, call.id, "2026-11-21T09:00:00.000Z"), /no open/);
    assert.throws(() => CallSchema.parse({ party: "x", outcome: "maybe" }));
  } finally {
    lease.release();
    await server.close();
  }
});
