/**
 * @module db/encrypted
 * Local database files encrypted at rest with libSQL's `encryptionKey` (SQLite3MultipleCiphers,
 * AES-256-CBC pages with the key run through its key derivation). Measured on @libsql/client
 * 0.18 (docs/operations/security.md): the file, its WAL and its shared-memory index hold no
 * plaintext; WAL mode works; a missing or wrong key fails with SQLITE_NOTADB; `PRAGMA rekey` is
 * refused in WAL mode; `VACUUM INTO 'file:<path>?key=<new key>'` writes a consistent copy under
 * another key, from an encrypted or a plain database alike. That copy is how a database is first
 * encrypted and how it is re-keyed.
 */
import { resolve } from "node:path";
import { type Client, fileUrl, openDatabase, reopenDatabase } from "./client.ts";
import { removeIfPresent } from "./files.ts";

const SQLITE_HEADER = "SQLite format 3\0";

/** The key given does not open the database (wrong key, or a file that is not a database). */
export class DatabaseKeyError extends Error {
  constructor(readonly path: string, cause?: unknown) {
    super(
      `The database ${path} does not open with the key given: the key is wrong, or the file is ` +
        "not a database. Check ENCRYPTION_MASTER_KEY and DATA_DIR/control.key belong to this " +
        "data folder.",
      { cause },
    );
    this.name = "DatabaseKeyError";
  }
}

/** Whether `path` holds a database that is not plain SQLite (an encrypted one); false if absent. */
export function isEncryptedDatabase(path: string): Promise<boolean> {
  return settled(() => {
    const head = readHead(path);
    return head !== null && head.length > 0 && head !== SQLITE_HEADER;
  });
}

/** Whether `path` holds a plain (unencrypted) SQLite database. */
export function isPlainDatabase(path: string): Promise<boolean> {
  return settled(() => readHead(path) === SQLITE_HEADER);
}

/** `fn`'s result as a promise, or its error as a rejection (as an async function would give). */
function settled<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}

/**
 * Opens the database at `path` encrypted with `key` (created when absent). A plain database from
 * before encryption is first copied encrypted and swapped into place; nothing of it is lost.
 * `onEncrypted` is told when that happened.
 */
export async function openEncryptedDatabase(
  path: string,
  key: string,
  onEncrypted: (path: string) => void = () => {},
): Promise<Client> {
  if (await isPlainDatabase(path)) {
    await encryptPlainDatabase(path, key);
    onEncrypted(path);
  }
  try {
    return await openDatabase({ url: fileUrl(path), encryptionKey: key });
  } catch (err) {
    if (isNotADatabase(err)) throw new DatabaseKeyError(path, err);
    throw err;
  }
}

/** Encrypts a plain database file in place under `key` (it must not be open elsewhere). */
export async function encryptPlainDatabase(path: string, key: string): Promise<void> {
  const plain = await openDatabase({ url: fileUrl(path) });
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await plain.execute(vacuumInto(tmp, key));
  } catch (err) {
    plain.close();
    await removeIfPresent(tmp);
    throw err;
  }
  plain.close();
  await swapInto(tmp, path);
}

/**
 * Re-encrypts the open database `db` (file `path`) under `newKey` and reopens the same handle on
 * it: a consistent copy under the new key, the old connections closed, the copy renamed into place.
 * The caller holds `db`'s write lock (db/write_lock.ts), so no write is lost in between.
 */
export async function reencryptDatabase(db: Client, path: string, newKey: string): Promise<void> {
  const tmp = `${path}.${crypto.randomUUID()}.tmp`;
  try {
    await db.execute(vacuumInto(tmp, newKey));
  } catch (err) {
    await removeIfPresent(tmp);
    throw err;
  }
  await reopenDatabase(
    db,
    { url: fileUrl(path), encryptionKey: newKey },
    () => swapInto(tmp, path),
  );
}

/** Whether an error is SQLite's "file is not a database" (a wrong or missing key). */
export function isNotADatabase(err: unknown): boolean {
  return String((err as { code?: unknown })?.code ?? "").includes("SQLITE_NOTADB") ||
    String((err as Error)?.message ?? "").includes("SQLITE_NOTADB");
}

/** The statement that writes a consistent copy of the database into `target` under `key`. */
export function vacuumInto(target: string, key: string): string {
  if (!/^[0-9a-f]+$/.test(key)) throw new Error("Database keys are hex.");
  const uri = `file:${encodeURI(resolve(target)).replace(/[?#]/g, encodeURIComponent)}?key=${key}`;
  return `VACUUM INTO '${uri.replaceAll("'", "''")}'`;
}

/** Renames `tmp` over `path` after dropping `path`'s WAL and index, which belong to the old file. */
async function swapInto(tmp: string, path: string): Promise<void> {
  await removeIfPresent(`${path}-wal`);
  await removeIfPresent(`${path}-shm`);
  await Deno.rename(tmp, path);
}

/**
 * The first 16 bytes of a file. Read synchronously: every cold open of a tenant database asks,
 * and three asynchronous file operations cost ~0.4 ms of round trips to the runtime's blocking
 * threads where the read itself takes microseconds.
 */
function readHead(path: string): string | null {
  let file: Deno.FsFile;
  try {
    file = Deno.openSync(path, { read: true });
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
  try {
    const buf = new Uint8Array(16);
    const n = file.readSync(buf) ?? 0;
    return new TextDecoder("latin1").decode(buf.subarray(0, n));
  } finally {
    file.close();
  }
}
