/**
 * @module ops/provision/cli
 * `deno task provision plan|apply|destroy <environment> [--region ord]... [--volume-gb 10]`:
 * prints the plan, then (apply) creates what is missing with rollback on failure, or (destroy,
 * with --yes) removes everything. Accounts come from the environment: FLY_API_TOKEN, FLY_ORG,
 * TURSO_API_TOKEN, TURSO_ORG, STRIPE_SECRET_KEY; the bucket with AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY (Tigris unless AWS_ENDPOINT_URL_S3), Redis with UPSTASH_EMAIL and
 * UPSTASH_API_KEY (UPSTASH_REGION); certificates through `flyctl`. The secrets set on the app are
 * the variables named in PROVISION_SECRETS that have a value, plus what the bucket, Redis and
 * Stripe steps give. docs/operations/provisioning.md.
 */
import { parseArgs } from "node:util";
import { apply, ApplyError, describePlan, destroy, planOf } from "./plan.ts";
import { environmentResources, type ProvisionSettings } from "./resources.ts";
import { type Flyctl, realFlyctl } from "./extras.ts";

const DEFAULT_SECRETS = [
  "TURSO_ORG",
  "TURSO_API_TOKEN",
  "STRIPE_SECRET_KEY",
  "ENCRYPTION_MASTER_KEY",
  "REDIS_URL",
  "SMTP_URL",
  "OPENAI_API_KEY",
  "METRICS_TOKEN",
];

/** Reads the settings from `env` (Deno.env in the CLI, a map in tests). */
export function settingsFrom(
  env: (name: string) => string | undefined,
  regions: string[],
  volumeGb: number,
  flyctl?: Flyctl,
): ProvisionSettings {
  const missing = ["FLY_API_TOKEN", "TURSO_API_TOKEN", "TURSO_ORG", "STRIPE_SECRET_KEY"]
    .filter((n) => !env(n));
  if (missing.length) throw new Error(`Set ${missing.join(", ")} first.`);
  const names = (env("PROVISION_SECRETS") ?? DEFAULT_SECRETS.join(","))
    .split(",").map((n) => n.trim()).filter(Boolean);
  const secrets: Record<string, string> = {};
  for (const n of names) if (env(n)) secrets[n] = env(n)!;
  return {
    fly: {
      url: env("FLY_API_URL") ?? "https://api.machines.dev",
      token: env("FLY_API_TOKEN")!,
      org: env("FLY_ORG") ?? "personal",
    },
    turso: {
      url: env("TURSO_API_URL") ?? "https://api.turso.tech",
      token: env("TURSO_API_TOKEN")!,
      org: env("TURSO_ORG")!,
    },
    stripe: {
      url: env("STRIPE_API_URL") ?? "https://api.stripe.com",
      token: env("STRIPE_SECRET_KEY")!,
    },
    regions: regions.length ? regions : ["ord"],
    volumeGb,
    secrets,
    bucket: env("AWS_ACCESS_KEY_ID") && env("AWS_SECRET_ACCESS_KEY")
      ? {
        endpoint: env("AWS_ENDPOINT_URL_S3") ?? "https://fly.storage.tigris.dev",
        region: env("AWS_REGION") ?? "auto",
        accessKeyId: env("AWS_ACCESS_KEY_ID")!,
        secretAccessKey: env("AWS_SECRET_ACCESS_KEY")!,
      }
      : undefined,
    redis: env("UPSTASH_EMAIL") && env("UPSTASH_API_KEY")
      ? {
        url: env("UPSTASH_API_URL") ?? "https://api.upstash.com",
        email: env("UPSTASH_EMAIL")!,
        apiKey: env("UPSTASH_API_KEY")!,
        region: env("UPSTASH_REGION") ?? "us-east-1",
      }
      : undefined,
    flyctl: flyctl ?? realFlyctl(env("FLY_API_TOKEN")!),
  };
}

/** Runs the command; returns the exit code. */
export async function main(
  args: string[],
  env: (name: string) => string | undefined,
  print: (line: string) => void,
  flyctl?: Flyctl,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      region: { type: "string", multiple: true },
      "volume-gb": { type: "string" },
      yes: { type: "boolean" },
    },
  });
  const [command, environment] = positionals;
  if (!command || !["plan", "apply", "destroy"].includes(command) || !environment) {
    print("usage: deno task provision plan|apply|destroy <environment> [--region ord]... [--yes]");
    return 2;
  }
  const settings = settingsFrom(
    env,
    values.region ?? [],
    Number(values["volume-gb"] ?? 10),
    flyctl,
  );
  const resources = environmentResources(environment, settings);
  if (command === "destroy") {
    if (!values.yes) {
      print(
        `This removes ${environment}'s app, volumes, databases, bucket, Redis, certificates ` +
          "and webhook. Add --yes.",
      );
      return 2;
    }
    const removed = await destroy(resources, print);
    print(`${removed.length} removed.`);
    return 0;
  }
  const steps = await planOf(resources);
  for (const line of describePlan(steps)) print(line);
  if (command === "plan") return 0;
  try {
    const created = await apply(steps, print);
    print(created.length ? `${created.length} created.` : "Nothing to create: all in place.");
    return 0;
  } catch (err) {
    if (err instanceof ApplyError) {
      print(err.message);
      return 1;
    }
    throw err;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, (n) => Deno.env.get(n), console.log));
}
