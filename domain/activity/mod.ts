/**
 * @module domain/activity/mod
 * What people did about a record besides changing its fields: notes (which may mention
 * members), calls logged (with whom, the outcome, a follow-up date) and e-mails sent. Each write
 * bumps the change counter, so cached pages and live updates see it like any other change.
 */
import { z } from "zod";
import type { Client } from "../../db/client.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import type { Executor } from "../../db/transaction.ts";
import { newId } from "../../db/ids.ts";
import { markChanged } from "../records/changes.ts";
import { NotFoundError } from "../errors.ts";
import { type Mentionable, mentionedIn } from "./mentions.ts";

export type ActivityKind = "note" | "call" | "email";

/** One activity row as pages and the API show it. */
export interface Activity {
  id: string;
  entity: string;
  entityId: string;
  kind: ActivityKind;
  userId: string | null;
  at: string;
  body: string;
  party: string | null;
  outcome: string | null;
  followUpOn: string | null;
  followUpDoneAt: string | null;
  mentions: string[];
}

export const CALL_OUTCOMES = [
  "reached",
  "left_message",
  "no_answer",
  "wrong_number",
] as const;

export const CALL_OUTCOME_LABELS: Record<typeof CALL_OUTCOMES[number], string> = {
  reached: "Reached",
  left_message: "Left a message",
  no_answer: "No answer",
  wrong_number: "Wrong number",
};

/** A note: text up to 5,000 characters. */
export const NoteSchema = z.object({
  body: z.string().trim().min(1, "Write the note.").max(
    5000,
    "Keep a note under 5,000 characters.",
  ),
});

/** A call logged: whom, the outcome, what was said, and when to follow up. */
export const CallSchema = z.object({
  party: z.string().trim().min(1, "Say whom you called.").max(200),
  outcome: z.enum(CALL_OUTCOMES, "Choose the call's outcome."),
  body: z.string().trim().max(5000).default(""),
  follow_up_on: z.union([
    z.literal("").transform(() => null),
    z.iso.date("Give the follow-up date as YYYY-MM-DD."),
  ]).nullable().default(null),
});

function toActivity(r: Record<string, unknown>): Activity {
  const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    id: String(r.id),
    entity: String(r.entity),
    entityId: String(r.entity_id),
    kind: String(r.kind) as ActivityKind,
    userId: str(r.user_id),
    at: String(r.at),
    body: String(r.body),
    party: str(r.party),
    outcome: str(r.outcome),
    followUpOn: str(r.follow_up_on),
    followUpDoneAt: str(r.follow_up_done_at),
    mentions: JSON.parse(String(r.mentions ?? "[]")) as string[],
  };
}

async function insert(db: Client, row: Omit<Activity, "id" | "followUpDoneAt">): Promise<Activity> {
  const id = newId();
  await inWriteTransaction(db, async (tx) => {
    await tx.execute({
      sql: `INSERT INTO activity (id, entity, entity_id, kind, user_id, at, body, party, outcome,
              follow_up_on, mentions) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        id,
        row.entity,
        row.entityId,
        row.kind,
        row.userId,
        row.at,
        row.body,
        row.party,
        row.outcome,
        row.followUpOn,
        JSON.stringify(row.mentions),
      ],
    });
    await markChanged(tx);
  });
  return { id, followUpDoneAt: null, ...row };
}

/** Adds a note to a record; the members it mentions are returned in `mentions`. */
export function addNote(
  db: Client,
  target: { entity: string; entityId: string },
  input: z.infer<typeof NoteSchema>,
  by: { userId: string | null; at: string; members: readonly Mentionable[] },
): Promise<Activity> {
  return insert(db, {
    ...target,
    kind: "note",
    userId: by.userId,
    at: by.at,
    body: input.body,
    party: null,
    outcome: null,
    followUpOn: null,
    mentions: mentionedIn(input.body, by.members).filter((id) => id !== by.userId),
  });
}

/** Logs a call on a record, with an optional follow-up date. */
export function logCall(
  db: Client,
  target: { entity: string; entityId: string },
  input: z.infer<typeof CallSchema>,
  by: { userId: string | null; at: string },
): Promise<Activity> {
  return insert(db, {
    ...target,
    kind: "call",
    userId: by.userId,
    at: by.at,
    body: input.body,
    party: input.party,
    outcome: input.outcome,
    followUpOn: input.follow_up_on,
    mentions: [],
  });
}

/** Records an e-mail sent about a record (to, subject) on its timeline. */
export function logEmail(
  db: Client,
  target: { entity: string; entityId: string },
  mail: { to: string; subject: string },
  by: { userId: string | null; at: string },
): Promise<Activity> {
  return insert(db, {
    ...target,
    kind: "email",
    userId: by.userId,
    at: by.at,
    body: mail.subject,
    party: mail.to,
    outcome: null,
    followUpOn: null,
    mentions: [],
  });
}

/** Marks a call's follow-up done; NotFoundError when there is no open follow-up by that id. */
export async function completeFollowUp(db: Client, id: string, at: string): Promise<void> {
  const done = await inWriteTransaction(db, async (tx) => {
    const rs = await tx.execute({
      sql: `UPDATE activity SET follow_up_done_at = ?
            WHERE id = ? AND follow_up_on IS NOT NULL AND follow_up_done_at IS NULL`,
      args: [at, id],
    });
    if (rs.rowsAffected) await markChanged(tx);
    return rs.rowsAffected;
  });
  if (!done) throw new NotFoundError("There is no open follow-up with this id.");
}

/** A record's notes, calls and e-mails, newest first. */
export async function activityOf(
  db: Executor,
  entity: string,
  entityId: string,
): Promise<Activity[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM activity WHERE entity = ? AND entity_id = ?
          ORDER BY at DESC, id DESC LIMIT 200`,
    args: [entity, entityId],
  });
  return rs.rows.map((r) => toActivity(r as Record<string, unknown>));
}

/** Open follow-ups due on or before `day` (the business day), oldest first: the dashboard's list. */
export async function followUpsDue(db: Executor, day: string, limit = 20): Promise<Activity[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM activity WHERE follow_up_on IS NOT NULL AND follow_up_on <= ?
            AND follow_up_done_at IS NULL
          ORDER BY follow_up_on, at, id LIMIT ?`,
    args: [day, limit],
  });
  return rs.rows.map((r) => toActivity(r as Record<string, unknown>));
}
