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
 *
 * The operators' chain lives in the control database beside its tail, and someone who can write
 * both databases could rewrite a chain and its tail together. So each tail carries a seal (control
 * migration 0034): HMAC-SHA-256 over (chain, position, hash) under a key derived from the chain's
 * data key version 1 (crypto/tenant_keys.ts: the tenant's own; `operators` for the operators'
 * chain), which is stored only wrapped by the master key and re-wrapped by a master-key rotation.
 * Without the master key no one can seal a tail of their own; verification refuses one that is not
 * sealed by this installation.
 */
import type { Client } from "../db/client.ts";
import type { TenantKeys } from "../crypto/tenant_keys.ts";
import { deriveKey, toBase64 } from "../crypto/keys.ts";

/** The chain id of the operators' log (events with no workspace, in the control database). */
export const OPERATORS_CHAIN = "operators";

/** The data keys the seal key is kept with (crypto/tenant_keys.ts). */
export type TailKeys = Pick<TenantKeys, "current" | "version">;

/** Where an append records its tail: the control database, the chain's id (a tenant id), keys. */
export interface TailRecorder {
  control: Pick<Client, "execute">;
  chain: string;
  keys: TailKeys;
}

/** The newest entry recorded for a chain. */
export interface ChainTail {
  seq: number;
  hash: string;
}

/** A recorded tail with its seal (null when recorded before seals, or removed). */
export interface SealedTail extends ChainTail {
  seal: string | null;
}

const sealKeys = new WeakMap<TailKeys, Map<string, Promise<CryptoKey>>>();

/** The chain's seal key: derived from its data key version 1 (the operators' chain has its own). */
function sealKey(keys: TailKeys, chain: string): Promise<CryptoKey> {
  const known = sealKeys.get(keys) ?? new Map<string, Promise<CryptoKey>>();
  sealKeys.set(keys, known);
  let key = known.get(chain);
  if (!key) {
    key = (async () => {
      await keys.current(chain); // a chain with no data key yet gets its version 1 now
      const raw = await deriveKey(await keys.version(chain, 1), "security chain tail");
      return await crypto.subtle.importKey(
        "raw",
        raw as BufferSource,
        { name: "HMAC", hash: "SHA-256" },
        false,
        ["sign", "verify"],
      );
    })();
    key.catch(() => known.delete(chain));
    known.set(chain, key);
  }
  return key;
}

function sealed(chain: string, tail: ChainTail): Uint8Array {
  return new TextEncoder().encode(JSON.stringify([chain, tail.seq, tail.hash]));
}

/** The seal of `chain`'s tail: base64 of HMAC-SHA-256 over (chain, position, hash). */
export async function sealTail(keys: TailKeys, chain: string, tail: ChainTail): Promise<string> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    await sealKey(keys, chain),
    sealed(chain, tail) as BufferSource,
  );
  return toBase64(new Uint8Array(mac));
}

/** Whether a recorded tail carries this installation's seal for `chain` (constant time). */
export async function tailSealHolds(
  keys: TailKeys,
  chain: string,
  tail: SealedTail,
): Promise<boolean> {
  if (!tail.seal) return false;
  let mac: Uint8Array;
  try {
    mac = Uint8Array.from(atob(tail.seal), (c) => c.charCodeAt(0));
  } catch {
    return false;
  }
  return await crypto.subtle.verify(
    "HMAC",
    await sealKey(keys, chain),
    mac as BufferSource,
    sealed(chain, tail) as BufferSource,
  );
}

/** Records `entry` as the chain's tail unless a later one is already recorded. */
export async function recordChainTail(
  recorder: TailRecorder,
  entry: ChainTail,
  at: Date,
): Promise<void> {
  const seal = await sealTail(recorder.keys, recorder.chain, entry);
  await recorder.control.execute({
    sql: `INSERT INTO security_chain_tails (chain, seq, hash, recorded_at, seal)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
            recorded_at = excluded.recorded_at, seal = excluded.seal
          WHERE excluded.seq > security_chain_tails.seq`,
    args: [recorder.chain, entry.seq, entry.hash, at.toISOString(), seal],
  });
}

/** The recorded tail of a chain, or null when none was recorded (no append since migration). */
export async function readChainTail(
  control: Pick<Client, "execute">,
  chain: string,
): Promise<SealedTail | null> {
  const rs = await control.execute({
    sql: "SELECT seq, hash, seal FROM security_chain_tails WHERE chain = ?",
    args: [chain],
  });
  const r = rs.rows[0];
  return r
    ? { seq: Number(r.seq), hash: String(r.hash), seal: r.seal ? String(r.seal) : null }
    : null;
}

/**
 * Sets the recorded tail to the chain's current end, for an operator who accepts a shorter chain
 * on purpose (a workspace restored from a backup lost the entries made after it).
 */
export async function resetChainTail(
  recorder: TailRecorder,
  db: Pick<Client, "execute">,
  at: Date,
): Promise<ChainTail | null> {
  const { control, chain } = recorder;
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
    sql: `INSERT INTO security_chain_tails (chain, seq, hash, recorded_at, seal)
          VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (chain) DO UPDATE SET seq = excluded.seq, hash = excluded.hash,
            recorded_at = excluded.recorded_at, seal = excluded.seal`,
    args: [
      chain,
      tail.seq,
      tail.hash,
      at.toISOString(),
      await sealTail(recorder.keys, chain, tail),
    ],
  });
  return tail;
}
