/**
 * @module customization/document/store
 * The tenant's configuration in its own database: the current version, every earlier version
 * with who, when, the whole document and its diff, changes applied atomically against an
 * expected version (compare and set in one write transaction), and rollback as a new version.
 * Each change bumps the tenant's change counter in the same transaction, which is how every
 * process's cache of the configuration learns of it (customization/cache.ts).
 */
import type { Client } from "../../db/client.ts";
import { type Executor, inWriteTransaction } from "../../db/transaction.ts";
import { firstRow } from "../../db/first_row.ts";
import { AppError, NotFoundError } from "../../domain/errors.ts";
import { markChanged } from "../../domain/records/changes.ts";
import { type ConfigurationChange, diffConfiguration } from "./diff.ts";
import { validConfiguration } from "./parse.ts";
import { type Configuration, DEFAULT_CONFIGURATION } from "./schema.ts";

/** A configuration at a version. */
export interface VersionedConfiguration {
  version: number;
  document: Configuration;
}

/** One row of the history, newest first in lists. */
export interface ConfigurationVersion {
  version: number;
  kind: "change" | "rollback";
  rolled_back_to: number | null;
  changed_at: string;
  changed_by: string | null;
  changed_by_email: string | null;
  changes: ConfigurationChange[];
}

/** Who applies a change, and when (the clock of Services). */
export interface ChangeAuthor {
  userId: string | null;
  email: string | null;
  now: Date;
}

/** The `If-Match` version is not the current one: 412, nothing written. */
export class StaleVersionError extends AppError {
  constructor(expected: number, current: number) {
    super(
      "conflict",
      412,
      `The configuration changed since version ${expected}; it is at version ${current} now. ` +
        "Reload it, apply your change again and send If-Match with the new version.",
      { expected_version: expected, current_version: current },
    );
  }
}

/** Stored documents are read through the schema, so keys added later get their defaults. */
function readDocument(text: string): Configuration {
  return validConfiguration(JSON.parse(text));
}

/** The tenant's current configuration (version 0 and the defaults before any change). */
export async function currentConfiguration(db: Executor): Promise<VersionedConfiguration> {
  // One row by construction: read alone (db/first_row.ts).
  const row = await firstRow(db, "SELECT version, document FROM configuration WHERE id = 1");
  if (!row) return { version: 0, document: DEFAULT_CONFIGURATION };
  return { version: Number(row.version), document: readDocument(String(row.document)) };
}

/** The document of one version, or null when the tenant never had it. */
export async function configurationAt(
  db: Executor,
  version: number,
): Promise<Configuration | null> {
  if (version === 0) return DEFAULT_CONFIGURATION;
  const rs = await db.execute({
    sql: "SELECT document FROM configuration_versions WHERE version = ?",
    args: [version],
  });
  const row = rs.rows[0];
  return row ? readDocument(String(row.document)) : null;
}

/** The history, newest first. */
export async function configurationHistory(
  db: Executor,
  limit = 100,
): Promise<ConfigurationVersion[]> {
  const rs = await db.execute({
    sql: `SELECT version, kind, rolled_back_to, changed_at, changed_by, changed_by_email, diff
          FROM configuration_versions ORDER BY version DESC LIMIT ?`,
    args: [limit],
  });
  return rs.rows.map((r) => ({
    version: Number(r.version),
    kind: String(r.kind) as "change" | "rollback",
    rolled_back_to: r.rolled_back_to === null ? null : Number(r.rolled_back_to),
    changed_at: String(r.changed_at),
    changed_by: r.changed_by === null ? null : String(r.changed_by),
    changed_by_email: r.changed_by_email === null ? null : String(r.changed_by_email),
    changes: JSON.parse(String(r.diff)),
  }));
}

/** The outcome of applying: the new version (unchanged when the document was the same). */
export interface Applied extends VersionedConfiguration {
  changes: ConfigurationChange[];
  /** False when the document equalled the current one: no version was written. */
  changed: boolean;
}

async function writeVersion(
  db: Client,
  next: Configuration,
  expectedVersion: number | null,
  author: ChangeAuthor,
  rollbackTo: number | null,
): Promise<Applied> {
  return await inWriteTransaction(db, async (tx) => {
    // Read raw, not through the schema: a stored document that no longer validates can still be
    // replaced or rolled back (that is how an admin repairs it).
    const rs = await tx.execute("SELECT version, document FROM configuration WHERE id = 1");
    const row = rs.rows[0];
    const current = row
      ? { version: Number(row.version), document: JSON.parse(String(row.document)) as unknown }
      : { version: 0, document: DEFAULT_CONFIGURATION as unknown };
    if (expectedVersion !== null && expectedVersion !== current.version) {
      throw new StaleVersionError(expectedVersion, current.version);
    }
    const changes = diffConfiguration(current.document, next);
    if (changes.length === 0) {
      return { version: current.version, document: next, changes, changed: false };
    }
    const version = current.version + 1;
    const text = JSON.stringify(next);
    const at = author.now.toISOString();
    await tx.execute({
      sql: `INSERT INTO configuration_versions
              (version, document, diff, kind, rolled_back_to, changed_at, changed_by, changed_by_email)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      args: [
        version,
        text,
        JSON.stringify(changes),
        rollbackTo === null ? "change" : "rollback",
        rollbackTo,
        at,
        author.userId,
        author.email,
      ],
    });
    await tx.execute({
      sql: `INSERT INTO configuration (id, version, document, changed_at, changed_by)
            VALUES (1, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET version = excluded.version, document = excluded.document,
              changed_at = excluded.changed_at, changed_by = excluded.changed_by`,
      args: [version, text, at, author.userId],
    });
    await markChanged(tx);
    return { version, document: next, changes, changed: true };
  });
}

/**
 * Validates `value` and makes it the current configuration, atomically, if the current version is
 * still `expectedVersion` (null: whatever it is). A bad document throws 400 and writes nothing.
 */
export function applyConfiguration(
  db: Client,
  value: unknown,
  expectedVersion: number | null,
  author: ChangeAuthor,
): Promise<Applied> {
  return writeVersion(db, validConfiguration(value), expectedVersion, author, null);
}

/** Makes an earlier version's document current again, as a new version. */
export async function rollbackConfiguration(
  db: Client,
  toVersion: number,
  author: ChangeAuthor,
): Promise<Applied> {
  const document = await configurationAt(db, toVersion);
  if (!document) throw new NotFoundError(`There is no configuration version ${toVersion}.`);
  return writeVersion(db, document, null, author, toVersion);
}
