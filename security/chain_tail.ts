/**
 * @module security/chain_tail
 * The newest entry of each audit chain, kept apart from the chain. A hash chain proves that no
 * entry was changed, removed or reordered *inside* it, but deleting its last entries leaves a
 * shorter chain that still links up. So every append also records its position and hash in the
 * control database (`security_chain_tails`, control migration 0017: one upsert), and verification
 * compares the chain's end with it: a chain that ends before the recorded tail was truncated, and
 * one whose entry at the recorded position has another hash was rewritten from there.
 *
 * The record is written after the chain's own transaction commits (two databases), and only ever
 * moves forward, so concurrent appends that finish out of order never move it back. A crash in
 * between leaves it one entry behind, which still verifies: the recorded entry must be there.
 */
import type { Client } from "../db/client.ts";

/** The chain id of the operators' log (events with no workspace, in the control database). */
export const OPERATORS_CHAIN = "operators";

/** Where an append records its tail: the control database and the chain's id (a tenant id). */
export interface TailRecorder {
  control: Pick<Client, "execute">;
  chain: string;
}

/** The newest entry recorded for a chain. */
export interface ChainTail {
  seq: number;
  hash: string;
}

/** Records `entry` as the chain's tail unless a later one is already recorded. */
export async function recordChainTail(
  recorder: TailRecorder,
  entry: ChainTail,
  at: Date,
): Promise<void> {
  await recorder.control.execute({
    sql: `INSERT INTO security_chain_tails (chain, seq, hash, recorded_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
            recorded_at = excluded.recorded_at
          WHERE excluded.seq > security_chain_tails.seq`,
    args: [recorder.chain, entry.seq, entry.hash, at.toISOString()],
  });
}

/** The recorded tail of a chain, or null when none was recorded (no append since migration). */
export async function readChainTail(
  control: Pick<Client, "execute">,
  chain: string,
): Promise<ChainTail | null> {
  const rs = await control.execute({
    sql: "SELECT seq, hash FROM security_chain_tails WHERE chain = ?",
    args: [chain],
  });
  const r = rs.rows[0];
  return r ? { seq: Number(r.seq), hash: String(r.hash) } : null;
}

/**
 * Sets the recorded tail to the chain's current end, for an operator who accepts a shorter chain
 * on purpose (a workspace restored from a backup lost the entries made after it).
 */
export async function resetChainTail(
  control: Pick<Client, "execute">,
  chain: string,
  db: Pick<Client, "execute">,
  at: Date,
): Promise<ChainTail | null> {
  const head = (await db.execute("SELECT seq, hash FROM security_events ORDER BY seq DESC LIMIT 1"))
    .rows[0];
  if (!head) {
    await control.execute({
      sql: "DELETE FROM security_chain_tails WHERE chain = ?",
      args: [chain],
    });
    return null;
  }
  const tail = { seq: Number(head.seq), hash: String(head.hash) };
  await control.execute({
    sql: `INSERT INTO security_chain_tails (chain, seq, hash, recorded_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
            recorded_at = excluded.recorded_at`,
    args: [chain, tail.seq, tail.hash, at.toISOString()],
  });
  return tail;
}
