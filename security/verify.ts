/**
 * @module security/verify
 * Proves a security audit chain intact, or names the first entry where it breaks and why:
 * - `altered`: the entry's stored fields no longer give its hash (someone edited it);
 * - `missing`: a position is absent, or the entry's predecessor is nowhere in the chain;
 * - `out_of_order`: the entry is intact but sits at another position than the one it was written
 *   at (its predecessor exists elsewhere in the chain).
 * - `truncated`: the chain ends before the tail recorded in the control database
 *   (security/chain_tail.ts), or its entry at that position is another one (rewritten from there).
 * - `tail_forged`: the recorded tail does not carry this installation's seal: it was written by
 *   someone without the master key (the chain and its tail rewritten together), or before seals.
 * Verification starts at the anchor pruning left (security/chain.ts), or at the genesis hash.
 */
import type { Client } from "../db/client.ts";
import { entryHash, eventFromRow, GENESIS_HASH, readAnchor, type SecurityEvent } from "./chain.ts";
import { type ChainTail, readChainTail, type TailKeys, tailSealHolds } from "./chain_tail.ts";

export type ChainBreak = "altered" | "missing" | "out_of_order" | "truncated" | "tail_forged";

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

/**
 * Verifies a chain against its tail recorded in `control` (`chain`: the tenant id, or
 * OPERATORS_CHAIN): what Settings → Security, /operator/security and `audit:verify` run.
 */
export async function verifyRecordedChain(
  db: Pick<Client, "execute">,
  control: Pick<Client, "execute">,
  chain: string,
  keys: TailKeys,
): Promise<ChainVerification> {
  const tail = await readChainTail(control, chain);
  if (tail && !(await tailSealHolds(keys, chain, tail))) {
    const entries = Number(
      (await db.execute("SELECT count(*) AS n FROM security_events")).rows[0]?.n ?? 0,
    );
    return {
      intact: false,
      entries,
      seq: tail.seq,
      id: null,
      why: "tail_forged",
      message: `The recorded end of the chain (entry ${tail.seq}) does not carry this server's ` +
        "seal: it was written by someone without the master key, or before seals existed. " +
        "If the chain is known to be right, accept its end with `deno task audit:verify --accept-tail`.",
    };
  }
  return await verifyChain(db, tail);
}

/**
 * Reads `db`'s whole chain in order, a batch at a time, and checks every link; with `tail` (the
 * recorded newest entry), also that the chain still reaches it.
 */
export async function verifyChain(
  db: Pick<Client, "execute">,
  tail: ChainTail | null = null,
): Promise<ChainVerification> {
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
  let hashAtTail = tail && anchor?.seq === tail.seq ? anchor.hash : null;
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
      if (e.seq === tail?.seq) hashAtTail = e.hash;
      expectedSeq = e.seq + 1;
      expectedPrev = e.hash;
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.seq;
  }
  const lastSeq = expectedSeq - 1;
  if (tail) {
    const broken = tailBreak(tail, lastSeq, hashAtTail, anchor?.seq ?? 0);
    if (broken) return { intact: false, entries, ...broken };
  }
  return { intact: true, entries, firstSeq, lastSeq: firstSeq === null ? null : lastSeq };
}

/** Whether the verified chain, ending at `lastSeq`, still holds the recorded tail. */
function tailBreak(
  tail: ChainTail,
  lastSeq: number,
  hashAtTail: string | null,
  prunedUpTo: number,
): { seq: number; id: null; why: ChainBreak; message: string } | null {
  if (tail.seq > lastSeq) {
    const lost = tail.seq - lastSeq;
    return {
      seq: lastSeq + 1,
      id: null,
      why: "truncated",
      message: `The chain ends at entry ${lastSeq}, but entry ${tail.seq} was recorded: the last ${
        lost === 1 ? "entry was" : `${lost} entries were`
      } removed.`,
    };
  }
  // Pruned past the recorded tail (its hash is gone with it): nothing left to compare.
  if (hashAtTail === null && tail.seq < prunedUpTo) return null;
  if (hashAtTail !== tail.hash) {
    return {
      seq: tail.seq,
      id: null,
      why: "truncated",
      message: `Entry ${tail.seq} is not the one recorded when it was written: the chain was cut ` +
        "there and rewritten.",
    };
  }
  return null;
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
