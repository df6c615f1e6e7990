/**
 * @module db/client
 * Opens libSQL clients the one safe way on these machines: with a busy timeout, WAL and foreign keys.
 * Without a timeout a SQLITE_BUSY leaves a client that reports writes it then loses (RECIPES.md).
 */
import { type Client, createClient } from "@libsql/client";

export type { Client, InStatement, ResultSet, Row, Transaction } from "@libsql/client";

export interface OpenOptions {
  /** `file:` path, or a remote URL for embedded replicas (see tenants/turso_provider.ts). */
  url: string;
  syncUrl?: string;
  authToken?: string;
  syncInterval?: number;
  encryptionKey?: string;
}

const BUSY_TIMEOUT_MS = 5000;

/** Opens a client, applies WAL and foreign keys, and returns it ready for use. */
export async function openDatabase(options: OpenOptions): Promise<Client> {
  const client = createClient({ ...options, timeout: BUSY_TIMEOUT_MS });
  try {
    // Embedded replicas manage their own local file; journal settings belong to the primary.
    if (options.url.startsWith("file:") && !options.syncUrl) {
      await client.execute("PRAGMA journal_mode=WAL");
      await client.execute("PRAGMA synchronous=NORMAL");
    }
    await client.execute("PRAGMA foreign_keys=ON");
    return client;
  } catch (err) {
    client.close();
    throw err;
  }
}

/** Converts a local path into a libSQL `file:` URL. */
export function fileUrl(path: string): string {
  return `file:${path}`;
}

/** Reads column `name` of the first row as a string or null: spares callers casting libSQL values. */
export function firstString(rs: { rows: Array<Record<string, unknown>> }, name: string) {
  const v = rs.rows[0]?.[name];
  return v === undefined || v === null ? null : String(v);
}
