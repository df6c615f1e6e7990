/**
 * @module data_rights/archive_writer
 * Writes a workspace archive (archive_format.ts) as a stream of zip bytes handed to a sink a
 * chunk at a time. Tables are read a page of rows at a time inside one read transaction (a
 * consistent snapshot while the workspace keeps working) and each stored file is read alone, so
 * memory holds one page or one file plus the sink's buffer, never the whole archive.
 *
 * Every table of the tenant database is found in its schema, never listed by hand: tables that
 * later migrations add (the security log, anything new) come along by themselves. Signing secrets
 * and credentials are the exception (data_rights/secrets.ts): those tables are written empty and
 * those columns blank.
 */
import { createHash, type Hash } from "node:crypto";
import { Zip, ZipDeflate, ZipPassThrough } from "fflate";
import type { Client, Transaction } from "../db/client.ts";
import { FileMissingError, type FileStorage } from "../storage/mod.ts";
import { readBrandImage } from "../customization/assets.ts";
import { NotFoundError } from "../domain/errors.ts";
import {
  ARCHIVE_FORMAT,
  ARCHIVE_VERSION,
  type ArchivePart,
  encodeValue,
  type Manifest,
  MANIFEST_PATH,
  ROWID_KEY,
  type SchemaEntry,
  tablePath,
  type WorkspaceFacts,
} from "./archive_format.ts";
import { LEFT_OUT_TABLES, redactRow } from "./secrets.ts";

/** Rows read per query: a page of a big table in memory at once. */
const PAGE_ROWS = 500;

export interface ArchiveInput {
  /** The tenant database (a pool lease); read inside one read transaction. */
  db: Client;
  storage: FileStorage;
  facts: WorkspaceFacts;
  tenantSchemaVersion: number;
  now: Date;
  /** Called after each part with steps done and the total (tables + files + 1). */
  onProgress?: (done: number, total: number) => Promise<void>;
  signal?: AbortSignal;
}

/** Receives the archive's bytes in order. */
export type ArchiveSink = (chunk: Uint8Array) => Promise<void>;

export interface ArchiveSummary {
  manifest: Manifest;
  bytes: number;
  sha256: string;
}

/** A table is dumped with its hidden rowid unless it has none (WITHOUT ROWID, virtual). */
function tableShape(entry: SchemaEntry): "rowid" | "without_rowid" | "virtual" {
  const sql = entry.sql ?? "";
  if (/^\s*CREATE\s+VIRTUAL\s+TABLE/i.test(sql)) return "virtual";
  if (/\)\s*WITHOUT\s+ROWID\s*(,|$)/i.test(sql) || /WITHOUT\s+ROWID\s*;?\s*$/i.test(sql)) {
    return "without_rowid";
  }
  return "rowid";
}

/** Reads the tenant database's schema: every table, index, trigger and view, in creation order. */
export async function readSchema(db: Client | Transaction): Promise<SchemaEntry[]> {
  const rs = await db.execute(
    `SELECT type, name, tbl_name, sql FROM sqlite_master
     WHERE name NOT LIKE 'sqlite_%' AND type IN ('table', 'index', 'trigger', 'view')
     ORDER BY rowid`,
  );
  return rs.rows.map((r) => ({
    type: String(r.type) as SchemaEntry["type"],
    name: String(r.name),
    tbl_name: String(r.tbl_name),
    sql: r.sql === null ? null : String(r.sql),
  }));
}

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Writes the whole archive to `sink`; returns its manifest, size and SHA-256. */
export async function writeWorkspaceArchive(
  input: ArchiveInput,
  sink: ArchiveSink,
): Promise<ArchiveSummary> {
  const pending: Uint8Array[] = [];
  const whole = createHash("sha256");
  let bytes = 0;
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else pending.push(chunk);
  });
  const drain = async () => {
    if (failure) throw failure;
    while (pending.length) {
      const chunk = pending.shift()!;
      whole.update(chunk);
      bytes += chunk.length;
      await sink(chunk);
    }
  };
  const parts: ArchivePart[] = [];
  const encoder = new TextEncoder();

  /** Adds one entry; `fill` pushes its content through `write`. */
  const addEntry = async (
    part: Omit<ArchivePart, "bytes" | "sha256">,
    fill: (write: (data: Uint8Array) => Promise<void>) => Promise<void>,
    compress = true,
  ) => {
    input.signal?.throwIfAborted();
    const entry = compress
      ? new ZipDeflate(part.path, { level: 6 })
      : new ZipPassThrough(part.path);
    entry.mtime = input.now;
    zip.add(entry);
    const hash: Hash = createHash("sha256");
    let size = 0;
    await fill(async (data) => {
      hash.update(data);
      size += data.length;
      entry.push(data);
      await drain();
    });
    entry.push(new Uint8Array(0), true);
    await drain();
    parts.push({ ...part, bytes: size, sha256: hash.digest("hex") });
  };

  const tx = await input.db.transaction("read");
  try {
    const schema = await readSchema(tx);
    const tables = schema.filter((e) => e.type === "table" && tableShape(e) !== "virtual");
    const hasSequence = (await tx.execute(
      "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'",
    )).rows.length > 0;
    const documents = schema.some((e) => e.type === "table" && e.name === "documents")
      ? (await tx.execute("SELECT id, storage_key FROM documents ORDER BY id")).rows.map((r) => ({
        id: String(r.id),
        key: String(r.storage_key),
      }))
      : [];
    // Logos and favicons are named (by their SHA-256) in the configuration and its history.
    const brandNames = new Set<string>();
    for (const table of ["configuration", "configuration_versions"]) {
      if (!tables.some((t) => t.name === table)) continue;
      const rs = await tx.execute(`SELECT document FROM ${table}`);
      for (const r of rs.rows) {
        for (const m of String(r.document).matchAll(/[0-9a-f]{64}\.(?:png|jpg)/g)) {
          brandNames.add(m[0]);
        }
      }
    }
    const total = tables.length + (hasSequence ? 1 : 0) + documents.length + brandNames.size + 1;
    let done = 0;
    const step = async () => await input.onProgress?.(++done, total);

    await addEntry({ path: "workspace.json", kind: "workspace" }, async (write) => {
      await write(encoder.encode(JSON.stringify(input.facts, null, 2)));
    });
    await addEntry({ path: "schema.json", kind: "schema" }, async (write) => {
      await write(encoder.encode(JSON.stringify(schema, null, 2)));
    });
    await step();

    const dumpTable = async (name: string, shape: "rowid" | "without_rowid") => {
      let rows = 0;
      const part = { path: tablePath(name), kind: "table" as const, name };
      await addEntry(part, async (write) => {
        // Signing secrets never leave the workspace: the table is there, its rows are not.
        if (LEFT_OUT_TABLES.has(name)) return;
        let after: unknown = null;
        for (let offset = 0;; offset += PAGE_ROWS) {
          input.signal?.throwIfAborted();
          const rs = shape === "rowid"
            ? await tx.execute({
              sql: `SELECT rowid AS "${ROWID_KEY}", * FROM ${quoteName(name)}
                    ${after === null ? "" : "WHERE rowid > ?"} ORDER BY rowid LIMIT ${PAGE_ROWS}`,
              args: after === null ? [] : [after as number],
            })
            : await tx.execute(
              `SELECT * FROM ${quoteName(name)} LIMIT ${PAGE_ROWS} OFFSET ${offset}`,
            );
          if (rs.rows.length === 0) break;
          let text = "";
          for (const row of rs.rows) {
            const raw: Record<string, unknown> = {};
            rs.columns.forEach((col, i) => (raw[col] = row[i]));
            const line: Record<string, unknown> = {};
            for (const [col, value] of Object.entries(redactRow(name, raw))) {
              line[col] = encodeValue(value);
            }
            text += JSON.stringify(line) + "\n";
          }
          rows += rs.rows.length;
          if (shape === "rowid") after = rs.rows.at(-1)![0];
          await write(encoder.encode(text));
          if (rs.rows.length < PAGE_ROWS) break;
        }
      });
      parts.at(-1)!.rows = rows;
      await step();
    };
    for (const table of tables) {
      await dumpTable(table.name, tableShape(table) === "rowid" ? "rowid" : "without_rowid");
    }
    if (hasSequence) await dumpTable("sqlite_sequence", "without_rowid");

    for (const doc of documents) {
      const bytesOfFile = await input.storage.get(doc.key);
      // Stored files (PDFs, images) are compressed already: stored as they are.
      await addEntry(
        { path: `files/${doc.id}`, kind: "file", name: doc.id },
        (write) => write(bytesOfFile),
        false,
      );
      await step();
    }
    for (const name of [...brandNames].sort()) {
      let image: Uint8Array;
      try {
        image = (await readBrandImage(input.storage, input.facts.id, name)).bytes;
      } catch (err) {
        // Named in an old version of the configuration but never uploaded (or refused since).
        if (err instanceof NotFoundError || err instanceof FileMissingError) continue;
        throw err;
      }
      await addEntry(
        { path: `brand/${name}`, kind: "brand", name },
        (write) => write(image),
        false,
      );
      await step();
    }
  } finally {
    tx.close();
  }

  const manifest: Manifest = {
    format: ARCHIVE_FORMAT,
    format_version: ARCHIVE_VERSION,
    app: {
      name: "ProjectMeats",
      version: `tenant-schema-${input.tenantSchemaVersion}`,
      tenant_schema_version: input.tenantSchemaVersion,
    },
    workspace: { id: input.facts.id, slug: input.facts.slug, name: input.facts.name },
    created_at: input.now.toISOString(),
    parts,
  };
  const manifestEntry = new ZipDeflate(MANIFEST_PATH, { level: 6 });
  manifestEntry.mtime = input.now;
  zip.add(manifestEntry);
  manifestEntry.push(encoder.encode(JSON.stringify(manifest, null, 2)), true);
  zip.end();
  await drain();
  return { manifest, bytes, sha256: whole.digest("hex") };
}
