/**
 * @module tenants/registry
 * The tenants known to the control database, and the host -> tenant lookup that every request
 * makes. Lookups go through a short-lived in-memory cache so a request costs no control query;
 * anything that changes a tenant calls `invalidate()`, which with Redis also tells the other
 * machines (db/redis_notices.ts); without it they see the change within CACHE_TTL_MS.
 */
import type { Client } from "../db/client.ts";
import { DEFAULT_TIME_ZONE } from "../domain/clock.ts";

export type TenantStatus = "active" | "suspended";

export interface TenantRecord {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  /** Remote database location (Turso); null for the local file default. */
  dbUrl: string | null;
  /** IANA time zone of the tenant's business day. */
  timeZone: string;
  /** Set while the owner's deletion is pending: when the purge may run (data_rights/). */
  purgeAfter: string | null;
}

const CACHE_TTL_MS = 30_000;
const COLUMNS = "id, slug, name, status, db_url, time_zone, purge_after";
const MISS_TTL_MS = 2_000;
/**
 * Hosts remembered at most. Every request names its own Host, so a client sending made-up names
 * (`<random>.example`) would otherwise add an entry per request until the process ran out of memory.
 */
const MAX_HOSTS = 10_000;

function toRecord(row: Record<string, unknown>): TenantRecord {
  return {
    id: String(row.id),
    slug: String(row.slug),
    name: String(row.name),
    status: row.status === "suspended" ? "suspended" : "active",
    dbUrl: row.db_url === null || row.db_url === undefined ? null : String(row.db_url),
    timeZone: typeof row.time_zone === "string" && row.time_zone
      ? row.time_zone
      : DEFAULT_TIME_ZONE,
    purgeAfter: typeof row.purge_after === "string" ? row.purge_after : null,
  };
}

export class TenantRegistry {
  #byHost = new Map<string, { value: TenantRecord | null; until: number }>();
  /** Each tenant's time zone as last read: the pool asks for it on every business-day query. */
  #timeZones = new Map<string, string>();
  /** Changes on every invalidation: a lookup that overlapped one is not cached. */
  #invalidations = 0;
  #onInvalidate: Array<() => void> = [];

  constructor(readonly control: Client) {}

  #remember(record: TenantRecord | null): TenantRecord | null {
    if (record) this.#timeZones.set(record.id, record.timeZone);
    return record;
  }

  /**
   * The tenant's time zone as last read from the control database. Every request and job reads
   * the tenant's row before it borrows the database, so the zone is known by then.
   */
  timeZoneOf(tenantId: string): string {
    return this.#timeZones.get(tenantId) ?? DEFAULT_TIME_ZONE;
  }

  /** Finds a tenant by subdomain slug, bypassing the cache. */
  async findBySlug(slug: string): Promise<TenantRecord | null> {
    const rs = await this.control.execute({
      sql: `SELECT ${COLUMNS} FROM tenants WHERE slug = ?`,
      args: [slug],
    });
    return this.#remember(rs.rows[0] ? toRecord(rs.rows[0]) : null);
  }

  /** Finds a tenant by id, bypassing the cache. */
  async findById(id: string): Promise<TenantRecord | null> {
    const rs = await this.control.execute({
      sql: `SELECT ${COLUMNS} FROM tenants WHERE id = ?`,
      args: [id],
    });
    return this.#remember(rs.rows[0] ? toRecord(rs.rows[0]) : null);
  }

  /** Finds a tenant by one of its verified custom domains, bypassing the cache. */
  async findByDomain(domain: string): Promise<TenantRecord | null> {
    const rs = await this.control.execute({
      sql: `SELECT t.id, t.slug, t.name, t.status, t.db_url, t.time_zone, t.purge_after
            FROM tenant_domains d
            JOIN tenants t ON t.id = d.tenant_id
            WHERE d.domain = ? AND d.verified_at IS NOT NULL`,
      args: [domain],
    });
    return this.#remember(rs.rows[0] ? toRecord(rs.rows[0]) : null);
  }

  /** The cached answer for a host, if fresh (the synchronous hot path of `lookup`). */
  cached(host: string): TenantRecord | null | undefined {
    const hit = this.#byHost.get(host);
    return hit && hit.until > Date.now() ? hit.value : undefined;
  }

  /** Cached lookup used on every request: by slug when `slug` is set, else by custom domain. */
  async lookup(host: string, slug: string | null): Promise<TenantRecord | null> {
    const now = Date.now();
    const hit = this.#byHost.get(host);
    if (hit && hit.until > now) return hit.value;
    const mark = this.#invalidations;
    const value = slug ? await this.findBySlug(slug) : await this.findByDomain(host);
    if (mark === this.#invalidations) {
      if (this.#byHost.size >= MAX_HOSTS) this.#forgetHosts(now);
      this.#byHost.set(host, { value, until: now + (value ? CACHE_TTL_MS : MISS_TTL_MS) });
    }
    return value;
  }

  /** How many hosts the lookup cache holds (bounded by MAX_HOSTS). */
  get cachedHosts(): number {
    return this.#byHost.size;
  }

  /** Drops the expired entries, and every entry when that leaves the cache still full. */
  #forgetHosts(now: number): void {
    for (const [host, entry] of this.#byHost) {
      if (entry.until <= now) this.#byHost.delete(host);
    }
    if (this.#byHost.size >= MAX_HOSTS) this.#byHost.clear();
  }

  /**
   * Drops cached lookups after a change made by this process (a signup, rename, suspension,
   * deletion request or domain change) and tells the listeners (the other machines).
   */
  invalidate(): void {
    this.invalidateLocal();
    for (const listener of this.#onInvalidate) listener();
  }

  /** Drops cached lookups in this process only (another machine made the change). */
  invalidateLocal(): void {
    this.#byHost.clear();
    this.#invalidations++;
  }

  /** Runs `listener` after every `invalidate` made by this process. */
  onInvalidate(listener: () => void): void {
    this.#onInvalidate.push(listener);
  }

  /** Lists every tenant id: the one place that walks all tenants (migrations, operators). */
  async allTenants(): Promise<TenantRecord[]> {
    const rs = await this.control.execute(
      `SELECT ${COLUMNS} FROM tenants ORDER BY id`,
    );
    return rs.rows.map((row) => this.#remember(toRecord(row))!);
  }

  /** Sets a tenant's status (an operator suspends or reactivates a tenant). */
  async setStatus(id: string, status: TenantStatus): Promise<void> {
    await this.control.execute({
      sql: "UPDATE tenants SET status = ?, updated_at = ? WHERE id = ?",
      args: [status, new Date().toISOString(), id],
    });
    this.invalidate();
  }

  /** Renames a tenant (its company name changed in Settings → Company); drops cached lookups. */
  async rename(id: string, name: string): Promise<void> {
    await this.control.execute({
      sql: "UPDATE tenants SET name = ?, updated_at = ? WHERE id = ?",
      args: [name, new Date().toISOString(), id],
    });
    this.invalidate();
  }

  /** Sets the tenant's time zone (Settings → Company); its business day follows at once. */
  async setTimeZone(id: string, timeZone: string): Promise<void> {
    await this.control.execute({
      sql: "UPDATE tenants SET time_zone = ?, updated_at = ? WHERE id = ?",
      args: [timeZone, new Date().toISOString(), id],
    });
    this.#timeZones.set(id, timeZone);
    this.invalidate();
  }

  /** Adds a custom domain to a tenant as verified (an operator vouches for it). */
  async addDomain(tenantId: string, domain: string): Promise<void> {
    const now = new Date().toISOString();
    await this.control.execute({
      sql: `INSERT INTO tenant_domains (domain, tenant_id, created_at, verified_at)
            VALUES (?, ?, ?, ?)`,
      args: [domain.toLowerCase(), tenantId, now, now],
    });
    this.invalidate();
  }
}
