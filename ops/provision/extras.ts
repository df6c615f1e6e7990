/**
 * @module ops/provision/extras
 * The environment's file bucket, Redis and domain certificates, beside the app, volumes, Turso
 * and Stripe of ops/provision/resources.ts:
 * - the bucket on Tigris (or any S3-compatible service) through the S3 API itself: HeadBucket,
 *   CreateBucket and DeleteBucket, signed with SigV4 (storage/s3.ts); the app gets BUCKET_NAME,
 *   AWS_ENDPOINT_URL_S3 and the access keys as secrets;
 * - Redis on Upstash through its Developer API (`/v2/redis/...`, basic auth with the account's
 *   e-mail and API key); the app gets REDIS_URL (TLS) as a secret;
 * - the certificates of the domain and its `*.` wildcard (every workspace's subdomain) on Fly
 *   through `flyctl certs show|add|remove`; Fly validates the wildcard by DNS, so the records to
 *   set at the domain's DNS host are printed by `flyctl certs show` and listed in
 *   docs/operations/provisioning.md.
 * Like the rest, each is found by its name before anything is created.
 */
import type { Resource } from "./plan.ts";
import { signS3Request } from "../../storage/s3.ts";

/** An S3-compatible account (Tigris by default). */
export interface BucketAccount {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

/** An Upstash account: its API, e-mail and API key, and the region new databases go to. */
export interface RedisAccount {
  url: string;
  email: string;
  apiKey: string;
  region: string;
}

/** Runs `flyctl` with these arguments (the real CLI, or a recorder in tests). */
export type Flyctl = (args: string[]) => Promise<{ code: number; stdout: string }>;

/** The real `flyctl`, authenticated by FLY_API_TOKEN in its environment. */
export function realFlyctl(token: string): Flyctl {
  return async (args) => {
    const out = await new Deno.Command("flyctl", {
      args,
      env: { FLY_API_TOKEN: token },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
  };
}

async function s3(account: BucketAccount, method: string, bucket: string): Promise<number> {
  const url = new URL(`${account.endpoint.replace(/\/+$/, "")}/${encodeURIComponent(bucket)}`);
  const empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  const headers = signS3Request({ ...account, bucket }, method, url, empty);
  const res = await fetch(url, { method, headers, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  if (res.status >= 400 && res.status !== 404) {
    throw new Error(`${method} bucket ${bucket} answered ${res.status}: ${text.slice(0, 200)}`);
  }
  return res.status;
}

/** The environment's file bucket; `secrets` gets what the app needs to reach it. */
export function bucketResource(
  bucket: string,
  account: BucketAccount,
  secrets: Record<string, string>,
): Resource {
  Object.assign(secrets, {
    BUCKET_NAME: bucket,
    AWS_ENDPOINT_URL_S3: account.endpoint,
    AWS_ACCESS_KEY_ID: account.accessKeyId,
    AWS_SECRET_ACCESS_KEY: account.secretAccessKey,
  });
  return {
    label: `bucket ${bucket} (${new URL(account.endpoint).host})`,
    exists: async () => (await s3(account, "HEAD", bucket)) === 200,
    create: async () => void await s3(account, "PUT", bucket),
    remove: async () => void await s3(account, "DELETE", bucket),
  };
}

async function upstash(
  account: RedisAccount,
  method: string,
  path: string,
  json?: unknown,
): Promise<unknown> {
  const res = await fetch(`${account.url.replace(/\/+$/, "")}${path}`, {
    method,
    headers: {
      authorization: `Basic ${btoa(`${account.email}:${account.apiKey}`)}`,
      ...(json ? { "content-type": "application/json" } : {}),
    },
    body: json ? JSON.stringify(json) : undefined,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

/** The environment's Redis database; creating it puts REDIS_URL into `secrets`. */
export function redisResource(
  name: string,
  account: RedisAccount,
  secrets: Record<string, string>,
): Resource {
  const find = async () => {
    const list = await upstash(account, "GET", "/v2/redis/databases");
    return (Array.isArray(list) ? list as Array<Record<string, unknown>> : [])
      .find((d) => d.database_name === name);
  };
  return {
    label: `redis ${name} (upstash, ${account.region})`,
    exists: async () => Boolean(await find()),
    create: async () => {
      const db = await upstash(account, "POST", "/v2/redis/database", {
        database_name: name,
        platform: "aws",
        primary_region: account.region,
        tls: true,
      }) as Record<string, unknown>;
      secrets.REDIS_URL = `rediss://default:${db.password}@${db.endpoint}:${db.port ?? 6379}`;
    },
    remove: async () => {
      const db = await find();
      if (db) await upstash(account, "DELETE", `/v2/redis/database/${db.database_id}`);
    },
  };
}

/** The Fly certificate of `host` (the domain, or `*.` the domain) on `app`. */
export function certificateResource(app: string, host: string, flyctl: Flyctl): Resource {
  const run = async (args: string[], ok = true) => {
    const out = await flyctl(args);
    if (ok && out.code !== 0) throw new Error(`flyctl ${args.join(" ")} exited ${out.code}`);
    return out;
  };
  return {
    label: `fly certificate ${host} (${app})`,
    exists: async () =>
      (await run(["certs", "show", host, "--app", app, "--json"], false)).code === 0,
    create: async () => void await run(["certs", "add", host, "--app", app, "--json"]),
    remove: async () => void await run(["certs", "remove", host, "--app", app, "--yes"]),
  };
}
