/**
 * @module ops/_backup_copier
 * The backup copy, run on a thread of its own (a Web Worker started by ops/backups.ts). A local
 * libSQL client runs SQL on the thread that calls it, so `VACUUM INTO` on the app's thread stops
 * every request for the whole copy: measured here, 260 ms for a 10 MB encrypted database. Run
 * here, on its own read connection to the file, the app's thread went on with at most 36 ms
 * between timer ticks over the same copy (starting the thread, once per run, held it up to 150 ms
 * while the thread loaded libSQL). A reader beside the app's connections is safe in WAL
 * mode; a key rotation that swaps the file meanwhile leaves this connection on the old file, a
 * consistent copy all the same.
 *
 * Message in: `{ path, keys, target, targetKey }` (`keys`: the database's keys to try, newest
 * first, null for a plain file). Message out: `{ ok: true }` or `{ error }`.
 */
import { createClient } from "@libsql/client";
import { isNotADatabase, vacuumInto } from "../db/encrypted.ts";

interface CopyRequest {
  path: string;
  keys: Array<string | null>;
  target: string;
  targetKey: string;
}

async function copy(request: CopyRequest): Promise<void> {
  let last: unknown = new Error(`No key opens ${request.path}.`);
  for (const key of request.keys) {
    const client = createClient({
      url: `file:${request.path}`,
      timeout: 5000,
      ...(key ? { encryptionKey: key } : {}),
    });
    try {
      await client.execute("SELECT count(*) FROM sqlite_master");
    } catch (err) {
      client.close();
      if (!isNotADatabase(err)) throw err;
      last = err;
      continue;
    }
    try {
      await client.execute(vacuumInto(request.target, request.targetKey));
      return;
    } finally {
      client.close();
    }
  }
  throw last;
}

self.onmessage = async (event: MessageEvent<CopyRequest>) => {
  try {
    await copy(event.data);
    self.postMessage({ ok: true });
  } catch (err) {
    self.postMessage({ error: String((err as Error)?.message ?? err) });
  }
};
