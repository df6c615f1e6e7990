/**
 * @module notifications/store
 * The tenant database's side of notifications: each member's preferences per event and channel,
 * the notifications themselves, unread counts and marking them read.
 */
import type { Executor } from "../db/transaction.ts";
import { newId } from "../db/ids.ts";
import { type Channel, CHANNELS, EVENT_KINDS, type EventKind, EVENTS } from "./events.ts";
import { decodeMessage, type Reader, shownTexts, type StoredMessage } from "./messages.ts";

/** A member's channels per event: the defaults, overridden by what they chose. */
export type Preferences = Record<EventKind, Record<Channel, boolean>>;

/** One notification as the bell and the page show it. */
export interface NotificationItem {
  id: string;
  event: string;
  /** In the reader's language when listed for one (`reader`), else as stored (English). */
  title: string;
  body: string;
  /** The title and body as catalogue keys (notifications/messages.ts); null on older rows. */
  message: StoredMessage | null;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

/** The defaults of every event, before a member chooses. */
export function defaultPreferences(): Preferences {
  const out = {} as Preferences;
  for (const kind of EVENT_KINDS) {
    out[kind] = Object.fromEntries(
      CHANNELS.map((ch) => [ch, EVENTS[kind].defaults.includes(ch)]),
    ) as Record<Channel, boolean>;
  }
  return out;
}

/** Each member's preferences, for the given members (one query). */
export async function preferencesOf(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, Preferences>> {
  const out = new Map(userIds.map((id) => [id, defaultPreferences()]));
  if (!userIds.length) return out;
  const rs = await db.execute({
    sql: `SELECT user_id, event, channel, enabled FROM notification_preferences
          WHERE user_id IN (${userIds.map(() => "?").join(",")})`,
    args: [...userIds],
  });
  for (const r of rs.rows) {
    const prefs = out.get(String(r.user_id));
    const event = prefs?.[String(r.event) as EventKind];
    if (event && String(r.channel) in event) {
      event[String(r.channel) as Channel] = Boolean(r.enabled);
    }
  }
  return out;
}

/** Stores a member's whole choice (every event and channel). */
export async function savePreferences(
  db: Executor,
  userId: string,
  prefs: Preferences,
): Promise<void> {
  for (const kind of EVENT_KINDS) {
    for (const channel of CHANNELS) {
      await db.execute({
        sql: `INSERT INTO notification_preferences (user_id, event, channel, enabled)
              VALUES (?, ?, ?, ?)
              ON CONFLICT(user_id, event, channel) DO UPDATE SET enabled = excluded.enabled`,
        args: [userId, kind, channel, prefs[kind][channel] ? 1 : 0],
      });
    }
  }
}

/** Writes one member's notification; false when the dedupe key was already used for them. */
export async function insertNotification(
  db: Executor,
  row: {
    userId: string;
    event: string;
    title: string;
    body: string;
    link: string | null;
    entity: string | null;
    entityId: string | null;
    dedupeKey: string | null;
    createdAt: string;
    inApp: boolean;
    digest: boolean;
    /** The title and body as catalogue keys (notifications/messages.ts `encodeMessage`). */
    message?: string | null;
  },
): Promise<boolean> {
  const rs = await db.execute({
    sql: `INSERT INTO notifications (id, user_id, event, title, body, link, entity, entity_id,
            dedupe_key, created_at, read_at, digest, message)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          ON CONFLICT DO NOTHING`,
    args: [
      newId(),
      row.userId,
      row.event,
      row.title,
      row.body,
      row.link,
      row.entity,
      row.entityId,
      row.dedupeKey,
      row.createdAt,
      // Not for the bell: stored as read, so the digest and dedupe still have it.
      row.inApp ? null : row.createdAt,
      row.digest ? "pending" : null,
      row.message ?? null,
    ],
  });
  return rs.rowsAffected > 0;
}

function toItem(r: Record<string, unknown>, reader?: Reader): NotificationItem {
  const stored = {
    title: String(r.title),
    body: String(r.body),
    message: decodeMessage(r.message),
  };
  return {
    id: String(r.id),
    event: String(r.event),
    ...(reader ? shownTexts(reader, stored) : stored),
    message: stored.message,
    link: r.link === null ? null : String(r.link),
    createdAt: String(r.created_at),
    readAt: r.read_at === null ? null : String(r.read_at),
  };
}

/**
 * A member's newest notifications (the page and the bell's list), in the `reader`'s language
 * when given (notifications/messages.ts).
 */
export async function listNotifications(
  db: Executor,
  userId: string,
  opts: { limit?: number; unreadOnly?: boolean; reader?: Reader } = {},
): Promise<NotificationItem[]> {
  const rs = await db.execute({
    sql: `SELECT id, event, title, body, link, created_at, read_at, message FROM notifications
          WHERE user_id = ? ${opts.unreadOnly ? "AND read_at IS NULL" : ""}
          ORDER BY created_at DESC, id DESC LIMIT ?`,
    args: [userId, Math.min(opts.limit ?? 50, 200)],
  });
  return rs.rows.map((r) => toItem(r as Record<string, unknown>, opts.reader));
}

/** How many of a member's notifications are unread (the bell's number). */
export async function unreadCount(db: Executor, userId: string): Promise<number> {
  const rs = await db.execute({
    sql: "SELECT count(*) AS n FROM notifications WHERE user_id = ? AND read_at IS NULL",
    args: [userId],
  });
  return Number(rs.rows[0]?.n ?? 0);
}

/** Marks a member's notifications read: the ones named, or all of them. Returns how many. */
export async function markRead(
  db: Executor,
  userId: string,
  ids: readonly string[] | "all",
  now: string,
): Promise<number> {
  if (ids !== "all" && !ids.length) return 0;
  const rs = await db.execute({
    sql: `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL
          ${ids === "all" ? "" : `AND id IN (${ids.map(() => "?").join(",")})`}`,
    args: [now, userId, ...(ids === "all" ? [] : ids)],
  });
  return rs.rowsAffected;
}
