/**
 * @module crypto/tenant_keys
 * Each tenant's data keys: random, one version per rotation, stored only wrapped by the master key
 * in the control database (`tenant_keys`, migration 0013) and kept unwrapped in memory once used.
 * The newest version encrypts the tenant's database; each version derives the key of the files
 * written under it (their header names the version), so rotating never strands an old file.
 * A tenant from before encryption gets its first key when first asked.
 *
 * `plain_file_allowances` (control migration 0018) lists the workspaces that may still hold files
 * stored before encryption; storage/encrypted.ts refuses a headerless file of any other.
 */
import type { Client } from "../db/client.ts";
import { deriveKey, type KeyProvider, randomKey, toHex, wrappedKeyId } from "./keys.ts";

export interface TenantKey {
  version: number;
  key: Uint8Array;
}

const context = (tenantId: string, version: number) => `tenant ${tenantId} data key v${version}`;

/** What a tenant's data key is wrapped for (the GCM additional data): a restore re-wraps with it. */
export const tenantKeyContext = context;

export class TenantKeys {
  #keys = new Map<string, Map<number, Uint8Array>>();

  constructor(
    readonly control: Client,
    readonly provider: KeyProvider,
    readonly now: () => Date,
  ) {}

  /** The tenant's newest key, made (version 1) when the tenant has none yet. */
  async current(tenantId: string): Promise<TenantKey> {
    const known = this.#keys.get(tenantId);
    if (known?.size) {
      const version = Math.max(...known.keys());
      return { version, key: known.get(version)! };
    }
    const rows = await this.#load(tenantId);
    if (rows.length === 0) return await this.#insert(tenantId, 1, true);
    return rows[0]!;
  }

  /** One version of the tenant's key (files name the version they were written under). */
  async version(tenantId: string, version: number): Promise<Uint8Array> {
    const hit = this.#keys.get(tenantId)?.get(version);
    if (hit) return hit;
    const found = (await this.#load(tenantId)).find((k) => k.version === version);
    if (!found) throw new Error(`Tenant ${tenantId} has no data key version ${version}.`);
    return found.key;
  }

  /** Every version of the tenant's key, newest first, read fresh from the control database. */
  async all(tenantId: string): Promise<TenantKey[]> {
    this.#keys.delete(tenantId);
    return await this.#load(tenantId);
  }

  /** Adds a new newest version (a rotation) and returns it. */
  async addVersion(tenantId: string): Promise<TenantKey> {
    const rows = await this.all(tenantId);
    return await this.#insert(tenantId, (rows[0]?.version ?? 0) + 1, false);
  }

  /** Whether the tenant may still hold files stored before encryption (read as they are). */
  async allowsPlainFiles(tenantId: string): Promise<boolean> {
    const rs = await this.control.execute({
      sql: "SELECT 1 FROM plain_file_allowances WHERE tenant_id = ?",
      args: [tenantId],
    });
    return rs.rows.length > 0;
  }

  /** Ends the tenant's allowance (all its files are encrypted now); true when it had one. */
  async endPlainFileAllowance(tenantId: string): Promise<boolean> {
    const rs = await this.control.execute({
      sql: "DELETE FROM plain_file_allowances WHERE tenant_id = ?",
      args: [tenantId],
    });
    return rs.rowsAffected > 0;
  }

  /** Deletes every key of the tenant: what remains of its data can no longer be read. */
  async destroy(tenantId: string): Promise<void> {
    await this.control.execute({
      sql: "DELETE FROM tenant_keys WHERE tenant_id = ?",
      args: [tenantId],
    });
    this.#keys.delete(tenantId);
  }

  /**
   * Re-wraps every key not yet under the provider's current master key (master-key rotation);
   * returns how many it re-wrapped and how many remain under another key (0 when done).
   */
  async rewrapAll(): Promise<{ rewrapped: number; remaining: number }> {
    const current = this.provider.currentKeyId;
    const rs = await this.control.execute({
      sql: "SELECT tenant_id, version, wrapped_key FROM tenant_keys WHERE master_key_id <> ?",
      args: [current],
    });
    let rewrapped = 0;
    for (const row of rs.rows) {
      const tenantId = String(row.tenant_id);
      const version = Number(row.version);
      const key = await this.provider.unwrap(String(row.wrapped_key), context(tenantId, version));
      await this.control.execute({
        sql: "UPDATE tenant_keys SET wrapped_key = ?, master_key_id = ? " +
          "WHERE tenant_id = ? AND version = ?",
        args: [
          await this.provider.wrap(key, context(tenantId, version)),
          current,
          tenantId,
          version,
        ],
      });
      rewrapped++;
    }
    const left = await this.control.execute({
      sql: "SELECT count(*) AS n FROM tenant_keys WHERE master_key_id <> ?",
      args: [current],
    });
    return { rewrapped, remaining: Number(left.rows[0]?.n ?? 0) };
  }

  async #load(tenantId: string): Promise<TenantKey[]> {
    const rs = await this.control.execute({
      sql: "SELECT version, wrapped_key FROM tenant_keys WHERE tenant_id = ? ORDER BY version DESC",
      args: [tenantId],
    });
    const keys = new Map<number, Uint8Array>();
    const out: TenantKey[] = [];
    for (const row of rs.rows) {
      const version = Number(row.version);
      const key = await this.provider.unwrap(String(row.wrapped_key), context(tenantId, version));
      keys.set(version, key);
      out.push({ version, key });
    }
    if (keys.size) this.#keys.set(tenantId, keys);
    return out;
  }

  async #insert(tenantId: string, version: number, orKeepExisting: boolean): Promise<TenantKey> {
    const key = randomKey();
    const wrapped = await this.provider.wrap(key, context(tenantId, version));
    const rs = await this.control.execute({
      sql: `INSERT ${orKeepExisting ? "OR IGNORE " : ""}INTO tenant_keys ` +
        "(tenant_id, version, wrapped_key, master_key_id, created_at) VALUES (?, ?, ?, ?, ?)",
      args: [tenantId, version, wrapped, wrappedKeyId(wrapped), this.now().toISOString()],
    });
    // Another process made version 1 first: use that one.
    if (rs.rowsAffected === 0) return (await this.all(tenantId))[0]!;
    const keys = this.#keys.get(tenantId) ?? new Map<number, Uint8Array>();
    keys.set(version, key);
    this.#keys.set(tenantId, keys);
    return { version, key };
  }
}

/**
 * Database keys derived so far, by the data key they come from (the store keeps one array per
 * key version, so an entry lives as long as the store knows that key). A cold open of a tenant
 * database then skips the derivation, ~0.5 ms of WebCrypto round trips.
 */
const databaseKeys = new WeakMap<Uint8Array, Promise<string>>();

/** The libSQL encryption key of a tenant database under one data key. */
export function databaseKeyOf(key: TenantKey): Promise<string> {
  let derived = databaseKeys.get(key.key);
  if (!derived) {
    derived = deriveKey(key.key, "tenant-database").then(toHex);
    databaseKeys.set(key.key, derived);
  }
  return derived;
}

/** The AES-GCM key of a tenant's files under one data key. */
export function fileKeyOf(key: Uint8Array): Promise<Uint8Array> {
  return deriveKey(key, "tenant-files");
}
