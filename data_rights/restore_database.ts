/**
 * @module data_rights/restore_database
 * Rebuilds a tenant database from a verified archive in ONE write transaction: drop whatever the
 * database holds, build the schema from THIS app's own migrations up to the archive's schema
 * version, insert the archive's rows (triggers set aside meanwhile, so none fires on a restored
 * row), and put each stored file back. Any failure rolls the database back and deletes the files
 * already stored, so a refused or failed restore changes nothing. An archive from an older schema
 * is migrated forward afterwards.
 *
 * An archive is data, never code: its schema.json is not executed (an owner's upload could
 * otherwise run any SQL here, ATTACH another database included). Its rows go by bound values into
 * tables the migrations made; a table or column the app does not know refuses the archive. Each
 * document's storage key is rewritten to this workspace's, so a crafted row cannot point at
 * another workspace's file. Signing secrets and credentials are never taken from an archive
 * (data_rights/secrets.ts): portal keys start afresh, so links sent before stop working.
 */
import type { Client, Transaction } from "../db/client.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { latestVersion, loadMigrations, migrate } from "../db/migrate.ts";
import { documentKey, type FileStorage } from "../storage/mod.ts";
import { deleteBrandImage, readBrandImage, storeBrandImage } from "../customization/assets.ts";
import { decodeValue, ROWID_KEY, tablePath } from "./archive_format.ts";
import {
  ARCHIVE_LIMITS,
  type ArchiveLimits,
  ArchiveRefusedError,
  type ArchiveSource,
  readEntries,
  type VerifiedArchive,
} from "./archive_reader.ts";
import { resetSecrets } from "./secrets.ts";

const INSERT_BATCH = 200;
const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

export interface RestoreTarget {
  tenantId: string;
  db: Client;
  storage: FileStorage;
}

export interface RestoreCounts {
  tables: number;
  rows: number;
  files: number;
}

/**
 * Removes every table, index, trigger and view (virtual tables take their shadow tables). Tables
 * go newest first: a table referenced by a foreign key must outlive the tables that reference it.
 */
async function dropEverything(tx: Transaction): Promise<void> {
  const objects = await tx.execute(
    `SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND sql IS NOT NULL
     ORDER BY rowid DESC`,
  );
  const order = ["trigger", "view", "index"];
  for (const type of order) {
    for (const r of objects.rows.filter((o) => o.type === type)) {
      await tx.execute(`DROP ${type.toUpperCase()} IF EXISTS ${quoteName(String(r.name))}`);
    }
  }
  const tables = objects.rows.filter((o) => o.type === "table");
  const virtual = tables.filter((t) => /^\s*CREATE\s+VIRTUAL/i.test(String(t.sql)));
  for (const t of virtual) await tx.execute(`DROP TABLE IF EXISTS ${quoteName(String(t.name))}`);
  for (const t of tables) await tx.execute(`DROP TABLE IF EXISTS ${quoteName(String(t.name))}`);
  const seq = await tx.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'");
  if (seq.rows.length) await tx.execute("DELETE FROM sqlite_sequence");
}

/** Whether a table's rowid is one of its own columns (then `$rowid` is not inserted). */
async function rowidIsColumn(tx: Transaction, table: string): Promise<boolean> {
  const info = await tx.execute(`PRAGMA table_info(${quoteName(table)})`);
  const pk = info.rows.filter((r) => Number(r.pk) > 0);
  return pk.length === 1 && String(pk[0]!.type).toUpperCase() === "INTEGER";
}

/** Restores `archive` into `target` (a database the caller made sure may be replaced). */
export async function restoreDatabase(
  target: RestoreTarget,
  source: ArchiveSource,
  archive: VerifiedArchive,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<RestoreCounts> {
  const newest = await latestVersion("tenant");
  if (archive.manifest.app.tenant_schema_version > newest) {
    throw new ArchiveRefusedError(
      `it comes from a newer version of ProjectMeats (schema ${archive.manifest.app.tenant_schema_version}; this installation has ${newest}). Update first.`,
    );
  }
  const tablesByPath = new Map(
    archive.manifest.parts.filter((p) => p.kind === "table").map((p) => [p.path, p.name!]),
  );
  const rowsByPath = new Map(
    archive.manifest.parts.filter((p) => p.kind === "table").map((p) => [p.path, p.rows]),
  );
  const fileParts = new Map(
    archive.manifest.parts.filter((p) => p.kind === "file").map((p) => [p.path, p.name!]),
  );
  const brandParts = new Map(
    archive.manifest.parts.filter((p) => p.kind === "brand").map((p) => [p.path, p.name!]),
  );
  const stored: string[] = [];
  /** Logos and favicons this restore added (one already there is left as it was). */
  const storedBrand: string[] = [];
  const counts: RestoreCounts = { tables: 0, rows: 0, files: 0 };
  try {
    await inWriteTransaction(target.db, async (tx) => {
      await tx.execute("PRAGMA defer_foreign_keys = ON");
      await dropEverything(tx);
      const version = archive.manifest.app.tenant_schema_version;
      const migrations = (await loadMigrations("tenant")).filter((m) => m.version <= version);
      await tx.execute(
        "CREATE TABLE _migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
      );
      for (const m of migrations) await tx.executeMultiple(m.sql);
      const known = new Set(
        (await tx.execute("SELECT name FROM sqlite_master WHERE type = 'table'")).rows.map((r) =>
          String(r.name)
        ),
      );
      for (const name of tablesByPath.values()) {
        if (!known.has(name)) {
          throw new ArchiveRefusedError(`it holds a table this version does not know (${name}).`);
        }
      }
      // Triggers wait until the rows are in (none fires on a restored row).
      const triggers = (await tx.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'",
      )).rows.map((r) => ({ name: String(r.name), sql: String(r.sql) }));
      for (const t of triggers) await tx.execute(`DROP TRIGGER ${quoteName(t.name)}`);
      let table: {
        name: string;
        rowidColumn: boolean;
        rest: string;
        batch: string[];
        rows: number;
      } | null = null;
      let file: { id: string; chunks: Uint8Array[] } | null = null;
      const decoder = new TextDecoder();
      const flushRows = async (t: NonNullable<typeof table>) => {
        if (!t.batch.length) return;
        try {
          await tx.batch(t.batch.map((line) => insertStatement(t.name, line, t.rowidColumn)));
        } catch (err) {
          if (err instanceof ArchiveRefusedError) throw err;
          throw new ArchiveRefusedError(
            `a row of ${tablePath(t.name)} does not fit this version's table (${
              (err as Error).message
            }).`,
          );
        }
        counts.rows += t.batch.length;
        t.rows += t.batch.length;
        t.batch = [];
      };
      await readEntries(source, async (path, data, final) => {
        const tableName = tablesByPath.get(path);
        if (tableName !== undefined) {
          if (!table) {
            const rowidColumn = tableName === "sqlite_sequence" ||
              await rowidIsColumn(tx, tableName);
            table = { name: tableName, rowidColumn, rest: "", batch: [], rows: 0 };
            await tx.execute(`DELETE FROM ${quoteName(tableName)}`);
          }
          const lines = (table.rest + decoder.decode(data, { stream: !final })).split("\n");
          table.rest = lines.pop() ?? "";
          if (table.rest.length > limits.maxLineBytes) {
            throw new ArchiveRefusedError(`a line of ${path} is too long.`);
          }
          for (const line of lines) {
            if (!line) continue;
            table.batch.push(line);
            if (table.batch.length >= INSERT_BATCH) await flushRows(table);
          }
          if (final) {
            if (table.rest) table.batch.push(table.rest);
            await flushRows(table);
            const said = rowsByPath.get(path);
            if (said !== undefined && said !== table.rows) {
              throw new ArchiveRefusedError(
                `its manifest says ${path} holds ${said} rows, but it holds ${table.rows}.`,
              );
            }
            counts.tables++;
            table = null;
          }
          return;
        }
        const brandName = brandParts.get(path);
        if (brandName !== undefined) {
          file ??= { id: brandName, chunks: [] };
          file.chunks.push(data);
          if (final) {
            const there = await readBrandImage(target.storage, target.tenantId, brandName)
              .then(() => true, () => false);
            // Checked again as any upload is (PNG or JPEG, size); stored under the same name.
            const stored = await storeBrandImage(
              target.storage,
              target.tenantId,
              joinChunks(file.chunks),
            );
            if (!there) storedBrand.push(stored.name);
            if (stored.name !== brandName) {
              throw new ArchiveRefusedError(`the image ${path} is not the one its name says.`);
            }
            counts.files++;
            file = null;
          }
          return;
        }
        const documentId = fileParts.get(path);
        if (documentId !== undefined) {
          file ??= { id: documentId, chunks: [] };
          file.chunks.push(data);
          if (final) {
            const key = documentKey(target.tenantId, file.id);
            const type = await tx.execute({
              sql: "SELECT content_type FROM documents WHERE id = ?",
              args: [file.id],
            });
            const contentType = String(type.rows[0]?.content_type ?? "application/octet-stream");
            await target.storage.put(key, joinChunks(file.chunks), contentType);
            stored.push(key);
            counts.files++;
            file = null;
          }
        }
      }, limits);
      for (const t of triggers) await tx.execute(t.sql);
      // Every document's file lives under this workspace's key, whatever the archive said.
      if (known.has("documents")) {
        await tx.execute({
          sql: "UPDATE documents SET storage_key = ? || id",
          args: [`${target.tenantId}/`],
        });
      }
      // No signing secret or credential comes from an archive (data_rights/secrets.ts).
      await resetSecrets(tx);
      const applied = (await tx.execute("SELECT version FROM _migrations ORDER BY version")).rows
        .map((r) => Number(r.version)).join(",");
      if (applied !== migrations.map((m) => m.version).join(",")) {
        throw new ArchiveRefusedError(
          "its schema history (_migrations) does not match this installation's migrations.",
        );
      }
    });
  } catch (err) {
    for (const key of stored) await target.storage.delete(key).catch(() => {});
    for (const name of storedBrand) {
      await deleteBrandImage(target.storage, target.tenantId, name).catch(() => {});
    }
    throw err;
  }
  await migrate(target.db, "tenant");
  return counts;
}

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

function insertStatement(table: string, line: string, rowidColumn: boolean) {
  let row: Record<string, unknown>;
  try {
    row = JSON.parse(line);
  } catch {
    throw new ArchiveRefusedError(`a line of ${tablePath(table)} is not JSON.`);
  }
  const names: string[] = [];
  const values: unknown[] = [];
  for (const [name, value] of Object.entries(row)) {
    if (name === ROWID_KEY) {
      if (rowidColumn) continue;
      names.push("rowid");
    } else names.push(quoteName(name));
    values.push(decodeValue(value));
  }
  return {
    sql: `INSERT INTO ${quoteName(table)} (${names.join(", ")}) VALUES (${
      names.map(() => "?").join(", ")
    })`,
    // deno-lint-ignore no-explicit-any
    args: values as any[],
  };
}
