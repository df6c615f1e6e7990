/**
 * @module ops/doctor
 * Reads a deployment's settings, and the process groups of its fly.toml, and says what cannot
 * work before it is deployed: several machines sharing nothing, workers that nobody runs, a
 * production setup that cannot send a password reset. `deno task doctor` prints the findings;
 * the app and the worker refuse to start on the errors of a multi-machine setup (`assertDeployable`).
 */
import { parse } from "smol-toml";
import { type Config, parseConfig } from "../config.ts";

export type Level = "error" | "warning";

export interface Finding {
  level: Level;
  /** The settings to look at, e.g. "BUCKET_NAME". */
  setting: string;
  message: string;
}

/** One process group of a deployment: its name, its settings, whether it runs jobs. */
export interface ProcessGroup {
  name: string;
  config: Config;
}

/** A deployment as the doctor sees it: its process groups, and whether it spans machines. */
export interface Deployment {
  groups: ProcessGroup[];
  /** Why the deployment spans machines (null: one machine). */
  multiMachine: string | null;
}

const S3_SETTINGS = [
  "BUCKET_NAME",
  "AWS_ENDPOINT_URL_S3",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
] as const;

/** What one process's settings get wrong on their own, whatever the topology. */
export function checkSettings(config: Config): Finding[] {
  const out: Finding[] = [];
  const error = (setting: string, message: string) =>
    out.push({ level: "error", setting, message });
  const warn = (setting: string, message: string) =>
    out.push({ level: "warning", setting, message });

  const s3Given = S3_SETTINGS.filter((name) => config[name]);
  if (s3Given.length > 0 && s3Given.length < S3_SETTINGS.length) {
    const missing = S3_SETTINGS.filter((name) => !config[name]);
    error(
      missing.join(", "),
      `File storage on S3 is half configured: ${s3Given.join(", ")} set, ${
        missing.join(", ")
      } missing. Set all four (on Fly, \`fly storage create\` sets them) or none.`,
    );
  }
  if (Boolean(config.TURSO_ORG) !== Boolean(config.TURSO_API_TOKEN)) {
    error(
      config.TURSO_ORG ? "TURSO_API_TOKEN" : "TURSO_ORG",
      "Turso needs both TURSO_ORG and TURSO_API_TOKEN (a platform API token: `turso auth api-tokens mint`).",
    );
  }
  if (config.STRIPE_SECRET_KEY && !config.STRIPE_WEBHOOK_SECRET) {
    error(
      "STRIPE_WEBHOOK_SECRET",
      "STRIPE_SECRET_KEY is set without STRIPE_WEBHOOK_SECRET: every Stripe event would be refused, so payments would never reach the workspaces.",
    );
  }
  if (config.AI_PROVIDER === "openai" && !config.OPENAI_API_KEY) {
    error("OPENAI_API_KEY", "AI_PROVIDER=openai needs OPENAI_API_KEY.");
  }
  out.push(...secondFactorKeyFindings(config));
  if (!config.production) return out;

  if (config.APP_DOMAIN === "localhost" || config.APP_DOMAIN.endsWith(".localhost")) {
    error(
      "APP_DOMAIN",
      "APP_DOMAIN is a localhost name in production: set the domain the service answers on.",
    );
  }
  if (!config.SMTP_URL) {
    error(
      "SMTP_URL",
      "No SMTP_URL in production: password resets, invitations and address confirmations could not be sent.",
    );
  }
  if (!config.STRIPE_SECRET_KEY) {
    warn(
      "STRIPE_SECRET_KEY",
      "Billing runs offline (no STRIPE_SECRET_KEY): plans are set by an operator with `deno task billing:set-plan`.",
    );
  }
  if (!config.OPERATOR_EMAILS.trim()) {
    warn("OPERATOR_EMAILS", "No operators are named: nobody can open /operator/*.");
  }
  if (!config.TRUST_PROXY) {
    warn(
      "TRUST_PROXY",
      "TRUST_PROXY is off: behind Fly's proxy every request would seem to come from the proxy, so rate limits and login throttling would count everyone together.",
    );
  }
  return out;
}

/** Placeholders people paste instead of a key (lowercase, compared without separators). */
const PLACEHOLDER_WORDS = [
  "changeme",
  "change",
  "example",
  "default",
  "secret",
  "password",
  "test",
];

/** Why a SECOND_FACTOR_KEY value is weak (a placeholder, a repeated pattern), or null. */
export function weakKeyReason(value: string): string | null {
  const plain = value.toLowerCase().replace(/[^a-z0-9]/g, "");
  if (new Set(value).size < 10) return "it uses fewer than 10 different characters";
  if (/^(.{1,16})\1+$/.test(value)) return "it is a short pattern repeated";
  const word = PLACEHOLDER_WORDS.find((w) => plain.includes(w));
  if (word) return `it contains the placeholder word "${word}"`;
  return null;
}

/**
 * SECOND_FACTOR_KEY: missing on several machines (each would make its own in DATA_DIR/secrets,
 * so a code enrolled on one fails on the others), weak, or equal to the previous key.
 */
function secondFactorKeyFindings(config: Config): Finding[] {
  const out: Finding[] = [];
  const warn = (setting: string, message: string) =>
    out.push({ level: "warning", setting, message });
  const key = config.SECOND_FACTOR_KEY;
  if (!key && config.DEPLOYMENT === "multi") {
    warn(
      "SECOND_FACTOR_KEY",
      "No SECOND_FACTOR_KEY with DEPLOYMENT=multi: each machine makes its own key in DATA_DIR/secrets, so an authenticator app set up through one machine is refused by the others, and the key sits beside the data. Set one secret for all (`openssl rand -base64 32`).",
    );
  }
  if (key) {
    const why = weakKeyReason(key);
    if (why) {
      warn(
        "SECOND_FACTOR_KEY",
        `SECOND_FACTOR_KEY looks like a placeholder or a weak value (${why}). Use \`openssl rand -base64 32\`, moving the current value to SECOND_FACTOR_KEY_PREVIOUS so enrolled apps keep working.`,
      );
    }
  }
  if (config.SECOND_FACTOR_KEY_PREVIOUS) {
    if (!key) {
      warn(
        "SECOND_FACTOR_KEY",
        "SECOND_FACTOR_KEY_PREVIOUS is set without SECOND_FACTOR_KEY: new secrets would be sealed under a key generated in DATA_DIR/secrets. Set the new key.",
      );
    } else if (config.SECOND_FACTOR_KEY_PREVIOUS === key) {
      warn(
        "SECOND_FACTOR_KEY_PREVIOUS",
        "SECOND_FACTOR_KEY_PREVIOUS equals SECOND_FACTOR_KEY: no rotation is under way. Remove it.",
      );
    }
  }
  return out;
}

/** What a deployment over several machines needs shared, and who runs its jobs. */
export function checkDeployment(deployment: Deployment): Finding[] {
  const out = perGroupFindings(deployment);
  if (!deployment.groups.some((g) => g.config.RUN_WORKERS)) {
    out.push({
      level: "error",
      setting: "RUN_WORKERS",
      message:
        "No process group runs workers: documents, Stripe events and e-mail would wait in the queue forever. Add a worker group (`deno task worker`) or let the app run them.",
    });
  }
  const why = deployment.multiMachine;
  if (!why) return out;

  const first = deployment.groups[0]?.config;
  if (!first) return out;
  if (first.DEPLOYMENT !== "multi") {
    out.push({
      level: "error",
      setting: "DEPLOYMENT",
      message:
        `This deployment spans machines (${why}) but DEPLOYMENT is not "multi": set DEPLOYMENT=multi so every machine checks at start that it shares what it must.`,
    });
  }
  out.push(...sharedStateFindings(first, why));
  return out;
}

/** The errors of a multi-machine deployment whose machines would not share their state. */
function sharedStateFindings(config: Config, why: string): Finding[] {
  const out: Finding[] = [];
  if (!config.TURSO_ORG || !config.TURSO_API_TOKEN) {
    out.push({
      level: "error",
      setting: "TURSO_ORG, TURSO_API_TOKEN",
      message:
        `The control database is a local file, but ${why}: each machine would see its own tenants, sessions and job queue, so jobs queued by the app never reach a worker. Put it on Turso (TURSO_ORG, TURSO_API_TOKEN; docs/operations/turso.md).`,
    });
  }
  if (!config.BUCKET_NAME) {
    out.push({
      level: "error",
      setting: S3_SETTINGS.join(", "),
      message:
        `Uploaded files would go to a local folder, but ${why}: a document uploaded on one machine could not be read on another. Use S3-compatible storage (on Fly: \`fly storage create\` sets ${
          S3_SETTINGS.join(", ")
        }).`,
    });
  }
  if (!config.REDIS_URL) {
    out.push({
      level: "error",
      setting: "REDIS_URL",
      message:
        `No REDIS_URL, but ${why}: rate limits and login throttling would count per machine (an attacker gets one allowance per machine) and a colleague could see a stale list. Set REDIS_URL (Upstash on Fly, or any Redis).`,
    });
  }
  return out;
}

/** Each group's own findings; one that every group shares is said once, without group names. */
function perGroupFindings(deployment: Deployment): Finding[] {
  const byText = new Map<string, { finding: Finding; groups: string[] }>();
  for (const group of deployment.groups) {
    for (const finding of checkSettings(group.config)) {
      const key = `${finding.level} ${finding.setting} ${finding.message}`;
      const seen = byText.get(key) ?? { finding, groups: [] };
      seen.groups.push(group.name);
      byText.set(key, seen);
    }
  }
  return [...byText.values()].map(({ finding, groups }) =>
    groups.length === deployment.groups.length
      ? finding
      : { ...finding, message: `[${groups.join(", ")}] ${finding.message}` }
  );
}

/**
 * Refuses to start a process of a multi-machine deployment (DEPLOYMENT=multi) that would not share
 * its control database, files or limits with the other machines.
 */
export function assertDeployable(config: Config): void {
  if (config.DEPLOYMENT !== "multi") return;
  const errors = sharedStateFindings(config, "DEPLOYMENT=multi says several machines run it");
  if (errors.length === 0) return;
  throw new Error(
    `This setup cannot run on several machines:\n${
      errors.map((f) => `  ${f.setting}: ${f.message}`).join("\n")
    }\n(\`deno task doctor\` checks a whole deployment.)`,
  );
}

/**
 * Reads a fly.toml's process groups and settings over `env` (the secrets and the environment the
 * doctor runs in). A group's command may set settings of its own before the command
 * (`sh -c 'RUN_WORKERS=false ./scripts/deno task start'`). A worker group runs jobs whatever its
 * RUN_WORKERS says.
 */
export function deploymentFromFlyToml(
  toml: string,
  env: Record<string, string | undefined>,
): Deployment {
  const doc = parse(toml) as {
    env?: Record<string, unknown>;
    processes?: Record<string, string>;
    primary_region?: string;
    regions?: unknown;
  };
  const shared = { ...env, ...stringValues(doc.env ?? {}) };
  const commands = Object.entries(doc.processes ?? { app: "deno task start" });
  const groups = commands.map(([name, command]) => {
    const own = commandSettings(command);
    if (/\btask\s+worker\b|workers\/main\.ts/.test(command)) own.RUN_WORKERS = "true";
    return { name, config: parseConfig({ ...shared, ...own }) };
  });
  const reasons: string[] = [];
  if (groups.length > 1) {
    reasons.push(`fly.toml runs ${groups.length} process groups, each on machines of its own`);
  }
  if (shared.DEPLOYMENT === "multi") reasons.push("DEPLOYMENT=multi");
  return { groups, multiMachine: reasons.length ? reasons.join("; ") : null };
}

/** A deployment of one process, from the running environment alone. */
export function deploymentFromEnv(env: Record<string, string | undefined>): Deployment {
  const config = parseConfig(env);
  return {
    groups: [{ name: "this process", config }],
    multiMachine: config.DEPLOYMENT === "multi" ? "DEPLOYMENT=multi" : null,
  };
}

function stringValues(table: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(table).map(([k, v]) => [k, String(v)]));
}

/** `NAME=value` words that a process command sets before what it runs. */
function commandSettings(command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const match of command.matchAll(/(?:^|[\s'"])([A-Z][A-Z0-9_]*)=([^\s'"]*)/g)) {
    out[match[1]!] = match[2]!;
  }
  return out;
}
