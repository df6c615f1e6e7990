/**
 * @module tenants/database_provider
 * Where tenant databases live. The local provider keeps one SQLite file per tenant under
 * `DATA_DIR/tenants/`; the Turso provider (turso_provider.ts) creates databases through the Turso
 * Platform API and opens them as embedded replicas. Provisioning and the pool only see this interface.
 */
import { join } from "node:path";
import { type Client, fileUrl, openDatabase } from "../db/client.ts";

/** What the control database records about a tenant's storage (null for the local default). */
export type TenantDbLocation = string | null;

export interface TenantDatabaseProvider {
  readonly kind: "local" | "turso";
  /** Creates an empty database for the tenant; returns its location to store on the tenant row. */
  create(tenantId: string): Promise<TenantDbLocation>;
  /** Opens a client for a tenant database that exists. */
  open(tenantId: string, location: TenantDbLocation): Promise<Client>;
  /** Removes the tenant's database and every file of it (rollback of a failed signup). */
  destroy(tenantId: string, location: TenantDbLocation): Promise<void>;
}

/** Tenant ids are ULIDs; refusing anything else keeps a path from ever leaving the data folder. */
export function assertSafeTenantId(tenantId: string): void {
  if (!/^[0-9a-z]{26}$/.test(tenantId)) throw new Error(`Bad tenant id: ${tenantId}`);
}

/** One SQLite file per tenant in `dir`: the embedded default. */
export class LocalDatabaseProvider implements TenantDatabaseProvider {
  readonly kind = "local";
  constructor(readonly dir: string) {}

  /** Path of a tenant's database file. */
  pathOf(tenantId: string): string {
    assertSafeTenantId(tenantId);
    return join(this.dir, `${tenantId}.db`);
  }

  async create(tenantId: string): Promise<TenantDbLocation> {
    await Deno.mkdir(this.dir, { recursive: true });
    const client = await openDatabase({ url: fileUrl(this.pathOf(tenantId)) });
    client.close();
    return null;
  }

  open(tenantId: string): Promise<Client> {
    return openDatabase({ url: fileUrl(this.pathOf(tenantId)) });
  }

  async destroy(tenantId: string): Promise<void> {
    const base = this.pathOf(tenantId);
    for (const suffix of ["", "-wal", "-shm", "-journal"]) {
      await Deno.remove(base + suffix).catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) throw err;
      });
    }
  }
}
