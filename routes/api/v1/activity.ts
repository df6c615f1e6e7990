/**
 * @module routes/api/v1/activity
 * A record's activity: its timeline (changes, notes, calls, e-mails, documents), notes with
 * @mentions, calls logged with a follow-up date; and the follow-ups due on the business day.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { can } from "../../../auth/roles.ts";
import { describeRoute, IdParams, IdSchema } from "../../../http/openapi.ts";
import { ForbiddenError, NotFoundError } from "../../../domain/errors.ts";
import { RECORD_TYPES, recordType } from "../../../domain/catalog.ts";
import type { RecordDef } from "../../../domain/records/definition.ts";
import { getRecord } from "../../../domain/records/repository.ts";
import {
  type Activity,
  CALL_OUTCOMES,
  CallSchema,
  completeFollowUp,
  followUpsDue,
  logCall,
  NoteSchema,
} from "../../../domain/activity/mod.ts";
import { type TimelineItem, timelineOf } from "../../../domain/activity/timeline.ts";
import { postNote } from "../../../notifications/notes.ts";

const ActivityJson = z.object({
  id: z.string(),
  kind: z.enum(["note", "call", "email"]),
  collection: z.string(),
  record_id: z.string(),
  user_id: z.string().nullable(),
  at: z.string(),
  body: z.string(),
  party: z.string().nullable(),
  outcome: z.string().nullable(),
  follow_up_on: z.string().nullable(),
  follow_up_done_at: z.string().nullable(),
  mentions: z.array(z.string()),
});

const ACTIVITY = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  kind: "call",
  collection: "customers",
  record_id: "01jd8x7k3m5n9p2q4r6s8t0v1x",
  user_id: "01jd8x7k3m5n9p2q4r6s8t0v1y",
  at: "2026-11-20T15:04:05.123Z",
  body: "Asked for the remittance of INV-20417.",
  party: "Ann Ruiz, AP",
  outcome: "left_message",
  follow_up_on: "2026-11-23",
  follow_up_done_at: null,
  mentions: [],
} as const;

function activityJson(a: Activity) {
  return {
    id: a.id,
    kind: a.kind,
    collection: a.entity,
    record_id: a.entityId,
    user_id: a.userId,
    at: a.at,
    body: a.body,
    party: a.party,
    outcome: a.outcome,
    follow_up_on: a.followUpOn,
    follow_up_done_at: a.followUpDoneAt,
    mentions: a.mentions,
  };
}

function itemJson(item: TimelineItem) {
  switch (item.type) {
    case "change":
      return {
        type: item.type,
        at: item.at,
        user_id: item.userId,
        action: item.entry.action,
        changes: item.entry.changes,
      };
    case "activity":
      return { type: item.type, ...activityJson(item.activity) };
    case "mail":
      return {
        type: item.type,
        at: item.at,
        user_id: item.userId,
        kind: item.kind,
        to: item.to,
        subject: item.subject,
      };
    case "document":
      return { type: item.type, at: item.at, user_id: null, document: item.document };
  }
}

const RecordParams = z.object({
  collection: z.enum(RECORD_TYPES.map((d) => d.collection) as [string, ...string[]]).meta({
    example: "customers",
  }),
  id: IdSchema,
});

const timeline = describeRoute({
  operationId: "getRecordActivity",
  tag: "Activity",
  summary: "A record's timeline: changes, notes, calls, e-mails sent, documents attached",
  params: RecordParams,
  responses: {
    200: {
      description: "Newest first; each item has a `type` (change, activity, mail, document)",
      schema: z.object({ data: z.array(z.record(z.string(), z.unknown())) }),
      example: { data: [{ type: "activity", ...ACTIVITY }] },
    },
  },
  errors: [403, 404],
});

const note = describeRoute({
  operationId: "addRecordNote",
  tag: "Activity",
  summary: "Add a note to a record; members named with @ are notified",
  params: RecordParams,
  body: { schema: NoteSchema, example: { body: "@Olive please call the plant about the seal." } },
  responses: {
    201: {
      description: "The note, with the members it mentions",
      schema: ActivityJson,
      example: { ...ACTIVITY, kind: "note", party: null, outcome: null, follow_up_on: null },
    },
  },
  errors: [403, 404, 415, 422],
});

const call = describeRoute({
  operationId: "logRecordCall",
  tag: "Activity",
  summary: "Log a call about a record, with its outcome and an optional follow-up date",
  params: RecordParams,
  body: {
    schema: CallSchema,
    example: {
      party: "Ann Ruiz, AP",
      outcome: CALL_OUTCOMES[1],
      body: "Asked for the remittance.",
      follow_up_on: "2026-11-23",
    },
  },
  responses: { 201: { description: "The call", schema: ActivityJson, example: ACTIVITY } },
  errors: [403, 404, 415, 422],
});

const due = describeRoute({
  operationId: "listFollowUpsDue",
  tag: "Activity",
  summary: "Follow-ups due today (the workspace's business day) or earlier, not yet done",
  responses: {
    200: {
      description: "Oldest first",
      schema: z.object({ data: z.array(ActivityJson) }),
      example: { data: [ACTIVITY] },
    },
  },
  errors: [403],
});

const done = describeRoute({
  operationId: "completeFollowUp",
  tag: "Activity",
  summary: "Mark a call's follow-up done",
  params: IdParams,
  responses: {
    200: { description: "Done", schema: z.object({ done: z.boolean() }), example: { done: true } },
  },
  errors: [403, 404],
});

function defOf(c: AppContext): RecordDef {
  const def = recordType(c.req.param("collection") ?? "");
  if (!def) throw new NotFoundError("There is no such record type.");
  return def;
}

function requireWrite(c: AppContext, def: RecordDef): void {
  const role = principalOf(c).role;
  if (!role || !can(role, def.permission)) {
    throw new ForbiddenError(`Your role cannot add to ${def.plural.toLowerCase()}.`);
  }
}

const app = new Hono<AppEnv>();
app.use("/api/v1/follow-ups", tenantOnly(), requirePermission("records:read"));
app.use("/api/v1/follow-ups/*", tenantOnly(), requirePermission("records:read"));

app.get("/api/v1/follow-ups", due, async (c) => {
  const tenant = tenantOf(c);
  const data = await followUpsDue(tenant.db, tenant.today, 100);
  return c.json({ data: data.map(activityJson) });
});

app.post("/api/v1/follow-ups/:id/done", done, requirePermission("records:write"), async (c) => {
  await completeFollowUp(
    tenantOf(c).db,
    c.req.param("id"),
    c.get("services").clock.now().toISOString(),
  );
  return c.json({ done: true });
});

for (const path of ["activity", "notes", "calls"]) {
  app.use(`/api/v1/:collection/:id/${path}`, tenantOnly(), requirePermission("records:read"));
}

app.get("/api/v1/:collection/:id/activity", timeline, async (c) => {
  const def = defOf(c);
  const id = c.req.param("id");
  const db = tenantOf(c).db;
  await getRecord(db, def, id);
  const retention = c.get("billing")?.entitlements.auditRetentionDays;
  const now = c.get("services").clock.now();
  const { items } = await timelineOf(db, def.collection, id, retention, now);
  return c.json({ data: items.map(itemJson) });
});

app.post("/api/v1/:collection/:id/notes", note, async (c) => {
  const def = defOf(c);
  requireWrite(c, def);
  const { body } = parseWith(NoteSchema, await readJson(c));
  const tenant = tenantOf(c);
  const auth = principalOf(c);
  const created = await postNote(
    { services: c.get("services"), tenantId: tenant.id, db: tenant.db },
    def,
    c.req.param("id"),
    body,
    { userId: auth.userId, name: auth.name },
  );
  return c.json(activityJson(created), 201);
});

app.post("/api/v1/:collection/:id/calls", call, async (c) => {
  const def = defOf(c);
  requireWrite(c, def);
  const input = parseWith(CallSchema, await readJson(c));
  const db = tenantOf(c).db;
  const id = c.req.param("id");
  await getRecord(db, def, id);
  const created = await logCall(db, { entity: def.collection, entityId: id }, input, {
    userId: principalOf(c).userId,
    at: c.get("services").clock.now().toISOString(),
  });
  return c.json(activityJson(created), 201);
});

export default app;
