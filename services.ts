/**
 * @module services
 * The long-lived parts of one running app (control database, tenant registry and pool, logger,
 * rate limiters, built assets), created once at start and handed to the app. Tests create their
 * own, each on its own data folder, so nothing is shared between them.
 */
import { PluginRuntime } from "./plugins/host/runtime.ts";
import { join } from "node:path";
import type { Config } from "./config.ts";
import type { Client } from "./db/client.ts";
import { type KeyRing, loadKeyRing, openControlWith } from "./crypto/keyring.ts";
import { TenantKeys } from "./crypto/tenant_keys.ts";
import { createStorage, type FileStorage } from "./storage/mod.ts";
import { migrate } from "./db/migrate.ts";
import { createLogger, type Logger } from "./http/log.ts";
import { type Limiter, RateLimiter } from "./http/rate_limit.ts";
import type { TenantDatabaseProvider } from "./tenants/database_provider.ts";
import { createDatabaseProvider } from "./tenants/turso_provider.ts";
import { connectControlDatabase, controlOnTurso } from "./tenants/control_database.ts";
import { TenantPool } from "./tenants/pool.ts";
import { TenantRegistry } from "./tenants/registry.ts";
import { LoginThrottle, WINDOW_MS as LOGIN_WINDOW_MS } from "./auth/throttle.ts";
import { connectRedis, type SharedRedis } from "./db/redis.ts";
import { RedisFailureLog, RedisRateLimiter } from "./db/redis_limits.ts";
import { RedisChangeFeed } from "./db/redis_changes.ts";
import { PrincipalCache } from "./auth/principal_cache.ts";
import { ControlNotices } from "./db/redis_notices.ts";
import { type AssetManifest, buildAssets } from "./framework/build.ts";
import { BillingRuntime } from "./billing/runtime.ts";
import { systemTxtResolver, type TxtResolver } from "./tenants/domains.ts";
import { businessDay, type Clock, clockFromSetting } from "./domain/clock.ts";
import { ReadCache } from "./domain/read_cache.ts";
import { stopOcr } from "./ai/ocr.ts";
import { Metrics } from "./ops/metrics.ts";
import { type ChatProvider, createChatProvider } from "./assistant/providers.ts";
import { MailDeliveries } from "./mail/deliveries.ts";
import { LiveHub } from "./notifications/live_hub.ts";

export interface Services {
  config: Config;
  /** The one clock: every "today" and "now" of the business (domain/clock.ts). */
  clock: Clock;
  /** Rendered lists, searches and dashboards, kept while the tenant's data is unchanged. */
  readCache: ReadCache;
  /** Live updates to open pages and the notifications that changes raise (notifications/). */
  live: LiveHub;
  log: Logger;
  control: Client;
  /** The installation's root key and master-key provider (crypto/keyring.ts). */
  keys: KeyRing;
  /** Each tenant's data keys, wrapped in the control database (encryption at rest). */
  tenantKeys: TenantKeys;
  /** Uploaded files, logos and backups: local folder or bucket, each tenant's files encrypted. */
  storage: FileStorage;
  /** Who answers the assistant's questions: offline rules, or OpenAI when configured. */
  chat: ChatProvider;
  /** Mail delivery attempts running in the background (mail/outbox.ts). */
  mailDeliveries: MailDeliveries;
  registry: TenantRegistry;
  provider: TenantDatabaseProvider;
  pool: TenantPool;
  /**
   * Redis shared by every machine (`REDIS_URL`), or null: then the limits, throttles and cache
   * below are this process's own, as on one machine (db/redis.ts).
   */
  redis: SharedRedis | null;
  ipLimiter: Limiter;
  tenantLimiter: Limiter;
  loginThrottle: LoginThrottle;
  /** Reset and verification mail asked for, per address, per IP, per user (auth/email_tokens.ts). */
  emailLimiters: Record<"email" | "ip" | "user", Limiter>;
  /** Sign-ups per client IP and per e-mail address, per hour (tenants/signup_limits.ts). */
  signupLimiters: Record<"ip" | "email", Limiter>;
  /** Resolved credentials, cleared by the auth functions that change who may do what. */
  authCache: PrincipalCache;
  assets: AssetManifest;
  /** Stripe client (null offline) and the per-tenant billing cache. */
  billing: BillingRuntime;
  /** DNS TXT lookups that verify custom domains (tests pass their own records). */
  resolveTxt: TxtResolver;
  /** This process's Prometheus metrics, in a registry of their own (ops/metrics.ts). */
  metrics: Metrics;
  /** Installed plugins' warm sandboxes and each tenant's enabled list (plugins/host/runtime.ts). */
  plugins: PluginRuntime;
  /** Test hook: signup calls it between steps so tests can inject a failure at each one. */
  faultInjector?: (step: string) => void | Promise<void>;
}

const HOUR_MS = 3600_000;

/** Opens and migrates the control database and builds every service. */
export async function createServices(
  config: Config,
  overrides: Partial<Services> = {},
): Promise<Services> {
  const log = overrides.log ?? createLogger(config.LOG_LEVEL);
  await Deno.mkdir(join(config.DATA_DIR, "tenants"), { recursive: true });
  // Keys first: the control database is encrypted with a key derived from the root key.
  const keys = overrides.keys ?? await loadKeyRing(config, (message) => log.warn(message));
  // Local file, or with TURSO_* this machine's replica of the shared one (operations/turso.md).
  const control = overrides.control ??
    (controlOnTurso(config)
      ? await connectControlDatabase(config, {
        encryptionKey: await keys.controlDatabaseKey(),
        openLocal: () => openControlWith(keys, config.DATA_DIR),
      })
      : await openControlWith(keys, config.DATA_DIR, (message) => log.warn(message)));
  await migrate(control, "control");
  const tenantKeys = new TenantKeys(control, keys.provider, () => clock.now());
  const provider = overrides.provider ??
    createDatabaseProvider(
      config,
      tenantKeys,
      (path) => log.warn(`Encrypted ${path}, a database from before encryption at rest.`),
    );
  const redis = overrides.redis !== undefined
    ? overrides.redis
    : config.REDIS_URL
    ? await connectRedis(config.REDIS_URL, log)
    : null;
  const limiter = (name: string, limit: number, ms: number): Limiter =>
    redis ? new RedisRateLimiter(redis, name, limit, ms) : new RateLimiter(limit, ms);
  // Turso replicas pull other machines' writes on a timer: a change notice syncs them first.
  const changes = redis ? new RedisChangeFeed(redis, provider.kind === "turso") : null;
  const windowMs = config.RATE_LIMIT_WINDOW_SECONDS * 1000;
  const clock = overrides.clock ?? clockFromSetting(config.TEST_TODAY);
  const registry = overrides.registry ?? new TenantRegistry(control);
  const live = new LiveHub(() => services.pool, {
    clock,
    notices: changes ?? undefined,
    onError: (what, err) => log.warn(`${what} failed`, { error: String(err) }),
  });
  const services: Services = {
    config,
    clock,
    readCache: new ReadCache(undefined, changes ?? undefined),
    log,
    control,
    keys,
    tenantKeys,
    storage: createStorage(config, tenantKeys),
    chat: createChatProvider(config),
    mailDeliveries: new MailDeliveries(),
    registry,
    provider,
    live,
    pool: new TenantPool(
      trackedProvider(provider, changes, live),
      config.TENANT_POOL_SIZE,
      (tenantId) => businessDay(clock, registry.timeZoneOf(tenantId)),
    ),
    redis,
    ipLimiter: limiter("ip", config.RATE_LIMIT_PER_IP, windowMs),
    tenantLimiter: limiter("tenant", config.RATE_LIMIT_PER_TENANT, windowMs),
    loginThrottle: new LoginThrottle(
      redis ? new RedisFailureLog(redis, "login", LOGIN_WINDOW_MS) : undefined,
    ),
    emailLimiters: {
      email: limiter("mail-email", 5, HOUR_MS),
      ip: limiter("mail-ip", 30, HOUR_MS),
      user: limiter("mail-user", 5, HOUR_MS),
    },
    signupLimiters: {
      ip: limiter("signup-ip", config.SIGNUP_LIMIT_PER_IP, HOUR_MS),
      email: limiter("signup-email", config.SIGNUP_LIMIT_PER_EMAIL, HOUR_MS),
    },
    authCache: new PrincipalCache(),
    assets: overrides.assets ?? await buildAssets(),
    billing: new BillingRuntime(config),
    resolveTxt: systemTxtResolver,
    metrics: new Metrics(config.METRICS_TOP_TENANTS),
    plugins: new PluginRuntime({
      jobs: control,
      notices: changes ?? undefined,
      log: (line, fields) => log.info(`plugin: ${line}`, fields),
    }),
    ...overrides,
  };
  sharedControlCaches(services, !overrides.control && controlOnTurso(config));
  return services;
}

/** Closes every database the services opened. */
export async function closeServices(services: Services): Promise<void> {
  // Mail attempts write their outcome to the control database: let them finish first.
  await services.mailDeliveries.settled();
  services.live.close();
  services.readCache.clear();
  services.metrics.close();
  services.plugins.close();
  // The OCR engine is one per process (tesseract reads one image at a time), started on first use.
  await stopOcr();
  await services.pool.closeAll();
  services.control.close();
  await services.redis?.close();
}

/**
 * With Redis, a change to credentials, tenants or billing made by this process is told to every
 * other, which forgets its copy too (db/redis_notices.ts), after syncing its replica of a control
 * database on Turso (a remote client, as in tests, reads the primary itself: nothing to sync).
 */
function sharedControlCaches(
  services: Pick<Services, "redis" | "control" | "authCache" | "registry" | "billing">,
  controlOnTurso: boolean,
): void {
  const { redis, control, authCache, registry, billing } = services;
  if (!redis) return;
  const replica = controlOnTurso && control.protocol === "file";
  const notices = new ControlNotices(redis, replica ? () => control.sync() : undefined);
  authCache.onClear(() => notices.announce("credentials"));
  notices.on("credentials", () => authCache.clearLocal());
  registry.onInvalidate(() => notices.announce("tenants"));
  notices.on("tenants", () => registry.invalidateLocal());
  billing.onInvalidate((tenantId) => notices.announce("billing", tenantId));
  notices.on("billing", (tenantId) => billing.invalidateLocal(tenantId || undefined));
}

/** The provider as the pool sees it: each database it opens is known by its tenant's id. */
function trackedProvider(
  provider: TenantDatabaseProvider,
  changes: RedisChangeFeed | null,
  live: LiveHub,
): TenantDatabaseProvider {
  return {
    kind: provider.kind,
    create: (tenantId) => provider.create(tenantId),
    createMigrated: provider.createMigrated && ((tenantId) => provider.createMigrated!(tenantId)),
    destroy: (tenantId, location) => provider.destroy(tenantId, location),
    open: async (tenantId, location) => {
      const db = await provider.open(tenantId, location);
      changes?.track(db, tenantId);
      return live.track(db, tenantId);
    },
  };
}
