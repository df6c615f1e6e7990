/**
 * @module db/idempotency_keys
 * The tenant database's record of Idempotency-Key requests: a claim made before the request runs
 * (so a concurrent retry sees it in flight), then the answer to replay, or nothing when the
 * request failed and may be tried again. Rows older than the replay window are ignored and purged.
 */
import type { Client } from "./client.ts";

/** How long a key's answer is replayed (DESIGN.md: 24 hours). */
export const REPLAY_WINDOW_MS = 24 * 60 * 60 * 1000;
/**
 * A claim still unanswered after this long belongs to a request that died with its process (no
 * request runs this long): a retry takes it over instead of waiting out the replay window.
 */
export const ABANDONED_AFTER_MS = 2 * 60 * 1000;

export interface StoredAnswer {
  status: number;
  /** The headers that describe the answer (content type, location, ETag). */
  headers: Record<string, string>;
  body: string;
}

export type Claim =
  | { kind: "claimed" }
  | { kind: "in_flight"; fingerprint: string }
  | { kind: "answered"; fingerprint: string; answer: StoredAnswer };

/**
 * Claims `key` for `userId` unless a live claim exists; returns what is there otherwise.
 * Expired rows of every caller are purged first, so the table holds one day of keys at most.
 */
export async function claimKey(
  db: Client,
  userId: string,
  key: string,
  fingerprint: string,
  now = new Date(),
  attempt = 0,
): Promise<Claim> {
  const cutoff = new Date(now.getTime() - REPLAY_WINDOW_MS).toISOString();
  await db.execute({ sql: "DELETE FROM idempotency_keys WHERE created_at < ?", args: [cutoff] });
  const inserted = await db.execute({
    sql: `INSERT INTO idempotency_keys (user_id, key, fingerprint, created_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (user_id, key) DO NOTHING`,
    args: [userId, key, fingerprint, now.toISOString()],
  });
  if (inserted.rowsAffected === 1) return { kind: "claimed" };
  const { rows } = await db.execute({
    sql: `SELECT fingerprint, status, headers, body, created_at FROM idempotency_keys
          WHERE user_id = ? AND key = ?`,
    args: [userId, key],
  });
  const row = rows[0];
  // Released between our insert and this read (the other request failed): claim it again.
  if (!row) {
    return attempt < 2
      ? claimKey(db, userId, key, fingerprint, now, attempt + 1)
      : { kind: "in_flight", fingerprint };
  }
  if (row.status === null) {
    const abandoned = Date.parse(String(row.created_at)) < now.getTime() - ABANDONED_AFTER_MS;
    if (abandoned) {
      const taken = await db.execute({
        sql: `UPDATE idempotency_keys SET fingerprint = ?, created_at = ?
              WHERE user_id = ? AND key = ? AND status IS NULL AND created_at = ?`,
        args: [fingerprint, now.toISOString(), userId, key, String(row.created_at)],
      });
      if (taken.rowsAffected === 1) return { kind: "claimed" };
    }
    return { kind: "in_flight", fingerprint: String(row.fingerprint) };
  }
  return {
    kind: "answered",
    fingerprint: String(row.fingerprint),
    answer: {
      status: Number(row.status),
      headers: JSON.parse(String(row.headers)),
      body: String(row.body),
    },
  };
}

/** Stores the answer to replay for a claimed key. */
export async function storeAnswer(
  db: Client,
  userId: string,
  key: string,
  answer: StoredAnswer,
): Promise<void> {
  await db.execute({
    sql: `UPDATE idempotency_keys SET status = ?, headers = ?, body = ?
          WHERE user_id = ? AND key = ?`,
    args: [answer.status, JSON.stringify(answer.headers), answer.body, userId, key],
  });
}

/** Drops a claim whose request failed, so that a retry with the same key runs again. */
export async function releaseKey(db: Client, userId: string, key: string): Promise<void> {
  await db.execute({
    sql: "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND status IS NULL",
    args: [userId, key],
  });
}
