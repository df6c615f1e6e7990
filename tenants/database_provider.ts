/**
 * @module tenants/database_provider
 * Where tenant databases live. The local provider keeps one SQLite file per tenant under
 * `DATA_DIR/tenants/`; the Turso provider (turso_provider.ts) creates databases through the Turso
 * Platform API and opens them as embedded replicas. Provisioning and the pool only see this interface.
 */
import { join } from "node:path";
import { type Client, fileUrl, openDatabase } from "../db/client.ts";
import { DatabaseKeyError, openEncryptedDatabase, reencryptDatabase } from "../db/encrypted.ts";
import { withWriteLock } from "../db/write_lock.ts";
import type { SchemaTemplate } from "../db/schema_template.ts";
import { databaseKeyOf, type TenantKeys } from "../crypto/tenant_keys.ts";

/** What the control database records about a tenant's storage (null for the local default). */
export type TenantDbLocation = string | null;

export interface TenantDatabaseProvider {
  readonly kind: "local" | "turso";
  /** Creates an empty database for the tenant; returns its location to store on the tenant row. */
  create(tenantId: string): Promise<TenantDbLocation>;
  /**
   * Creates the tenant's database with every tenant migration of this build already in it, where
   * the provider can do that faster than migrating an empty one (signup). Callers still run the
   * migrations, which then find nothing to do.
   */
  createMigrated?(tenantId: string): Promise<TenantDbLocation>;
  /** Opens a client for a tenant database that exists. */
  open(tenantId: string, location: TenantDbLocation): Promise<Client>;
  /** Removes the tenant's database and every file of it (rollback of a failed signup). */
  destroy(tenantId: string, location: TenantDbLocation): Promise<void>;
}

/** Tenant ids are ULIDs; refusing anything else keeps a path from ever leaving the data folder. */
export function assertSafeTenantId(tenantId: string): void {
  if (!/^[0-9a-z]{26}$/.test(tenantId)) throw new Error(`Bad tenant id: ${tenantId}`);
}

/**
 * One SQLite file per tenant in `dir`: the embedded default. With `keys`, each file is encrypted
 * with the tenant's own data key (crypto/tenant_keys.ts), and a plain file from before encryption
 * is encrypted when first opened; `onEncrypted` tells the log.
 */
export class LocalDatabaseProvider implements TenantDatabaseProvider {
  readonly kind = "local";
  /**
   * With `template`, createMigrated copies it (db/schema_template.ts); without, it creates an
   * empty database as `create` does, which the caller's migrations then fill.
   */
  constructor(
    readonly dir: string,
    readonly keys?: TenantKeys,
    readonly onEncrypted: (path: string) => void = () => {},
    readonly template?: SchemaTemplate,
  ) {}

  /** Path of a tenant's database file. */
  pathOf(tenantId: string): string {
    assertSafeTenantId(tenantId);
    return join(this.dir, `${tenantId}.db`);
  }

  async create(tenantId: string): Promise<TenantDbLocation> {
    await Deno.mkdir(this.dir, { recursive: true });
    const client = await this.open(tenantId);
    client.close();
    return null;
  }

  async createMigrated(tenantId: string): Promise<TenantDbLocation> {
    if (!this.template) return await this.create(tenantId);
    await Deno.mkdir(this.dir, { recursive: true });
    const key = this.keys ? await databaseKeyOf(await this.keys.current(tenantId)) : undefined;
    try {
      await this.template.copyTo(this.pathOf(tenantId), {
        key,
        appliedAt: new Date().toISOString(),
      });
    } catch (err) {
      // The key was made for this new database; without the database it would only linger.
      await this.keys?.destroy(tenantId);
      throw err;
    }
    return null;
  }

  async open(tenantId: string): Promise<Client> {
    const path = this.pathOf(tenantId);
    if (!this.keys) return await openDatabase({ url: fileUrl(path) });
    const current = await this.keys.current(tenantId);
    try {
      return await openEncryptedDatabase(path, await databaseKeyOf(current), this.onEncrypted);
    } catch (err) {
      if (!(err instanceof DatabaseKeyError)) throw err;
      // Another process rotated the key, or a rotation stopped before its swap: every version,
      // read fresh from the control database, newest first.
      for (const key of await this.keys.all(tenantId)) {
        try {
          return await openEncryptedDatabase(path, await databaseKeyOf(key));
        } catch (retry) {
          if (!(retry instanceof DatabaseKeyError)) throw retry;
        }
      }
      throw err;
    }
  }

  /**
   * Re-encrypts the tenant's open database `db` under a new data key version while it keeps
   * serving: under its write lock, a copy under the new key is swapped in and `db` reopened on it.
   */
  async rotateKey(tenantId: string, db: Client): Promise<number> {
    if (!this.keys) throw new Error("Tenant databases are not encrypted here (no key store).");
    const keys = this.keys;
    return await withWriteLock(db, async () => {
      const next = await keys.addVersion(tenantId);
      await reencryptDatabase(db, this.pathOf(tenantId), await databaseKeyOf(next));
      return next.version;
    });
  }

  async destroy(tenantId: string): Promise<void> {
    const base = this.pathOf(tenantId);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) {
      await Deno.remove(base + suffix).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
    await this.keys?.destroy(tenantId);
  }
}
