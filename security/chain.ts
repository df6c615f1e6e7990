/**
 * @module security/chain
 * The security audit log as a hash chain, one per database: each tenant database holds its
 * workspace's chain, the control database the operators' (events with no workspace).
 *
 * Each entry's `hash` is SHA-256 over a canonical serialization of all its fields, including its
 * position (`seq`) and the previous entry's hash (`prev_hash`); the first entry points at
 * `GENESIS_HASH`. Changing, removing or reordering any stored entry therefore breaks the chain at
 * that entry, which `verifyChain` names. Appends run in a write transaction that reads the head and
 * inserts after it; `seq` is the primary key, so two appends can never take the same position
 * (another process waits on SQLite's write lock, this process on db/write_lock.ts).
 *
 * Retention: entries older than the plan's `auditRetentionDays` are pruned, at most once a day,
 * inside an append. The position and hash of the last pruned entry stay as the anchor that
 * verification starts from, so a pruned chain still verifies.
 */
import type { Client, Row } from "../db/client.ts";
import { newId, sha256Hex } from "../db/ids.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { recordChainTail, type TailRecorder } from "./chain_tail.ts";

/** The `prev_hash` of a chain's first entry. */
export const GENESIS_HASH = "0".repeat(64);

/** What a caller says about an event; the chain adds id, position, time and hashes. */
export interface SecurityEventInput {
  /** Dotted verb such as `auth.sign_in` or `member.role_changed`. */
  action: string;
  actorUserId?: string | null;
  actorEmail?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** What the action was done to: a user's e-mail, a token's name, a domain. */
  target?: string | null;
  details?: Record<string, unknown>;
}

/** One stored entry of the chain. */
export interface SecurityEvent {
  seq: number;
  id: string;
  at: string;
  actorUserId: string | null;
  actorEmail: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  target: string | null;
  /** Canonical JSON, exactly as hashed. */
  details: string;
  prevHash: string;
  hash: string;
}

/** How an append learns the time and the retention to apply. */
export interface AppendOptions {
  now: Date;
  /** Days to keep (the plan's `auditRetentionDays`); undefined keeps everything. */
  retentionDays?: number;
  /** Where to record the new tail (security/chain_tail.ts), so a truncation shows. */
  tail?: TailRecorder;
}

/** JSON with object keys sorted at every depth, so equal details always hash alike. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === "object" && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      out[key] = sortKeys((value as Record<string, unknown>)[key]);
    }
    return out;
  }
  return value;
}

/** The hash of an entry: SHA-256 (hex) over a versioned array of every field but the hash. */
export function entryHash(e: Omit<SecurityEvent, "hash">): Promise<string> {
  return sha256Hex(JSON.stringify([
    "pm-audit-v1",
    e.seq,
    e.id,
    e.at,
    e.actorUserId,
    e.actorEmail,
    e.ip,
    e.userAgent,
    e.action,
    e.target,
    e.details,
    e.prevHash,
  ]));
}

/** Reads a stored row into an entry. */
export function eventFromRow(r: Row): SecurityEvent {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v));
  return {
    seq: Number(r.seq),
    id: String(r.id),
    at: String(r.at),
    actorUserId: text(r.actor_user_id),
    actorEmail: text(r.actor_email),
    ip: text(r.ip),
    userAgent: text(r.user_agent),
    action: String(r.action),
    target: text(r.target),
    details: String(r.details),
    prevHash: String(r.prev_hash),
    hash: String(r.hash),
  };
}

/** The chain's anchor after pruning: where verification starts. */
export interface ChainAnchor {
  seq: number;
  hash: string;
  prunedOn: string;
}

/** The anchor of `db`'s chain, or null when nothing was ever pruned. */
export async function readAnchor(db: Pick<Client, "execute">): Promise<ChainAnchor | null> {
  const rs = await db.execute(
    "SELECT seq, hash, pruned_on FROM security_event_anchor WHERE id = 1",
  );
  const r = rs.rows[0];
  return r ? { seq: Number(r.seq), hash: String(r.hash), prunedOn: String(r.pruned_on) } : null;
}

/**
 * Appends one event to `db`'s chain (a tenant database or the control database) and returns it;
 * prunes past the retention first when that has not run today, and records the new tail where
 * `options.tail` says (security/chain_tail.ts). For jobs and command-line tools;
 * request handlers call `recordSecurityEvent` (security/events.ts).
 */
export async function appendSecurityEvent(
  db: Client,
  input: SecurityEventInput,
  options: AppendOptions,
): Promise<SecurityEvent> {
  const event = await appendIn(db, input, options);
  if (options.tail) await recordChainTail(options.tail, event, options.now);
  return event;
}

function appendIn(
  db: Client,
  input: SecurityEventInput,
  options: AppendOptions,
): Promise<SecurityEvent> {
  const at = options.now.toISOString();
  return inWriteTransaction(db, async (tx) => {
    const anchor = await readAnchor(tx);
    if (options.retentionDays !== undefined && anchor?.prunedOn !== at.slice(0, 10)) {
      await pruneIn(tx, options.now, options.retentionDays, anchor);
    }
    const head = (await tx.execute(
      "SELECT seq, hash FROM security_events ORDER BY seq DESC LIMIT 1",
    )).rows[0];
    const after = head
      ? { seq: Number(head.seq), hash: String(head.hash) }
      : (await readAnchor(tx)) ?? { seq: 0, hash: GENESIS_HASH };
    const entry: Omit<SecurityEvent, "hash"> = {
      seq: after.seq + 1,
      id: newId(options.now.getTime()),
      at,
      actorUserId: input.actorUserId ?? null,
      actorEmail: input.actorEmail ?? null,
      ip: input.ip ?? null,
      userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
      action: input.action,
      target: input.target ?? null,
      details: canonicalJson(input.details ?? {}),
      prevHash: after.hash,
    };
    const event = { ...entry, hash: await entryHash(entry) };
    await tx.execute({
      sql: `INSERT INTO security_events
              (seq, id, at, actor_user_id, actor_email, ip, user_agent, action, target, details,
               prev_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        event.seq,
        event.id,
        event.at,
        event.actorUserId,
        event.actorEmail,
        event.ip,
        event.userAgent,
        event.action,
        event.target,
        event.details,
        event.prevHash,
        event.hash,
      ],
    });
    return event;
  });
}

/**
 * Deletes the entries older than `retentionDays` (a prefix of the chain) and moves the anchor to
 * the last one deleted; records that pruning ran today either way.
 */
async function pruneIn(
  tx: Pick<Client, "execute">,
  now: Date,
  retentionDays: number,
  anchor: ChainAnchor | null,
): Promise<void> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  // Entries are appended in time order; the prefix ends at the newest entry past the cutoff.
  const last = (await tx.execute({
    sql: `SELECT seq, hash FROM security_events
          WHERE seq <= (SELECT MAX(seq) FROM security_events WHERE at < ?)
          ORDER BY seq DESC LIMIT 1`,
    args: [cutoff],
  })).rows[0];
  const next = last ? { seq: Number(last.seq), hash: String(last.hash) } : anchor;
  const today = now.toISOString().slice(0, 10);
  if (last) {
    await tx.execute({ sql: "DELETE FROM security_events WHERE seq <= ?", args: [next!.seq] });
  }
  await tx.execute({
    sql: `INSERT INTO security_event_anchor (id, seq, hash, pruned_on) VALUES (1, ?, ?, ?)
          ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
            pruned_on = excluded.pruned_on`,
    args: [next?.seq ?? 0, next?.hash ?? GENESIS_HASH, today],
  });
}
