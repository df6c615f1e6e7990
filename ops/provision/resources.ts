/**
 * @module ops/provision/resources
 * The resources of one environment and the API calls behind them: the Fly app, a volume per
 * region and its secrets (Fly Machines API), a Turso group and the control database (Turso
 * Platform API), the file bucket, Redis and the domain's certificates (ops/provision/extras.ts),
 * and the Stripe webhook endpoint (Stripe API). Each is found by its name before
 * anything is created. Base URLs can be pointed elsewhere (the tests' loopback doubles); the
 * calls to the real services have not been tried from this project's machines, which reach none
 * of them (docs/operations/provisioning.md).
 */
import type { Resource } from "./plan.ts";
import {
  type BucketAccount,
  bucketResource,
  certificateResource,
  type Flyctl,
  type RedisAccount,
  redisResource,
} from "./extras.ts";

/** Where an API is and the token it takes. */
export interface Api {
  url: string;
  token: string;
}

/** The accounts and settings an environment is provisioned with. */
export interface ProvisionSettings {
  fly: Api & { org: string };
  turso: Api & { org: string };
  stripe: Api;
  /** Regions of the app's machines; the first is the primary (and the Turso group's). */
  regions: string[];
  volumeGb: number;
  /** Secret values to set on the Fly app (names and values; never printed). */
  secrets: Record<string, string>;
  /** The file bucket's account (Tigris); none: files stay on the volume. */
  bucket?: BucketAccount;
  /** The Redis account (Upstash); none: limits and caches stay per machine. */
  redis?: RedisAccount;
  /** Runs flyctl (certificates). */
  flyctl: Flyctl;
}

const STRIPE_EVENTS = [
  "checkout.session.completed",
  "customer.subscription.created",
  "customer.subscription.updated",
  "customer.subscription.deleted",
  "invoice.paid",
  "invoice.payment_failed",
];

async function call(
  api: Api,
  method: string,
  path: string,
  body?: { json?: unknown; form?: URLSearchParams },
): Promise<{ status: number; data: Record<string, unknown> }> {
  const headers: Record<string, string> = { authorization: `Bearer ${api.token}` };
  if (body?.json !== undefined) headers["content-type"] = "application/json";
  if (body?.form) headers["content-type"] = "application/x-www-form-urlencoded";
  const res = await fetch(`${api.url.replace(/\/$/, "")}${path}`, {
    method,
    headers,
    body: body?.json !== undefined ? JSON.stringify(body.json) : body?.form?.toString(),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  let data: Record<string, unknown> = {};
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    data = { raw: text.slice(0, 200) };
  }
  if (res.status >= 400 && res.status !== 404) {
    throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  }
  return { status: res.status, data };
}

/** The app's name: `projectmeats` for production, `projectmeats-<env>` for the others. */
export function appName(environment: string): string {
  return environment === "production" ? "projectmeats" : `projectmeats-${environment}`;
}

/** The public domain of an environment. */
export function domainOf(environment: string): string {
  return environment === "production" ? "projectmeats.app" : `${environment}.projectmeats.app`;
}

/** Everything `environment` needs, in the order it is created. */
export function environmentResources(environment: string, s: ProvisionSettings): Resource[] {
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(environment)) {
    throw new Error(`"${environment}" is not an environment name (lowercase letters, digits, -).`);
  }
  const app = appName(environment);
  const group = `pm-${environment}`;
  const controlDb = `pm-${environment}-control`;
  const webhookUrl = `https://${domainOf(environment)}/webhooks/stripe`;
  // The webhook's signing secret exists only once Stripe made the endpoint: the secrets step,
  // after it, sets it on the app.
  const secrets: Record<string, string> = { ...s.secrets };
  const resources: Resource[] = [
    {
      label: `fly app ${app}`,
      exists: async () => (await call(s.fly, "GET", `/v1/apps/${app}`)).status === 200,
      create: async () =>
        void await call(s.fly, "POST", "/v1/apps", {
          json: { app_name: app, org_slug: s.fly.org },
        }),
      remove: async () => void await call(s.fly, "DELETE", `/v1/apps/${app}`),
    },
  ];
  for (const region of s.regions) {
    const find = async () => {
      // The Machines API lists an app's volumes as a JSON array.
      const { data } = await call(s.fly, "GET", `/v1/apps/${app}/volumes`);
      const list = Array.isArray(data) ? data as Array<Record<string, unknown>> : [];
      return list.find((v) =>
        v.name === "pm_data" && v.region === region && v.state !== "destroyed"
      );
    };
    resources.push({
      label: `fly volume pm_data (${region}, ${s.volumeGb} GB)`,
      exists: async () => Boolean(await find()),
      create: async () =>
        void await call(s.fly, "POST", `/v1/apps/${app}/volumes`, {
          json: { name: "pm_data", region, size_gb: s.volumeGb },
        }),
      remove: async () => {
        const v = await find();
        if (v) await call(s.fly, "DELETE", `/v1/apps/${app}/volumes/${v.id}`);
      },
    });
  }
  const org = `/v1/organizations/${s.turso.org}`;
  resources.push(
    {
      label: `turso group ${group} (${s.regions[0]})`,
      exists: async () => (await call(s.turso, "GET", `${org}/groups/${group}`)).status === 200,
      create: async () =>
        void await call(s.turso, "POST", `${org}/groups`, {
          json: { name: group, location: s.regions[0] },
        }),
      remove: async () => void await call(s.turso, "DELETE", `${org}/groups/${group}`),
    },
    {
      label: `turso database ${controlDb} (control)`,
      exists: async () =>
        (await call(s.turso, "GET", `${org}/databases/${controlDb}`)).status === 200,
      create: async () =>
        void await call(s.turso, "POST", `${org}/databases`, {
          json: { name: controlDb, group },
        }),
      remove: async () => void await call(s.turso, "DELETE", `${org}/databases/${controlDb}`),
    },
  );
  if (s.bucket) resources.push(bucketResource(`pm-${environment}-files`, s.bucket, secrets));
  if (s.redis) resources.push(redisResource(`pm-${environment}`, s.redis, secrets));
  const findEndpoint = async () => {
    const { data } = await call(s.stripe, "GET", "/v1/webhook_endpoints?limit=100");
    return ((data.data as Array<Record<string, unknown>>) ?? []).find((e) => e.url === webhookUrl);
  };
  resources.push(
    {
      label: `stripe webhook endpoint ${webhookUrl}`,
      exists: async () => Boolean(await findEndpoint()),
      create: async () => {
        const form = new URLSearchParams({ url: webhookUrl });
        for (const e of STRIPE_EVENTS) form.append("enabled_events[]", e);
        const { data } = await call(s.stripe, "POST", "/v1/webhook_endpoints", { form });
        if (typeof data.secret === "string") secrets.STRIPE_WEBHOOK_SECRET = data.secret;
      },
      remove: async () => {
        const e = await findEndpoint();
        if (e) await call(s.stripe, "DELETE", `/v1/webhook_endpoints/${e.id}`);
      },
    },
    // The domain and every workspace's subdomain (APP_DOMAIN and its wildcard).
    certificateResource(app, domainOf(environment), s.flyctl),
    certificateResource(app, `*.${domainOf(environment)}`, s.flyctl),
    {
      label: `fly secrets of ${app} (${Object.keys(secrets).sort().join(", ") || "none given"})`,
      exists: async () => {
        const { status, data } = await call(s.fly, "GET", `/v1/apps/${app}/secrets`);
        if (status !== 200) return false;
        const names = new Set(
          ((data.secrets as Array<{ name: string }>) ?? []).map((x) => x.name),
        );
        return Object.keys(secrets).every((n) => names.has(n));
      },
      create: async () =>
        void await call(s.fly, "POST", `/v1/apps/${app}/secrets`, { json: { values: secrets } }),
      remove: async () => {
        for (const name of Object.keys(secrets)) {
          await call(s.fly, "DELETE", `/v1/apps/${app}/secrets/${name}`);
        }
      },
    },
  );
  return resources;
}
