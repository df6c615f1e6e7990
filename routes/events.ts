/**
 * @module routes/events
 * GET /api/v1/events: what changes in the workspace, as it happens. With
 * `Accept: text/event-stream` a stream of `change` events (each with the cursor as its id, so a
 * reconnecting browser resumes with Last-Event-ID); otherwise one poll: the changes after
 * `?after=<cursor>` and the cursor to ask with next time (the fallback when streams are cut).
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { tenantOnly } from "../http/guards.ts";
import { requirePermission } from "../auth/middleware.ts";
import { InvalidError } from "../domain/errors.ts";
import { describeRoute } from "../http/openapi.ts";
import {
  changesSince,
  currentCursor,
  cursorText,
  type LiveEvent,
  parseCursor,
  SeenKeys,
} from "../notifications/changes_since.ts";

/** A stream ends after this long; the browser reconnects at once with its cursor. */
const STREAM_MS = 5 * 60_000;
/** A comment this often keeps proxies from closing an idle stream. */
const KEEPALIVE_MS = 25_000;

/** Which cursor time each kind of event is measured against. */
const SOURCE = { record: "audit", document: "documents", activity: "activity" } as const;

const EventJson = z.object({
  kind: z.enum(["record", "document", "activity"]),
  collection: z.string(),
  id: z.string(),
  action: z.string(),
  user_id: z.string().nullable(),
  at: z.string(),
});

const EXAMPLE_CURSOR = "2026-11-20T15:04:05.123Z~2026-11-20T15:01:00.000Z~";

const describeEvents = describeRoute({
  operationId: "listChanges",
  tag: "Live updates",
  summary: "The workspace's changes as they happen (server-sent events), or one poll",
  description: "With `Accept: text/event-stream`: `ready` (the cursor), then a `change` event " +
    "per batch whose data is `{ events }` and whose id is the cursor; reconnect with " +
    "`Last-Event-ID` to miss nothing. Without it: the changes after `after` and the next cursor. " +
    "Events name what changed (record, document status, note or call) and who; never values.",
  query: z.object({
    after: z.string().optional().meta({ example: EXAMPLE_CURSOR }),
  }),
  responses: {
    200: {
      description: "The changes after the cursor (none without one) and the cursor to ask next",
      schema: z.object({ events: z.array(EventJson), cursor: z.string() }),
      example: {
        events: [{
          kind: "record",
          collection: "loads",
          id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
          action: "update",
          user_id: "01jd8x7k3m5n9p2q4r6s8t0v1x",
          at: "2026-11-20T15:04:05.123Z",
        }],
        cursor: EXAMPLE_CURSOR,
      },
    },
  },
  errors: [400, 403],
});

function json(events: readonly LiveEvent[]) {
  return events.map((e) => ({
    kind: e.kind,
    collection: e.collection,
    id: e.id,
    action: e.action,
    user_id: e.userId,
    at: e.at,
  }));
}

const app = new Hono<AppEnv>();
app.use("/api/v1/events", tenantOnly(), requirePermission("records:read"));

app.get("/api/v1/events", describeEvents, async (c) => {
  const tenant = tenantOf(c);
  const services = c.get("services");
  const afterText = c.req.query("after");
  const after = afterText === undefined ? null : parseCursor(afterText);
  if (afterText !== undefined && !after) {
    throw new InvalidError("The cursor is not one this server gave; ask again without it.");
  }
  if (!(c.req.header("accept") ?? "").includes("text/event-stream")) {
    if (!after) return c.json({ events: [], cursor: cursorText(await currentCursor(tenant.db)) });
    const read = await changesSince(tenant.db, after);
    const fresh = read.events.filter((e) => e.at > after[SOURCE[e.kind]]);
    return c.json({ events: json(fresh), cursor: cursorText(read.cursor) });
  }
  const resume = parseCursor(c.req.header("last-event-id"));
  // The stream outlives this handler: replay from the tenant's own database now, then listen.
  const replay = resume ? await changesSince(tenant.db, resume) : null;
  const tenantRecord = await services.registry.findById(tenant.id);
  c.header("cache-control", "no-store");
  return streamSSE(c, async (stream) => {
    const seen = new SeenKeys();
    let stop = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ended = new Promise<void>((resolve) => {
      stream.onAbort(resolve);
      timer = setTimeout(resolve, STREAM_MS);
    });
    const send = (events: LiveEvent[], cursor: string) => {
      const fresh = seen.fresh(events, parseCursor(cursor)!);
      if (fresh.length) {
        void stream.writeSSE({
          event: "change",
          id: cursor,
          data: JSON.stringify({ events: json(fresh) }),
        });
      }
    };
    try {
      const sub = await services.live.subscribe(tenant.id, tenantRecord?.dbUrl ?? null, send);
      stop = sub.stop;
      await stream.writeSSE({
        event: "ready",
        id: resume ? cursorText(replay!.cursor) : sub.cursor,
        data: "{}",
        retry: 3000,
      });
      if (replay && resume) {
        const missed = replay.events.filter((e) => e.at > resume[SOURCE[e.kind]]);
        if (missed.length) send(missed, cursorText(replay.cursor));
      }
      const keepalive = setInterval(() => void stream.write(": keepalive\n\n"), KEEPALIVE_MS);
      await ended;
      clearInterval(keepalive);
    } finally {
      clearTimeout(timer);
      stop();
    }
  });
});

export default app;
