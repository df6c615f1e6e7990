/**
 * @module data_rights/archive_reader
 * Reads a workspace archive as a stream, twice: `verifyArchive` hashes every entry and compares
 * it with the manifest (nothing is written), then `readEntries` hands each entry's bytes to the
 * restore. A source is a function that can start the stream again (a file, an upload, stored
 * parts), so the archive never has to sit in memory whole.
 *
 * A hostile archive (a zip bomb: a few kilobytes that expand to gigabytes, or millions of empty
 * entries; a file entry larger than any upload; a table line without an end) is stopped while it
 * streams, by `ArchiveLimits`, before its manifest (the last entry) is even read: the unzipper
 * never holds more than one push's worth of output, and nothing is written until the whole archive
 * has been proved within them.
 */
import { createHash } from "node:crypto";
import { Unzip, UnzipInflate } from "fflate";
import { InvalidError } from "../domain/errors.ts";
import { MAX_ASSET_BYTES } from "../customization/assets.ts";
import {
  type Manifest,
  MANIFEST_PATH,
  ManifestSchema,
  type SchemaEntry,
  SchemaEntrySchema,
  tablePath,
  type WorkspaceFacts,
  WorkspaceFactsSchema,
} from "./archive_format.ts";

/** Starts (again) the stream of the archive's bytes. */
export type ArchiveSource = () => AsyncIterable<Uint8Array>;

/** An archive that is damaged, incomplete or not a workspace export: nothing was written. */
export class ArchiveRefusedError extends InvalidError {
  constructor(reason: string) {
    super(`This archive cannot be restored: ${reason} Nothing was changed.`, undefined, 422);
  }
}

export interface VerifiedArchive {
  manifest: Manifest;
  schema: SchemaEntry[];
  facts: WorkspaceFacts;
}

/** What an archive may expand to; an archive past any of them is refused as it streams. */
export interface ArchiveLimits {
  /** Entries in the zip (a workspace's documents, tables and logos, each one entry). */
  maxEntries: number;
  /** Decompressed bytes of all entries together (bounds the time both passes take). */
  maxExpandedBytes: number;
  /** Decompressed bytes of one stored document (restored whole in memory). */
  maxFileBytes: number;
  /** One row of a table (a JSON line). */
  maxLineBytes: number;
}

/** The defaults: well above any export this app writes (documents are at most 20 MB by default). */
export const ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 250_000,
  maxExpandedBytes: 8 * 1024 ** 3,
  maxFileBytes: 128 * 1024 * 1024,
  maxLineBytes: 16 * 1024 * 1024,
};

const MB = (n: number) => `${Math.round(n / 1024 / 1024)} MB`;

/** The largest an entry of this path may expand to. */
function entryCap(path: string, limits: ArchiveLimits): number {
  if (SMALL_PARTS.has(path)) return 64 * 1024 * 1024;
  if (path.startsWith("files/")) return limits.maxFileBytes;
  if (path.startsWith("brand/")) return MAX_ASSET_BYTES;
  return limits.maxExpandedBytes;
}

interface EntryEvent {
  path: string;
  data: Uint8Array;
  final: boolean;
}

/** Streams the archive through the unzipper; `onEvents` gets each batch of decompressed data. */
async function unzipStream(
  source: ArchiveSource,
  onEvents: (events: EntryEvent[]) => Promise<void>,
  limits: ArchiveLimits,
): Promise<void> {
  const events: EntryEvent[] = [];
  let failure: unknown = null;
  let entries = 0;
  let expanded = 0;
  const unzip = new Unzip((file) => {
    if (failure) return;
    if (++entries > limits.maxEntries) {
      failure = new ArchiveRefusedError(
        `it has more than ${limits.maxEntries.toLocaleString("en-US")} entries.`,
      );
      return;
    }
    const cap = entryCap(file.name, limits);
    let size = 0;
    if (file.compression !== 0 && file.compression !== 8) {
      failure = new ArchiveRefusedError(`the entry ${file.name} uses an unknown compression.`);
      return;
    }
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) failure = err;
      else if ((size += data.length) > cap) {
        failure = new ArchiveRefusedError(
          `the entry ${file.name} expands to more than ${MB(cap)}.`,
        );
      } else if ((expanded += data.length) > limits.maxExpandedBytes) {
        failure = new ArchiveRefusedError(
          `it expands to more than ${MB(limits.maxExpandedBytes)} (a zip bomb, or a workspace ` +
            "too large to restore here).",
        );
      } else events.push({ path: file.name, data, final });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const flush = async () => {
    if (failure instanceof ArchiveRefusedError) throw failure;
    if (failure) {
      throw new ArchiveRefusedError(`it is damaged (${(failure as Error).message}).`);
    }
    if (events.length) await onEvents(events.splice(0, events.length));
  };
  const push = (data: Uint8Array, final = false) => {
    try {
      unzip.push(data, final);
    } catch (err) {
      throw new ArchiveRefusedError(`it is not a readable zip file (${(err as Error).message}).`);
    }
  };
  for await (const chunk of source()) {
    // Small pushes keep each batch of decompressed data small.
    for (let i = 0; i < chunk.length; i += 65536) {
      push(chunk.subarray(i, i + 65536));
      await flush();
    }
  }
  push(new Uint8Array(0), true);
  await flush();
}

const SMALL_PARTS = new Set([MANIFEST_PATH, "schema.json", "workspace.json"]);

/** Proves the archive whole (every entry's size and SHA-256 as the manifest says); writes nothing. */
export async function verifyArchive(
  source: ArchiveSource,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<VerifiedArchive> {
  const seen = new Map<string, { bytes: number; sha256: string }>();
  const small = new Map<string, Uint8Array[]>();
  const hashing = new Map<
    string,
    { hash: ReturnType<typeof createHash>; bytes: number; line: number }
  >();
  await unzipStream(source, (events) => {
    for (const e of events) {
      let h = hashing.get(e.path);
      if (!h) {
        if (seen.has(e.path)) throw new ArchiveRefusedError(`the entry ${e.path} appears twice.`);
        h = { hash: createHash("sha256"), bytes: 0, line: 0 };
        hashing.set(e.path, h);
      }
      h.hash.update(e.data);
      h.bytes += e.data.length;
      if (e.path.startsWith("tables/")) {
        h.line = longestLine(e.data, h.line, limits.maxLineBytes, e.path);
      }
      if (SMALL_PARTS.has(e.path)) {
        if (h.bytes > 64 * 1024 * 1024) throw new ArchiveRefusedError(`${e.path} is too large.`);
        small.set(e.path, [...(small.get(e.path) ?? []), e.data]);
      }
      if (e.final) {
        seen.set(e.path, { bytes: h.bytes, sha256: h.hash.digest("hex") });
        hashing.delete(e.path);
      }
    }
    return Promise.resolve();
  }, limits);
  const text = (path: string) => {
    const chunks = small.get(path);
    if (!chunks) return null;
    return new TextDecoder().decode(concat(chunks));
  };
  const manifestText = text(MANIFEST_PATH);
  if (manifestText === null) {
    throw new ArchiveRefusedError("it has no manifest.json, so it is not a ProjectMeats export.");
  }
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(manifestText));
  } catch {
    throw new ArchiveRefusedError(
      "its manifest.json is not one of a ProjectMeats workspace export (format 1).",
    );
  }
  const named = new Set(manifest.parts.map((p) => p.path));
  for (const path of seen.keys()) {
    if (path !== MANIFEST_PATH && !named.has(path)) {
      throw new ArchiveRefusedError(`the entry ${path} is not in its manifest.`);
    }
  }
  for (const part of manifest.parts) {
    // Names become table names and storage keys: only the shapes an export writes are accepted.
    const wellFormed = part.kind === "table"
      ? part.name !== undefined && part.path === tablePath(part.name)
      : part.kind === "file"
      ? /^[0-9a-z]{1,64}$/.test(part.name ?? "") && part.path === `files/${part.name}`
      : part.kind === "brand"
      ? /^[0-9a-f]{64}\.(png|jpg)$/.test(part.name ?? "") && part.path === `brand/${part.name}`
      : part.path === `${part.kind}.json`;
    if (!wellFormed) throw new ArchiveRefusedError(`the entry ${part.path} is not well formed.`);
    const found = seen.get(part.path);
    if (!found) throw new ArchiveRefusedError(`the entry ${part.path} is missing.`);
    if (found.bytes !== part.bytes || found.sha256 !== part.sha256) {
      throw new ArchiveRefusedError(`the entry ${part.path} does not match its SHA-256 digest.`);
    }
  }
  try {
    const schema = SchemaEntrySchema.array().parse(JSON.parse(text("schema.json") ?? "null"));
    const facts = WorkspaceFactsSchema.parse(JSON.parse(text("workspace.json") ?? "null"));
    return { manifest, schema, facts };
  } catch {
    throw new ArchiveRefusedError("its schema.json or workspace.json cannot be read.");
  }
}

/**
 * Streams every entry again: `onData(path, bytes, final)` for each decompressed piece, awaited in
 * order. Call only after `verifyArchive` accepted the same source.
 */
export async function readEntries(
  source: ArchiveSource,
  onData: (path: string, data: Uint8Array, final: boolean) => Promise<void>,
  limits: ArchiveLimits = ARCHIVE_LIMITS,
): Promise<void> {
  await unzipStream(source, async (events) => {
    for (const e of events) await onData(e.path, e.data, e.final);
  }, limits);
}

/**
 * The length of the line still open after `data`, given the `open` one before it; refuses a line
 * longer than `max` (a table row is one line: one without an end would be held whole).
 */
function longestLine(data: Uint8Array, open: number, max: number, path: string): number {
  let from = 0;
  for (;;) {
    const at = data.indexOf(10, from);
    const run = open + ((at < 0 ? data.length : at) - from);
    if (run > max) {
      throw new ArchiveRefusedError(`a line of ${path} is longer than ${MB(max)}.`);
    }
    if (at < 0) return run;
    open = 0;
    from = at + 1;
  }
}

/** Joins byte chunks into one array. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) (out.set(c, at), (at += c.length));
  return out;
}

/** A source reading a file on this machine (the operator's restore command). */
export function fileSource(path: string): ArchiveSource {
  return async function* () {
    // The readable closes the file when it ends or is cancelled.
    const file = await Deno.open(path, { read: true });
    for await (const chunk of file.readable) yield chunk;
  };
}

/** A source over bytes or a Blob already at hand (an upload). */
export function blobSource(blob: Blob): ArchiveSource {
  return async function* () {
    for await (const chunk of blob.stream()) yield chunk;
  };
}

/** A source over bytes in memory (tests, small archives). */
export function bytesSource(bytes: Uint8Array): ArchiveSource {
  return async function* () {
    yield bytes;
  };
}
