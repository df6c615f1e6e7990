/**
 * @module data_rights/purge
 * The end of a deleted workspace's grace: `purgeDueWorkspaces` (run by the worker's periodic
 * chores) removes, for each workspace past its `purge_after`:
 *
 * 1. every stored file (documents, export archives) through storage/, then the tenant database
 *    with its -wal/-shm/-journal files or its Turso database and replica (the provider's
 *    `destroy`), after the pool has closed any open connection to it, then its backups
 *    (ops/backups.ts; the control database's backups age out within BACKUP_RETENTION_DAYS);
 * 2. every control row of it: each control table with a `tenant_id` column is found in the
 *    schema (so tables added later come along: keys, tokens, jobs, mail, billing ...), then any
 *    remaining row naming the workspace's id in a text column (a Stripe event's payload);
 * 3. its members' accounts when they belong to no other workspace and are not operators, with
 *    their sessions, tokens and mail.
 *
 * The operators' own security log (`security_events` in the control database) is left whole: it
 * is a hash chain, and removing an entry would break its proof. Each step is idempotent, so a
 * purge interrupted by a crash is finished by the next run.
 */
import type { Client } from "../db/client.ts";
import { isOperatorEmail } from "../auth/operators.ts";
import type { Services } from "../services.ts";
import { deleteParts, listExports } from "./exports.ts";
import { expireExports } from "./exports.ts";
import { deleteTenantBackups } from "../ops/backups.ts";

/** Control tables the purge never edits (the operators' hash-chained log; see the header). */
const KEPT_TABLES = new Set(["security_events", "security_event_anchor", "_migrations"]);

const quoteName = (name: string) => `"${name.replaceAll('"', '""')}"`;

async function controlTables(control: Client): Promise<Array<{ name: string; text: string[] }>> {
  const tables = await control.execute(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
  );
  const out: Array<{ name: string; text: string[] }> = [];
  for (const t of tables.rows) {
    const name = String(t.name);
    if (KEPT_TABLES.has(name)) continue;
    const cols = await control.execute(`PRAGMA table_info(${quoteName(name)})`);
    out.push({
      name,
      text: cols.rows
        .filter((c) => /TEXT|CHAR|CLOB|^$/i.test(String(c.type)))
        .map((c) => String(c.name)),
    });
  }
  return out;
}

/** Purges every workspace whose grace has ended; returns their ids. */
export async function purgeDueWorkspaces(services: Services): Promise<string[]> {
  const rs = await services.control.execute({
    sql: "SELECT id FROM tenants WHERE purge_after IS NOT NULL AND purge_after <= ?",
    args: [services.clock.now().toISOString()],
  });
  const purged: string[] = [];
  for (const row of rs.rows) {
    const id = String(row.id);
    try {
      await purgeWorkspace(services, id);
      purged.push(id);
    } catch (err) {
      services.log.error("workspace purge failed", { tenant_id: id, error: String(err) });
    }
  }
  return purged;
}

/** The periodic chores of data rights: expired exports, then workspaces past their grace. */
export async function runDataRightsChores(services: Services): Promise<void> {
  await expireExports(services);
  await purgeDueWorkspaces(services);
}

/** Removes everything of one workspace (see the module header). */
export async function purgeWorkspace(services: Services, tenantId: string): Promise<void> {
  const { control, registry, pool, provider, log } = services;
  const tenant = await registry.findById(tenantId);
  if (!tenant) return;
  const storage = services.storage;

  // 1. Files, then the database.
  const lease = await pool.acquire(tenant.id, tenant.dbUrl);
  let keys: string[] = [];
  try {
    const docs = await lease.db.execute("SELECT storage_key FROM documents");
    keys = docs.rows.map((r) => String(r.storage_key));
  } finally {
    lease.release();
  }
  for (const key of keys) await storage.delete(key);
  for (const exp of await listExports(control, tenantId)) await deleteParts(storage, exp);
  await pool.forget(tenantId);
  await provider.destroy(tenantId, tenant.dbUrl);
  await deleteTenantBackups(services.storage, tenantId);
  if (storage.kind === "local") {
    // The tenant's folder of the local storage goes whole, with whatever else a feature stored
    // under the tenant's prefix (brand images, customization/); storage/ has no listing to ask.
    await Deno.remove(`${services.config.DATA_DIR}/files/${tenantId}`, { recursive: true })
      .catch((err) => {
        if (!(err instanceof Deno.errors.NotFound)) {
          log.error("workspace purge left files", { tenant_id: tenantId, error: String(err) });
        }
      });
  }

  // 2. Control rows. Members are read first: step 3 needs them.
  const members = (await control.execute({
    sql: `SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.tenant_id = ?`,
    args: [tenantId],
  })).rows.map((r) => ({ id: String(r.id), email: String(r.email) }));
  const tables = await controlTables(control);
  const byTenant = tables.filter((t) => t.text.includes("tenant_id") && t.name !== "tenants");
  await control.batch([
    ...byTenant.map((t) => ({
      sql: `DELETE FROM ${quoteName(t.name)} WHERE tenant_id = ?`,
      args: [tenantId],
    })),
    { sql: "DELETE FROM tenants WHERE id = ?", args: [tenantId] },
  ], "write");
  // Rows that name the workspace elsewhere (a job's payload, a Stripe event): ids are ULIDs, so
  // a column holding this one refers to this workspace.
  for (const t of tables) {
    for (const col of t.text) {
      await control.execute({
        sql: `DELETE FROM ${quoteName(t.name)} WHERE instr(${quoteName(col)}, ?) > 0`,
        args: [tenantId],
      });
    }
  }

  // 3. Accounts that belonged only to this workspace (operators keep theirs).
  for (const m of members) {
    const other = await control.execute({
      sql: "SELECT 1 FROM memberships WHERE user_id = ? LIMIT 1",
      args: [m.id],
    });
    if (other.rows.length || isOperatorEmail(services.config, m.email)) continue;
    const byUser = tables.filter((t) => t.text.includes("user_id") && t.name !== "users");
    await control.batch([
      ...byUser.map((t) => ({
        sql: `DELETE FROM ${quoteName(t.name)} WHERE user_id = ?`,
        args: [m.id],
      })),
      { sql: "DELETE FROM outbox WHERE to_addr = ? COLLATE NOCASE", args: [m.email] },
      { sql: "DELETE FROM users WHERE id = ?", args: [m.id] },
    ], "write");
  }
  registry.invalidate();
  services.authCache.clear();
  log.info("workspace purged", { tenant_id: tenantId });
}
