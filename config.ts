/**
 * @module config
 * Parses the environment once, at start, with zod. Every setting has an embedded default so that
 * `deno task start` works on a fresh machine with no configuration; `.env.example` documents each.
 */
import { z } from "zod";

const boolish = z.enum(["1", "0", "true", "false", "yes", "no"]).transform((v) =>
  ["1", "true", "yes"].includes(v)
);

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  HOST: z.string().default("0.0.0.0"),
  APP_DOMAIN: z.string().regex(/^[a-z0-9.-]+$/i, "a host name such as example.com").default(
    "localhost",
  ),
  APP_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATA_DIR: z.string().default("./data"),
  /** Most tenant databases kept open at once (LRU). */
  TENANT_POOL_SIZE: z.coerce.number().int().min(1).default(256),
  /** scrypt cost (N, a power of two). Lower only in tests and benchmarks. */
  PASSWORD_SCRYPT_N: z.coerce.number().int().min(1024).default(32768),
  SEED_DEMO: boolish.default(true),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).default(600),
  RATE_LIMIT_PER_TENANT: z.coerce.number().int().min(1).default(3000),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  /**
   * Sign-ups (new workspaces, checked ones: a taken address or a refused e-mail count too) per
   * client IP per hour, and per e-mail address per hour from anywhere (tenants/signup_limits.ts).
   */
  SIGNUP_LIMIT_PER_IP: z.coerce.number().int().min(1).default(5),
  SIGNUP_LIMIT_PER_EMAIL: z.coerce.number().int().min(1).default(3),
  /**
   * One-time sign-in and switch links open only in the browser that asked for them, through a
   * cookie for Domain=APP_DOMAIN (auth/handoff.ts). auto: on when APP_DOMAIN has a dot (every
   * real domain); off on a one-label domain such as `localhost`, for which browsers refuse a
   * Domain cookie, so links work on a developer's machine. on/off force it.
   */
  HANDOFF_BINDING: z.enum(["auto", "on", "off"]).default("auto"),
  /**
   * single: one machine (the default). multi: several machines (app groups, regions, workers),
   * which then must share the control database (Turso), files (S3) and limits (Redis); each
   * process refuses to start without them (ops/doctor.ts).
   */
  DEPLOYMENT: z.enum(["single", "multi"]).default("single"),
  /**
   * Redis shared by every machine (redis://user:password@host:port): rate limits, login and
   * e-mail throttles and read-cache invalidation. Without it each process keeps its own.
   */
  REDIS_URL: z.string().url().optional(),
  /** Run background jobs in the web process (default); `WORKERS`, when set, decides instead. */
  RUN_WORKERS: boolish.default(true),
  /**
   * How many job workers this process runs, each with WORKER_CONCURRENCY slots. 0: none (an app
   * group that leaves jobs to worker machines). Unset: the web process runs one if RUN_WORKERS is
   * on, `deno task worker` runs one. When set it wins over RUN_WORKERS (WORKERS=0 turns it off).
   */
  WORKERS: z.coerce.number().int().min(0).max(16).optional(),
  /** Port of a worker process's /healthz and /readyz (for Fly's machine checks); 0: none. */
  WORKER_HEALTH_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Jobs one worker runs at once, its reserved slots included. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  /** Slots only short jobs (webhooks, mail) may take, so they never wait behind documents. */
  WORKER_RESERVED_SLOTS: z.coerce.number().int().min(0).max(16).default(1),
  /** Most document jobs one tenant runs at once, across all workers. */
  WORKER_TENANT_DOCUMENT_SLOTS: z.coerce.number().int().min(1).max(64).default(2),
  /** On SIGTERM, how long running jobs may finish before they go back to the queue. */
  WORKER_STOP_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(20),
  /** How long a claimed job is reserved; renewed every third of it while the job runs. */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(3).default(120),
  /** Outbound webhook calls a worker process keeps in flight at once (integrations/webhooks/). */
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** Seconds an endpoint has to answer one outbound webhook call. */
  WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(60).default(15),
  /**
   * Seconds before each retry of a failed outbound webhook, comma-separated (the Standard
   * Webhooks schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); after the last it has failed.
   */
  WEBHOOK_RETRY_SECONDS: z.string().regex(/^\d+(,\d+)*$/, "Seconds, comma-separated").default(
    "5,300,1800,7200,18000,36000,36000",
  ),
  /** Failed attempts in a row (no success between) after which an endpoint is turned off. */
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(40),
  /**
   * Lets webhook endpoints be plain http:// and on loopback or private addresses. For tests and a
   * developer's machine only: in production it would let a workspace reach the internal network.
   */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: boolish.default(false),
  /**
   * Lets a workspace's single sign-on provider be plain http:// on loopback and on a private
   * address (a provider run on a developer's machine, the tests' own). For tests and development
   * only: in production an Enterprise owner could make the server call the internal network.
   */
  SSO_ALLOW_PRIVATE_NETWORKS: boolish.default(false),

  /** Time budget of one attempt of a job; a job still running then is stopped. */
  JOB_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
  /**
   * Port of a separate listener that serves only GET /metrics, without a token (Fly's metrics
   * scraping, fly.toml [metrics]); 0: none. Never expose it publicly.
   */
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Bearer token that opens GET /metrics on the app's own port; unset: /metrics is not there. */
  METRICS_TOKEN: z.string().min(16, "at least 16 characters (e.g. openssl rand -hex 24)")
    .optional(),
  /** The busiest N tenants keep their name in metric labels; the rest are `other`. */
  METRICS_TOP_TENANTS: z.coerce.number().int().min(0).max(500).default(20),
  /** Trust Fly-Client-IP for the client address (behind Fly's proxy; X-Forwarded-For is not read). */
  TRUST_PROXY: boolish.default(false),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().default("ProjectMeats <no-reply@localhost>"),
  TURSO_ORG: z.string().optional(),
  TURSO_API_TOKEN: z.string().optional(),
  TURSO_GROUP: z.string().default("default"),
  TURSO_API_URL: z.string().url().default("https://api.turso.tech"),
  TURSO_DB_PREFIX: z.string().default("pm-"),
  TURSO_SYNC_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(60),
  TURSO_ENCRYPTION_KEY: z.string().optional(),
  /** A group auth token (turso group tokens create): spares minting a token per database. */
  TURSO_GROUP_AUTH_TOKEN: z.string().optional(),
  /**
   * Base64 of 32 random bytes: wraps every database and file key (crypto/keys.ts). Required in
   * production; elsewhere one is generated into DATA_DIR/master.key when unset.
   */
  ENCRYPTION_MASTER_KEY: z.string().optional(),
  /** The master key being rotated to (`deno task keys:rotate --master`); both unwrap meanwhile. */
  ENCRYPTION_MASTER_KEY_NEXT: z.string().optional(),
  /** Stripe secret key; without it billing runs offline (operator sets plans, see billing/). */
  STRIPE_SECRET_KEY: z.string().optional(),
  /** Signing secret of the webhook endpoint (whsec_...). */
  STRIPE_WEBHOOK_SECRET: z.string().optional(),
  /** Another Stripe API address (tests point it at a loopback double). */
  STRIPE_API_BASE: z.string().url().optional(),
  /** Oldest webhook signature accepted, in seconds. */
  STRIPE_WEBHOOK_TOLERANCE_SECONDS: z.coerce.number().int().min(1).default(300),
  /** Days of full access after a failed payment or an expired licence, before read-only. */
  BILLING_GRACE_DAYS: z.coerce.number().min(0).default(7),
  /** Ed25519 public key (base64url, from `deno task license keygen`) that verifies licences. */
  LICENSE_PUBLIC_KEY: z.string().regex(/^[\w-]{43}$/, "a base64url Ed25519 public key")
    .optional(),
  /** Comma-separated e-mails of the service's operators (they see /operator/jobs). */
  OPERATOR_EMAILS: z.string().default(""),
  /**
   * Server secret that seals TOTP secrets and keys recovery-code hashes (auth/secret_box.ts), so a
   * database leak alone gives no codes. Without it a random key is kept in DATA_DIR/secrets/.
   */
  SECOND_FACTOR_KEY: z.string().min(32, "at least 32 characters (e.g. openssl rand -base64 32)")
    .optional(),
  /**
   * The SECOND_FACTOR_KEY before a rotation: secrets sealed under it still open and are sealed
   * again under the new key when used (or by `deno task second-factor:rekey`).
   */
  SECOND_FACTOR_KEY_PREVIOUS: z.string().min(32, "at least 32 characters").optional(),
  /** Documents and the AI assistant: largest upload in bytes (20 MB by default). */
  DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).default(20 * 1024 * 1024),
  /** Pages read of one PDF; the rest is left unread and the document says so. */
  DOCUMENT_MAX_PAGES: z.coerce.number().int().min(1).default(50),
  /** Largest image accepted, in decoded pixels (megapixels), checked from its header. */
  IMAGE_MAX_MEGAPIXELS: z.coerce.number().min(0.1).default(40),
  /** Largest image accepted by the memory its decoded pixels take, in MB. */
  IMAGE_MAX_DECODED_MB: z.coerce.number().min(1).default(256),
  /**
   * Local mode: hours between backups of the control and every tenant database to the file
   * storage (ops/backups.ts); 0 turns them off. With Turso, its point-in-time restore applies.
   */
  BACKUP_INTERVAL_HOURS: z.coerce.number().min(0).default(24),
  /** Days a backup is kept (the newest of each database is always kept). */
  BACKUP_RETENTION_DAYS: z.coerce.number().min(1).default(14),
  /** S3-compatible bucket for documents (Tigris sets these on Fly); local files without it. */
  BUCKET_NAME: z.string().optional(),
  AWS_ENDPOINT_URL_S3: z.string().url().optional(),
  AWS_REGION: z.string().default("auto"),
  AWS_ACCESS_KEY_ID: z.string().optional(),
  AWS_SECRET_ACCESS_KEY: z.string().optional(),
  /** offline (deterministic, no network) or openai; openai is the default with a key. */
  AI_PROVIDER: z.enum(["offline", "openai"]).optional(),
  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: z.string().url().optional(),
  OPENAI_MODEL: z.string().default("gpt-4o-mini"),
  OPENAI_TIMEOUT_SECONDS: z.coerce.number().min(1).default(60),
  OPENAI_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** Read images and scanned PDF pages with tesseract.js (English data from npm, offline). */
  OCR_ENABLED: boolish.default(true),
  /**
   * Serves the development mailbox at /dev/mail (loopback clients only, each host its own mail).
   * Off unless asked for: the mailbox shows reset links, so it must never answer the internet.
   */
  DEV_MAILBOX: boolish.default(false),
  /**
   * Moves the clock to this day (YYYY-MM-DD), running on from there: CI runs the suite a year
   * ahead with it so a test that depends on the calendar fails there. Refused in production.
   */
  TEST_TODAY: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "a day such as 2027-07-15").optional(),
});

export type Config = z.infer<typeof EnvSchema> & {
  /** True outside localhost-style development: turns on Secure cookies and HSTS. */
  secureCookies: boolean;
  production: boolean;
};

/** Parses settings from a plain record (Deno.env or a test's overrides); lists every bad one. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v !== ""),
  );
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const c = result.data;
  if (c.TEST_TODAY && c.APP_ENV === "production") {
    throw new Error("Invalid configuration:\n  TEST_TODAY: not allowed with APP_ENV=production");
  }
  if (c.WEBHOOK_ALLOW_PRIVATE_NETWORKS && c.APP_ENV === "production") {
    throw new Error(
      "Invalid configuration:\n  WEBHOOK_ALLOW_PRIVATE_NETWORKS: not allowed with APP_ENV=production",
    );
  }
  if (c.SSO_ALLOW_PRIVATE_NETWORKS && c.APP_ENV === "production") {
    throw new Error(
      "Invalid configuration:\n  SSO_ALLOW_PRIVATE_NETWORKS: not allowed with APP_ENV=production",
    );
  }
  if (c.DEV_MAILBOX && c.APP_ENV === "production") {
    throw new Error("Invalid configuration:\n  DEV_MAILBOX: not allowed with APP_ENV=production");
  }
  const local = c.APP_DOMAIN === "localhost" || c.APP_DOMAIN.endsWith(".localhost");
  // One answer to "does this process run jobs?" for every reader (main.ts, the doctor).
  const runWorkers = c.WORKERS === undefined ? c.RUN_WORKERS : c.WORKERS > 0;
  return {
    ...c,
    RUN_WORKERS: runWorkers,
    production: c.APP_ENV === "production",
    secureCookies: !local,
  };
}

/** How many job workers this process runs: the web server (`main.ts`) or `deno task worker`. */
export function workerCount(
  config: Pick<Config, "WORKERS" | "RUN_WORKERS">,
  process: "web" | "worker",
): number {
  if (config.WORKERS !== undefined) return config.WORKERS;
  return process === "worker" || config.RUN_WORKERS ? 1 : 0;
}

/** Reads the process environment. Called once by main.ts; everything else receives the Config. */
export function loadConfig(): Config {
  return parseConfig(Deno.env.toObject());
}

/** Every setting's name (`.env.example` documents each; config_test.ts checks both ways). */
export const SETTING_NAMES: readonly string[] = Object.keys(EnvSchema.shape);
