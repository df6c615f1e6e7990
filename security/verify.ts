/**
 * @module security/verify
 * Proves a security audit chain intact, or names the first entry where it breaks and why:
 * - `altered`: the entry's stored fields no longer give its hash (someone edited it);
 * - `missing`: a position is absent, or the entry's predecessor is nowhere in the chain;
 * - `out_of_order`: the entry is intact but sits at another position than the one it was written
 *   at (its predecessor exists elsewhere in the chain).
 * Verification starts at the anchor pruning left (security/chain.ts), or at the genesis hash.
 */
import type { Client } from "../db/client.ts";
import { entryHash, eventFromRow, GENESIS_HASH, readAnchor, type SecurityEvent } from "./chain.ts";

export type ChainBreak = "altered" | "missing" | "out_of_order";

/** The outcome of verifying one chain. */
export type ChainVerification =
  | { intact: true; entries: number; firstSeq: number | null; lastSeq: number | null }
  | {
    intact: false;
    entries: number;
    /** The position where the chain breaks. */
    seq: number;
    /** The entry found there (for `missing`, the first entry after the gap); null at the end. */
    id: string | null;
    why: ChainBreak;
    message: string;
  };

const BATCH = 1000;

/** Reads `db`'s whole chain in order, a batch at a time, and checks every link. */
export async function verifyChain(db: Pick<Client, "execute">): Promise<ChainVerification> {
  const anchor = await readAnchor(db);
  // Every entry's own hash and position first (small), to tell a moved entry from a lost one.
  const positions = new Map<string, number>();
  for (const r of (await db.execute("SELECT seq, hash FROM security_events ORDER BY seq")).rows) {
    positions.set(String(r.hash), Number(r.seq));
  }
  const entries = positions.size;
  let expectedSeq = (anchor?.seq ?? 0) + 1;
  let expectedPrev = anchor?.hash ?? GENESIS_HASH;
  let firstSeq: number | null = null;
  let after = Number.MIN_SAFE_INTEGER;
  for (;;) {
    const rows = (await db.execute({
      sql: "SELECT * FROM security_events WHERE seq > ? ORDER BY seq LIMIT ?",
      args: [after, BATCH],
    })).rows.map(eventFromRow);
    for (const e of rows) {
      const broken = await checkEntry(e, expectedSeq, expectedPrev, positions);
      if (broken) return { intact: false, entries, ...broken };
      firstSeq ??= e.seq;
      expectedSeq = e.seq + 1;
      expectedPrev = e.hash;
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.seq;
  }
  return { intact: true, entries, firstSeq, lastSeq: firstSeq === null ? null : expectedSeq - 1 };
}

async function checkEntry(
  e: SecurityEvent,
  expectedSeq: number,
  expectedPrev: string,
  positions: Map<string, number>,
): Promise<{ seq: number; id: string | null; why: ChainBreak; message: string } | null> {
  if (e.seq !== expectedSeq) {
    return {
      seq: expectedSeq,
      id: e.id,
      why: "missing",
      message: `Entry ${expectedSeq} is missing: the chain jumps to entry ${e.seq} (${e.id}).`,
    };
  }
  const { hash: _stored, ...fields } = e;
  if (await entryHash(fields) !== e.hash) {
    // Intact content at another position: its hash holds with the position after its predecessor.
    const predecessor = positions.get(e.prevHash);
    if (
      predecessor !== undefined && await entryHash({ ...fields, seq: predecessor + 1 }) === e.hash
    ) {
      return {
        seq: e.seq,
        id: e.id,
        why: "out_of_order",
        message: `Entry ${e.seq} (${e.id}) was written as entry ${
          predecessor + 1
        }: the chain was reordered.`,
      };
    }
    return {
      seq: e.seq,
      id: e.id,
      why: "altered",
      message: `Entry ${e.seq} (${e.id}) was altered: its content no longer matches its hash.`,
    };
  }
  if (e.prevHash !== expectedPrev) {
    const known = positions.has(e.prevHash);
    return {
      seq: e.seq,
      id: e.id,
      why: known ? "out_of_order" : "missing",
      message: known
        ? `Entry ${e.seq} (${e.id}) does not follow the entry before it: the chain was reordered.`
        : `The entry before ${e.seq} (${e.id}) is missing or was replaced.`,
    };
  }
  return null;
}
