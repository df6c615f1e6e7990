/**
 * @module tenants/provision
 * Self-serve signup as one operation: create the tenant database, migrate and seed it, record the
 * tenant, owner and membership in one control-database batch, and hand off a sign-in. If any step
 * fails, everything done so far is undone: no tenant row, no membership, no database file remain.
 */
import type { Client } from "../db/client.ts";
import { migrate } from "../db/migrate.ts";
import { newId } from "../db/ids.ts";
import { hashPassword, passwordProblem, verifyPassword } from "../auth/password.ts";
import { findUserByEmail } from "../auth/users.ts";
import { ConflictError, fieldErrors, InvalidError } from "../domain/errors.ts";
import type { Services } from "../services.ts";
import { type SignupInput, SignupSchema } from "./signup_schema.ts";
import { seedTenantDefaults } from "./seed_defaults.ts";
import { countSignup } from "./signup_limits.ts";

export const SIGNUP_STEPS = ["database", "migrate", "seed", "control_rows", "handoff"] as const;
export type SignupStep = typeof SIGNUP_STEPS[number];

export interface SignupResult {
  tenant: { id: string; slug: string; name: string };
  user: { id: string; email: string; name: string; created: boolean };
}

/** Validates signup input, including the rules zod alone cannot express (common passwords). */
export function parseSignup(raw: unknown): SignupInput {
  const parsed = SignupSchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidError("Some fields need attention.", fieldErrors(parsed.error.issues), 422);
  }
  const problem = passwordProblem(parsed.data.password, parsed.data.email);
  if (problem) throw new InvalidError(problem, { password: [problem] }, 422);
  return parsed.data;
}

async function slugTaken(control: Client, slug: string): Promise<boolean> {
  const rs = await control.execute({ sql: "SELECT 1 FROM tenants WHERE slug = ?", args: [slug] });
  return rs.rows.length > 0;
}

/**
 * Creates a tenant with its owner; undoes every step if one fails. `from.ip`, the client's
 * address, is given by the signup page and API: each sign-up then counts against the per-IP and
 * per-address limits (tenants/signup_limits.ts), and a wrong password for an existing account
 * against the sign-in throttle of that account and address, as a failed sign-in does.
 */
export async function signup(
  services: Services,
  raw: unknown,
  from: { ip?: string } = {},
): Promise<SignupResult> {
  const input = parseSignup(raw);
  const { control, provider, registry, config } = services;
  const step = async (name: SignupStep) => await services.faultInjector?.(name);

  if (await slugTaken(control, input.slug)) {
    throw new ConflictError("This address is taken. Choose another.", {
      slug: ["This address is taken. Choose another."],
    });
  }
  if (from.ip !== undefined) await countSignup(services, from.ip, input.email);
  // An existing user may open another workspace, but only by proving it is them.
  const existing = await findUserByEmail(control, input.email);
  if (existing && from.ip !== undefined) await services.loginThrottle.check(input.email, from.ip);
  if (existing && !(await verifyPassword(input.password, existing.passwordHash))) {
    if (from.ip !== undefined) await services.loginThrottle.fail(input.email, from.ip);
    throw new ConflictError(
      "An account with this e-mail already exists. Sign in first, or use its password here.",
      { email: ["An account with this e-mail already exists."] },
    );
  }

  const tenantId = newId();
  const userId = existing?.id ?? newId();
  // The tenant's creation starts its trial (billing/state.ts), so it is read from the clock.
  const now = services.clock.now().toISOString();
  // scrypt runs on a thread of its own: the hash is made while the database is, and awaited only
  // when the rows that hold it are written, so a signup takes the longer of the two, not their sum
  // (the hash is ~170 ms at the production cost, the database ~15 ms).
  const passwordHash = existing
    ? Promise.resolve(null)
    : hashPassword(input.password, config.PASSWORD_SCRYPT_N);
  // A failure is the signup's, where it is awaited; this stops it being reported as unhandled
  // when an earlier step failed first.
  passwordHash.catch(() => {});
  let location: string | null = null;
  let databaseCreated = false;
  let rowsWritten = false;
  try {
    await step("database");
    // A copy of the migrated schema where the provider has one; the migrations below then
    // only confirm it is current.
    location = provider.createMigrated
      ? await provider.createMigrated(tenantId)
      : await provider.create(tenantId);
    databaseCreated = true;
    const db = await provider.open(tenantId, location);
    try {
      await step("migrate");
      await migrate(db, "tenant");
      await step("seed");
      await seedTenantDefaults(db, { companyName: input.company_name });
    } finally {
      db.close();
    }
    await step("control_rows");
    const statements = [
      {
        sql:
          `INSERT INTO tenants (id, slug, name, status, db_url, time_zone, created_at, updated_at)
              VALUES (?, ?, ?, 'active', ?, ?, ?, ?)`,
        args: [tenantId, input.slug, input.company_name, location, input.time_zone, now, now],
      },
      {
        sql:
          "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)",
        args: [tenantId, userId, now],
      },
    ];
    if (!existing) {
      statements.unshift({
        sql: `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
              VALUES (?, ?, ?, ?, ?, ?)`,
        args: [userId, input.email, input.owner_name, await passwordHash, now, now],
      });
    }
    try {
      await control.batch(statements, "write");
    } catch (err) {
      if (String(err).includes("UNIQUE") && String(err).includes("tenants.slug")) {
        throw new ConflictError("This address is taken. Choose another.", {
          slug: ["This address is taken. Choose another."],
        });
      }
      throw err;
    }
    rowsWritten = true;
    await step("handoff");
  } catch (err) {
    await undoSignup(services, {
      tenantId,
      userId,
      newUser: !existing,
      location,
      databaseCreated,
      rowsWritten,
    });
    throw err;
  }
  registry.invalidate();
  services.metrics.signups.inc();
  return {
    tenant: { id: tenantId, slug: input.slug, name: input.company_name },
    user: {
      id: userId,
      email: input.email,
      name: existing?.name ?? input.owner_name,
      created: !existing,
    },
  };
}

/** Removes whatever a failed signup left behind. Logs, but does not throw, on cleanup trouble. */
export async function undoSignup(
  services: Services,
  s: {
    tenantId: string;
    userId: string;
    newUser: boolean;
    location: string | null;
    databaseCreated: boolean;
    rowsWritten: boolean;
  },
): Promise<void> {
  const { control, provider, pool, log } = services;
  try {
    if (s.rowsWritten) {
      const statements = [{ sql: "DELETE FROM tenants WHERE id = ?", args: [s.tenantId] }];
      if (s.newUser) statements.push({ sql: "DELETE FROM users WHERE id = ?", args: [s.userId] });
      await control.batch(statements, "write");
    }
    await pool.forget(s.tenantId);
    if (s.databaseCreated) await provider.destroy(s.tenantId, s.location);
  } catch (err) {
    log.error("signup cleanup failed", { tenant_id: s.tenantId, error: String(err) });
  }
}
