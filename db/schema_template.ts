/**
 * @module db/schema_template
 * A new database made by copying a template that already holds every migration of a set, instead
 * of running the migrations on it. Migrating an empty tenant database runs some 24 files of DDL
 * (~200 tables, indexes and triggers; each `ALTER` makes SQLite parse the whole schema again) and
 * took 36-45 ms of a 66 ms signup; copying the template's file and encrypting the copy in place
 * takes a few. The copy is the same database the migrations would give: the same schema and rows
 * (`db/schema_template_test.ts` compares them), with `_migrations.applied_at` set to the copy's time.
 *
 * The template lives in its own folder of the data folder, named by a digest of the migrations, so
 * a build with other migrations makes (and uses) another one. It holds no tenant's data, only the
 * schema, so it is a plain file; each copy is encrypted under its tenant's key before it gets its
 * final name, and synced to disk first, so a tenant row never points at a half-written file.
 */
import { join } from "node:path";
import Database from "libsql";
import { fileUrl, openDatabase } from "./client.ts";
import { pathExists, removeIfPresent, syncFile } from "./files.ts";
import { loadMigrations, migrate, type MigrationSet } from "./migrate.ts";

/** What this module uses of libsql's native connection (no settings of db/client.ts applied). */
interface RawDatabase {
  exec(sql: string): void;
  prepare(sql: string): { run(args: unknown[]): unknown };
  close(): void;
}
const RawDatabase = Database as unknown as new (
  path: string,
  options: Record<string, unknown>,
) => RawDatabase;

export class SchemaTemplate {
  #built: Promise<string> | null = null;

  /** `dir`: the templates' folder; building one removes the set's templates of other migrations. */
  constructor(readonly dir: string, readonly set: MigrationSet) {}

  /**
   * The template's path, built on first use; one that another process built for the same
   * migrations is reused.
   */
  path(): Promise<string> {
    if (!this.#built) {
      this.#built = this.#build();
      // A failed build (a full disk) is tried again by the next caller, not remembered.
      this.#built.catch(() => (this.#built = null));
    }
    return this.#built;
  }

  /**
   * Writes a new database at `target` holding every migration of the set, encrypted under `key`
   * (hex, as db/encrypted.ts takes it) when one is given, in WAL mode, synced to disk. Refuses to
   * replace a file that is already at `target`. `appliedAt` becomes the migrations' applied_at.
   */
  async copyTo(target: string, opts: { key?: string; appliedAt: string }): Promise<void> {
    if (opts.key !== undefined && !/^[0-9a-f]+$/.test(opts.key)) {
      throw new Error("Database keys are hex.");
    }
    const tmp = `${target}.${crypto.randomUUID()}.tmp`;
    try {
      await this.#copyTemplate(tmp);
      // journal_mode=OFF and synchronous=OFF: the copy has no reader and no name yet; if the
      // machine stops halfway, what is left is a .tmp file no tenant refers to. One sync below
      // makes it durable before it is named.
      const db = new RawDatabase(tmp, { timeout: 0 });
      try {
        db.exec("PRAGMA journal_mode=OFF");
        db.exec("PRAGMA synchronous=OFF");
        db.prepare("UPDATE _migrations SET applied_at = ?").run([opts.appliedAt]);
        // SQLite3MultipleCiphers encrypts every page of a database that is not in WAL mode.
        if (opts.key !== undefined) db.exec(`PRAGMA rekey='${opts.key}'`);
        db.exec("PRAGMA journal_mode=WAL");
      } finally {
        db.close();
      }
      await syncFile(tmp);
      // A hard link fails when the target exists: a tenant's database is never replaced.
      await Deno.link(tmp, target);
    } finally {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) await removeIfPresent(tmp + suffix);
    }
  }

  async #copyTemplate(to: string): Promise<void> {
    try {
      await Deno.copyFile(await this.path(), to);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
      // Another process's build of other migrations removed it (a rolling deploy): make it again.
      this.#built = null;
      await Deno.copyFile(await this.path(), to);
    }
  }

  async #build(): Promise<string> {
    const name = `${this.set}-${await migrationsDigest(this.set)}.db`;
    const path = join(this.dir, name);
    if (await pathExists(path)) return path;
    await Deno.mkdir(this.dir, { recursive: true });
    const tmp = `${path}.${crypto.randomUUID()}.tmp`;
    try {
      const db = await openDatabase({ url: fileUrl(tmp) });
      try {
        await migrate(db, this.set);
        // A rollback journal: the file alone is the whole database, ready to be copied.
        await db.execute("PRAGMA journal_mode=DELETE");
      } finally {
        db.close();
      }
      await syncFile(tmp);
      await Deno.rename(tmp, path);
    } finally {
      for (const suffix of ["", "-wal", "-shm", "-journal"]) await removeIfPresent(tmp + suffix);
    }
    // Templates of other migrations are no use to this build (another process's file being built
    // has a temporary name and is left alone).
    const finished = new RegExp(`^${this.set}-[0-9a-f]{16}\\.db$`);
    for await (const entry of Deno.readDir(this.dir)) {
      if (entry.name !== name && finished.test(entry.name)) {
        await removeIfPresent(join(this.dir, entry.name));
      }
    }
    return path;
  }
}

/**
 * A digest of a set's migrations (numbers, names and SQL): a build with other migrations names its
 * template otherwise.
 */
export async function migrationsDigest(set: MigrationSet): Promise<string> {
  const text = (await loadMigrations(set)).map((m) => `${m.version}\0${m.name}\0${m.sql}`)
    .join("\0\0");
  const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(hash).slice(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
