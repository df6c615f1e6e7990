/**
 * @module notifications/notes
 * Posting a note on a record and telling the members it mentions (the `mention` event): what the
 * record page's form and the API share.
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { listMembers } from "../auth/members.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import { getRecord, recordTitle } from "../domain/records/repository.ts";
import { type Activity, addNote } from "../domain/activity/mod.ts";
import { notify } from "./mod.ts";

/** Adds a note to a record (which must exist) and notifies each member it mentions. */
export async function postNote(
  ctx: { services: Services; tenantId: string; db: Client },
  def: RecordDef,
  id: string,
  body: string,
  by: { userId: string; name: string },
): Promise<Activity> {
  const record = await getRecord(ctx.db, def, id);
  const members = await listMembers(ctx.services.control, ctx.tenantId);
  const note = await addNote(ctx.db, { entity: def.collection, entityId: id }, { body }, {
    userId: by.userId,
    at: ctx.services.clock.now().toISOString(),
    members,
  });
  if (note.mentions.length) {
    await notify(ctx, {
      kind: "mention",
      title: {
        key: "notice.mention",
        args: { name: by.name, type: { label: def.singular }, title: recordTitle(def, record) },
      },
      body: note.body.length > 300 ? `${note.body.slice(0, 299)}…` : note.body,
      link: `/${def.collection}/${id}#activity`,
      entity: { collection: def.collection, id },
      to: note.mentions,
      actorId: by.userId,
      dedupeKey: `mention:${note.id}`,
    });
  }
  return note;
}
