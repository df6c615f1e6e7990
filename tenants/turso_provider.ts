/**
 * @module tenants/turso_provider
 * Tenant databases on Turso: created through the Platform API at signup, opened as embedded
 * replicas (a local file under DATA_DIR/replicas kept in sync with the primary), so reads are
 * local to the Fly machine and writes go to the primary. `createDatabaseProvider` picks this or
 * the local-file default from the configuration.
 */
import { join } from "node:path";
import type { Config } from "../config.ts";
import { type Client, fileUrl, openDatabase, type OpenOptions } from "../db/client.ts";
import { isNotADatabase } from "../db/encrypted.ts";
import { SchemaTemplate } from "../db/schema_template.ts";
import {
  assertSafeTenantId,
  LocalDatabaseProvider,
  type TenantDatabaseProvider,
  type TenantDbLocation,
} from "./database_provider.ts";
import { TursoPlatform } from "./turso_platform.ts";
import { databaseKeyOf, type TenantKeys } from "../crypto/tenant_keys.ts";

export interface TursoProviderOptions {
  platform: TursoPlatform;
  group: string;
  prefix: string;
  replicaDir: string;
  syncIntervalSeconds: number;
  encryptionKey?: string;
  /** Per-tenant data keys: each replica file is encrypted with its tenant's own key instead. */
  keys?: TenantKeys;
  /** One token for every database of the group; without it a token is minted per database. */
  groupAuthToken?: string;
  /** Opens the client; tests replace it because a replica cannot open without a sync server. */
  openClient?: (options: OpenOptions) => Promise<Client>;
}

export class TursoDatabaseProvider implements TenantDatabaseProvider {
  readonly kind = "turso";
  #tokens = new Map<string, string>();
  constructor(readonly options: TursoProviderOptions) {}

  /** The Turso database name of a tenant. */
  nameOf(tenantId: string): string {
    assertSafeTenantId(tenantId);
    return `${this.options.prefix}${tenantId}`;
  }

  async create(tenantId: string): Promise<TenantDbLocation> {
    const db = await this.options.platform.createDatabase(
      this.nameOf(tenantId),
      this.options.group,
    );
    return `libsql://${db.hostname}`;
  }

  async open(tenantId: string, location: TenantDbLocation): Promise<Client> {
    if (!location) {
      throw new Error(
        `Tenant ${tenantId} has no Turso location recorded: its database is still a local file. ` +
          "Run `deno task tenants:move-to-turso` (docs/operations/turso.md).",
      );
    }
    await Deno.mkdir(this.options.replicaDir, { recursive: true });
    const open = this.options.openClient ?? openDatabase;
    const options = {
      url: fileUrl(join(this.options.replicaDir, `${tenantId}.db`)),
      syncUrl: location,
      authToken: await this.#token(tenantId),
      syncInterval: this.options.syncIntervalSeconds || undefined,
      encryptionKey: this.options.keys
        ? await databaseKeyOf(await this.options.keys.current(tenantId))
        : this.options.encryptionKey,
    };
    let client: Client;
    try {
      client = await open(options);
    } catch (err) {
      if (!isNotADatabase(err)) throw err;
      // The replica was written under another key (before per-tenant keys, or a rotation): it is
      // only a copy of the primary, so drop it and pull it again under the current key.
      await this.#removeReplica(tenantId);
      client = await open(options);
    }
    // Pull the primary's state before the first query, so a new machine never reads stale data.
    await client.sync();
    return client;
  }

  /**
   * A client on the tenant's primary itself, no replica: for copying a local database into it
   * (tenants/tenant_move.ts), where every write goes to the primary anyway.
   */
  async openPrimary(tenantId: string, location: string): Promise<Client> {
    const open = this.options.openClient ?? openDatabase;
    return await open({ url: location, authToken: await this.#token(tenantId) });
  }

  async #removeReplica(tenantId: string): Promise<void> {
    const base = join(this.options.replicaDir, `${tenantId}.db`);
    for (const suffix of ["", "-wal", "-shm", "-info", "-client_wal_index"]) {
      await Deno.remove(base + suffix).catch(() => {});
    }
  }

  async destroy(tenantId: string): Promise<void> {
    await this.options.platform.deleteDatabase(this.nameOf(tenantId));
    this.#tokens.delete(tenantId);
    await this.#removeReplica(tenantId);
    await this.options.keys?.destroy(tenantId);
  }

  async #token(tenantId: string): Promise<string> {
    if (this.options.groupAuthToken) return this.options.groupAuthToken;
    let token = this.#tokens.get(tenantId);
    if (!token) {
      token = await this.options.platform.createDatabaseToken(this.nameOf(tenantId));
      this.#tokens.set(tenantId, token);
    }
    return token;
  }
}

/**
 * Local files by default; Turso when TURSO_ORG and TURSO_API_TOKEN are both set. With `keys`
 * every tenant database (or local replica) is encrypted with the tenant's own key.
 */
export function createDatabaseProvider(
  config: Config,
  keys?: TenantKeys,
  onEncrypted?: (path: string) => void,
): TenantDatabaseProvider {
  const org = config.TURSO_ORG;
  const token = config.TURSO_API_TOKEN;
  if (!org && !token) {
    return new LocalDatabaseProvider(
      join(config.DATA_DIR, "tenants"),
      keys,
      onEncrypted,
      new SchemaTemplate(join(config.DATA_DIR, "templates"), "tenant"),
    );
  }
  if (!org || !token) {
    throw new Error(
      "Set both TURSO_ORG and TURSO_API_TOKEN to use Turso, or neither for local files.",
    );
  }
  return new TursoDatabaseProvider({
    platform: new TursoPlatform({ apiUrl: config.TURSO_API_URL, org, apiToken: token }),
    group: config.TURSO_GROUP,
    prefix: config.TURSO_DB_PREFIX,
    replicaDir: join(config.DATA_DIR, "replicas"),
    syncIntervalSeconds: config.TURSO_SYNC_INTERVAL_SECONDS,
    encryptionKey: config.TURSO_ENCRYPTION_KEY,
    keys,
    groupAuthToken: config.TURSO_GROUP_AUTH_TOKEN,
  });
}
