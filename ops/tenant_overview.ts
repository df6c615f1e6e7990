/**
 * @module ops/tenant_overview
 * What the operator console shows about workspaces: one grouped query over the control database
 * for the list (plan, billing state, seats, this month's usage, last activity, dead jobs), plus
 * the database file's size, which no query knows. This is the one place that reads every tenant
 * for operators; it never opens a tenant database, so listing 10,000 workspaces costs one query.
 */
import { join } from "node:path";
import type { Client } from "../db/client.ts";
import type { Config } from "../config.ts";
import type { TenantStatus } from "../tenants/registry.ts";
import { usagePeriod } from "../billing/entitlements.ts";

/** A workspace as the console lists it: plain data, no rows. */
export interface TenantOverview {
  id: string;
  slug: string;
  name: string;
  status: TenantStatus;
  plan: string;
  billingStatus: string;
  trialEndsAt: string | null;
  seats: number;
  documentsThisMonth: number;
  aiTokensThisMonth: number;
  /** Newest sign-in or API token use (ISO instant), null when never. */
  lastActivity: string | null;
  deadJobs: number;
  queuedJobs: number;
  /** Where its database lives: `local` or the Turso hostname's region part. */
  region: string;
  /** Bytes of the local database file (with its WAL), null on Turso. */
  dbBytes: number | null;
  createdAt: string;
  /** Release channel: `stable`, `early`, or `pinned <release>` (ops/release_channels.ts). */
  channel: string;
  /** `suspended`, `failing` (dead jobs or a firing alert), else `ok`. */
  health: "ok" | "failing" | "suspended";
}

/** Filters of the tenant list: `q` matches slug or name, `status` one status. */
export interface OverviewQuery {
  q?: string;
  status?: TenantStatus;
  limit?: number;
}

const SELECT = `
  SELECT t.id, t.slug, t.name, t.status, t.db_url, t.created_at,
    COALESCE(b.plan, 'trial') AS plan, COALESCE(b.status, 'trialing') AS billing_status,
    b.trial_ends_at, COALESCE(rc.channel, 'stable') AS channel, rc.pinned_release,
    (SELECT COUNT(*) FROM memberships m WHERE m.tenant_id = t.id) AS seats,
    (SELECT COALESCE(SUM(amount), 0) FROM usage_counters u
      WHERE u.tenant_id = t.id AND u.period = :period AND u.metric = 'documentsPerMonth') AS docs,
    (SELECT COALESCE(SUM(amount), 0) FROM usage_counters u
      WHERE u.tenant_id = t.id AND u.period = :period AND u.metric = 'aiTokensPerMonth') AS tokens,
    (SELECT MAX(s.created_at) FROM sessions s WHERE s.tenant_id = t.id) AS last_session,
    (SELECT MAX(a.last_used_at) FROM api_tokens a WHERE a.tenant_id = t.id) AS last_token,
    (SELECT COUNT(*) FROM jobs j WHERE j.tenant_id = t.id AND j.status = 'dead') AS dead_jobs,
    (SELECT COUNT(*) FROM jobs j WHERE j.tenant_id = t.id AND j.status = 'queued') AS queued_jobs
  FROM tenants t LEFT JOIN tenant_billing b ON b.tenant_id = t.id
    LEFT JOIN tenant_release_channels rc ON rc.tenant_id = t.id`;

function regionOf(dbUrl: unknown): string {
  if (typeof dbUrl !== "string" || !dbUrl) return "local";
  // Turso hostnames read <db>-<org>.<region>.turso.io (older ones) or name the group's region.
  const host = dbUrl.replace(/^\w+:\/\//, "").split("/")[0] ?? dbUrl;
  const parts = host.split(".");
  return parts.length > 3 ? parts[parts.length - 3]! : host;
}

async function fileBytes(config: Pick<Config, "DATA_DIR">, id: string): Promise<number | null> {
  let total = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      total += (await Deno.stat(join(config.DATA_DIR, "tenants", `${id}.db${suffix}`))).size;
    } catch {
      if (!suffix) return null;
    }
  }
  return total;
}

function toOverview(row: Record<string, unknown>, alerting: Set<string>): TenantOverview {
  const lastSession = row.last_session ? String(row.last_session) : null;
  const lastToken = row.last_token ? String(row.last_token) : null;
  const status: TenantStatus = row.status === "suspended" ? "suspended" : "active";
  const deadJobs = Number(row.dead_jobs);
  const id = String(row.id);
  return {
    id,
    slug: String(row.slug),
    name: String(row.name),
    status,
    plan: String(row.plan),
    billingStatus: String(row.billing_status),
    trialEndsAt: row.trial_ends_at ? String(row.trial_ends_at) : null,
    seats: Number(row.seats),
    documentsThisMonth: Number(row.docs),
    aiTokensThisMonth: Number(row.tokens),
    lastActivity: [lastSession, lastToken].filter(Boolean).sort().pop() ?? null,
    deadJobs,
    queuedJobs: Number(row.queued_jobs),
    region: regionOf(row.db_url),
    dbBytes: null,
    createdAt: String(row.created_at),
    channel: row.channel === "pinned" ? `pinned ${row.pinned_release}` : String(row.channel),
    health: status === "suspended"
      ? "suspended"
      : deadJobs > 0 || alerting.has(id)
      ? "failing"
      : "ok",
  };
}

/** Tenants with a firing alert (ops/alerts.ts), for the health column. */
async function alertingTenants(control: Client): Promise<Set<string>> {
  const rs = await control.execute(
    "SELECT DISTINCT tenant_id FROM ops_alerts WHERE status = 'firing' AND tenant_id IS NOT NULL",
  ).catch(() => ({ rows: [] as Record<string, unknown>[] }));
  return new Set(rs.rows.map((r) => String(r.tenant_id)));
}

/** Lists workspaces for the console, newest first, filtered by `query`. */
export async function listTenantOverviews(
  deps: { control: Client; config: Pick<Config, "DATA_DIR">; now: Date },
  query: OverviewQuery = {},
): Promise<TenantOverview[]> {
  const where: string[] = [];
  const args: Record<string, string | number> = { period: usagePeriod(deps.now) };
  if (query.q) {
    where.push("(t.slug LIKE :q ESCAPE '\\' OR t.name LIKE :q ESCAPE '\\')");
    args.q = `%${query.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  }
  if (query.status) {
    where.push("t.status = :status");
    args.status = query.status;
  }
  args.limit = Math.min(Math.max(query.limit ?? 200, 1), 1000);
  const rs = await deps.control.execute({
    sql: `${SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
          ORDER BY t.created_at DESC, t.id DESC LIMIT :limit`,
    args,
  });
  const alerting = await alertingTenants(deps.control);
  const list = rs.rows.map((r) => toOverview(r, alerting));
  await Promise.all(list.map(async (t) => {
    if (t.region === "local") t.dbBytes = await fileBytes(deps.config, t.id);
  }));
  return list;
}

/** One workspace's overview, or null when there is none with that slug. */
export async function tenantOverview(
  deps: { control: Client; config: Pick<Config, "DATA_DIR">; now: Date },
  slug: string,
): Promise<TenantOverview | null> {
  const rs = await deps.control.execute({
    sql: `${SELECT} WHERE t.slug = :slug`,
    args: { period: usagePeriod(deps.now), slug },
  });
  if (!rs.rows[0]) return null;
  const t = toOverview(rs.rows[0], await alertingTenants(deps.control));
  if (t.region === "local") t.dbBytes = await fileBytes(deps.config, t.id);
  return t;
}

/** A workspace's members for the detail page (name, address, role, since). */
export async function tenantMembers(
  control: Client,
  tenantId: string,
): Promise<Array<{ name: string; email: string; role: string; since: string }>> {
  const rs = await control.execute({
    sql: `SELECT u.name, u.email, m.role, m.created_at FROM memberships m
          JOIN users u ON u.id = m.user_id WHERE m.tenant_id = ? ORDER BY m.created_at`,
    args: [tenantId],
  });
  return rs.rows.map((r) => ({
    name: String(r.name),
    email: String(r.email),
    role: String(r.role),
    since: String(r.created_at),
  }));
}
