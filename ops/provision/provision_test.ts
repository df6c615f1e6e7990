import assert from "node:assert/strict";
import { main } from "./cli.ts";

const TOKENS = { fly: "fly-token", turso: "turso-token", stripe: "sk_test_123" };

/**
 * One loopback server standing in for the Fly Machines, Turso Platform and Stripe APIs (by path):
 * each call must carry its service's token, bodies must name what the real API needs, and state
 * is kept so lookups see what was created.
 */
function cloudDouble() {
  const state = {
    apps: new Map<string, { org: string; secrets: Map<string, string> }>(),
    volumes: [] as Array<
      { id: string; app: string; name: string; region: string; size_gb: number }
    >,
    groups: new Map<string, string>(),
    databases: new Map<string, string>(),
    endpoints: [] as Array<{ id: string; url: string; events: string[] }>,
    buckets: new Set<string>(),
    redis: [] as Array<Record<string, unknown>>,
    certs: new Map<string, string>(),
  };
  const log: string[] = [];
  const fail = { stripePost: false };
  let n = 0;
  const json = (v: unknown, status = 200) => Response.json(v, { status });
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const path = url.pathname;
    if (path.startsWith("/s3/")) {
      // Tigris: the S3 API, signed (SigV4) with the access key, an empty payload's hash.
      const auth = req.headers.get("authorization") ?? "";
      if (!/^AWS4-HMAC-SHA256 Credential=tid_key\/\d{8}\/auto\/s3\/aws4_request, /.test(auth)) {
        return new Response("bad signature", { status: 403 });
      }
      const bucket = decodeURIComponent(path.slice("/s3/".length));
      log.push(`s3 ${req.method} /${bucket}`);
      if (req.method === "HEAD") {
        return new Response(null, { status: state.buckets.has(bucket) ? 200 : 404 });
      }
      if (req.method === "PUT") state.buckets.add(bucket);
      if (req.method === "DELETE") state.buckets.delete(bucket);
      return new Response(null, { status: req.method === "DELETE" ? 204 : 200 });
    }
    if (path.startsWith("/upstash/")) {
      if (req.headers.get("authorization") !== `Basic ${btoa("ops@acme.example:up_key")}`) {
        return json({ error: "bad credentials" }, 401);
      }
      const p = path.slice("/upstash".length);
      log.push(`upstash ${req.method} ${p}`);
      if (req.method === "GET" && p === "/v2/redis/databases") return json(state.redis);
      if (req.method === "POST" && p === "/v2/redis/database") {
        const body = await req.json();
        assert.equal(body.tls, true, "TLS only");
        const db = {
          database_id: `db_${++n}`,
          database_name: body.database_name,
          primary_region: body.primary_region,
          endpoint: `${body.database_name}.upstash.io`,
          port: 6379,
          password: "redis-pass",
        };
        state.redis.push(db);
        return json(db);
      }
      const m = /^\/v2\/redis\/database\/([^/]+)$/.exec(p);
      if (req.method === "DELETE" && m) {
        state.redis = state.redis.filter((d) => d.database_id !== m[1]);
        return json("OK");
      }
      return json({ error: `unexpected ${req.method} ${p}` }, 400);
    }
    const service = path.startsWith("/fly/")
      ? "fly"
      : path.startsWith("/turso/")
      ? "turso"
      : "stripe";
    const token = req.headers.get("authorization");
    if (token !== `Bearer ${TOKENS[service]}`) return json({ error: "bad token" }, 401);
    const p = path.replace(/^\/(fly|turso|stripe)/, "");
    log.push(`${service} ${req.method} ${p}`);
    const body = req.method === "POST"
      ? req.headers.get("content-type")?.includes("json")
        ? await req.json()
        : Object.fromEntries(new URLSearchParams(await req.text()))
      : null;
    let m;
    if (service === "fly") {
      if (req.method === "POST" && p === "/v1/apps") {
        assert.ok(body.app_name && body.org_slug);
        state.apps.set(body.app_name, { org: body.org_slug, secrets: new Map() });
        return json({ id: body.app_name }, 201);
      }
      if ((m = /^\/v1\/apps\/([^/]+)$/.exec(p))) {
        if (!state.apps.has(m[1]!)) return json({ error: "not found" }, 404);
        if (req.method === "DELETE") state.apps.delete(m[1]!);
        return json({ name: m[1] });
      }
      if ((m = /^\/v1\/apps\/([^/]+)\/volumes(?:\/([^/]+))?$/.exec(p))) {
        if (!state.apps.has(m[1]!)) return json({ error: "not found" }, 404);
        if (req.method === "GET") return json(state.volumes.filter((v) => v.app === m![1]));
        if (req.method === "POST") {
          assert.ok(body.name && body.region && body.size_gb > 0);
          state.volumes.push({ id: `vol_${++n}`, app: m[1]!, ...body });
          return json({ id: `vol_${n}` });
        }
        state.volumes = state.volumes.filter((v) => v.id !== m![2]);
        return json({});
      }
      if ((m = /^\/v1\/apps\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(p))) {
        const app = state.apps.get(m[1]!);
        if (!app) return json({ error: "not found" }, 404);
        if (req.method === "GET") {
          return json({ secrets: [...app.secrets.keys()].map((name) => ({ name })) });
        }
        if (req.method === "POST") {
          for (const [k, v] of Object.entries(body.values)) app.secrets.set(k, String(v));
          return json({});
        }
        app.secrets.delete(m[2]!);
        return json({});
      }
    }
    if (service === "turso") {
      if ((m = /^\/v1\/organizations\/acme-org\/groups(?:\/([^/]+))?$/.exec(p))) {
        if (req.method === "POST") {
          state.groups.set(body.name, body.location);
          return json({ group: body });
        }
        if (!state.groups.has(m[1]!)) return json({ error: "not found" }, 404);
        if (req.method === "DELETE") state.groups.delete(m[1]!);
        return json({ group: { name: m[1] } });
      }
      if ((m = /^\/v1\/organizations\/acme-org\/databases(?:\/([^/]+))?$/.exec(p))) {
        if (req.method === "POST") {
          assert.ok(state.groups.has(body.group), "the database's group exists first");
          state.databases.set(body.name, body.group);
          return json({ database: { Name: body.name } });
        }
        if (!state.databases.has(m[1]!)) return json({ error: "not found" }, 404);
        if (req.method === "DELETE") state.databases.delete(m[1]!);
        return json({ database: { Name: m[1] } });
      }
    }
    if (service === "stripe") {
      if (p === "/v1/webhook_endpoints" && req.method === "GET") {
        return json({ data: state.endpoints });
      }
      if (p === "/v1/webhook_endpoints" && req.method === "POST") {
        if (fail.stripePost) return json({ error: { message: "Stripe is down" } }, 500);
        const id = `we_${++n}`;
        state.endpoints.push({ id, url: body.url, events: [] });
        return json({ id, url: body.url, secret: "whsec_from_stripe" });
      }
      if ((m = /^\/v1\/webhook_endpoints\/([^/]+)$/.exec(p)) && req.method === "DELETE") {
        state.endpoints = state.endpoints.filter((e) => e.id !== m![1]);
        return json({ deleted: true });
      }
    }
    return json({ error: `unexpected ${req.method} ${p}` }, 400);
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  const env: Record<string, string> = {
    FLY_API_URL: `${base}/fly`,
    FLY_API_TOKEN: TOKENS.fly,
    FLY_ORG: "acme",
    TURSO_API_URL: `${base}/turso`,
    TURSO_API_TOKEN: TOKENS.turso,
    TURSO_ORG: "acme-org",
    STRIPE_API_URL: `${base}/stripe`,
    STRIPE_SECRET_KEY: TOKENS.stripe,
    ENCRYPTION_MASTER_KEY: "bWFzdGVy",
  };
  /** `flyctl certs ...` as the CLI would answer, against the double's apps; every call logged. */
  const flyctl = (args: string[]) => {
    log.push(`flyctl ${args.join(" ")}`);
    const [group, verb, host, flag, app] = args;
    assert.equal(group, "certs");
    assert.equal(flag, "--app");
    if (!state.apps.has(app!)) return Promise.resolve({ code: 1, stdout: "" });
    const key = `${app} ${host}`;
    if (verb === "show") return Promise.resolve({ code: state.certs.has(key) ? 0 : 1, stdout: "" });
    if (verb === "add") state.certs.set(key, host!);
    if (verb === "remove") state.certs.delete(key);
    return Promise.resolve({ code: 0, stdout: "{}" });
  };
  return { state, log, fail, env, flyctl, base, close: () => server.shutdown() };
}

async function run(double: ReturnType<typeof cloudDouble>, ...args: string[]) {
  const out: string[] = [];
  const code = await main(
    args,
    (name) => double.env[name],
    (line) => out.push(line),
    double.flyctl,
  );
  return { code, out };
}

Deno.test("provision plan changes nothing; apply creates the environment once; a second apply creates nothing", async () => {
  const cloud = cloudDouble();
  try {
    const plan = await run(cloud, "plan", "staging", "--region", "ord", "--region", "ams");
    assert.equal(plan.code, 0);
    assert.deepEqual(plan.out, [
      "+ create fly app projectmeats-staging",
      "+ create fly volume pm_data (ord, 10 GB)",
      "+ create fly volume pm_data (ams, 10 GB)",
      "+ create turso group pm-staging (ord)",
      "+ create turso database pm-staging-control (control)",
      "+ create stripe webhook endpoint https://staging.projectmeats.app/webhooks/stripe",
      "+ create fly certificate staging.projectmeats.app (projectmeats-staging)",
      "+ create fly certificate *.staging.projectmeats.app (projectmeats-staging)",
      "+ create fly secrets of projectmeats-staging (ENCRYPTION_MASTER_KEY, STRIPE_SECRET_KEY, TURSO_API_TOKEN, TURSO_ORG)",
    ]);
    assert.ok(
      cloud.log.every((l) => / GET /.test(l) || l.startsWith("flyctl certs show")),
      "plan only reads",
    );

    const applied = await run(cloud, "apply", "staging", "--region", "ord", "--region", "ams");
    assert.equal(applied.code, 0);
    assert.equal(applied.out.at(-1), "9 created.");
    assert.deepEqual([...cloud.state.apps.keys()], ["projectmeats-staging"]);
    assert.equal(cloud.state.apps.get("projectmeats-staging")!.org, "acme");
    assert.deepEqual(cloud.state.volumes.map((v) => [v.name, v.region]), [["pm_data", "ord"], [
      "pm_data",
      "ams",
    ]]);
    assert.equal(cloud.state.databases.get("pm-staging-control"), "pm-staging");
    const secrets = cloud.state.apps.get("projectmeats-staging")!.secrets;
    assert.equal(
      secrets.get("STRIPE_WEBHOOK_SECRET"),
      "whsec_from_stripe",
      "Stripe's secret set on the app",
    );
    assert.equal(secrets.get("TURSO_API_TOKEN"), TOKENS.turso);
    assert.ok(!applied.out.join("\n").includes(TOKENS.turso), "no secret printed");

    const writes = cloud.log.length;
    const again = await run(cloud, "apply", "staging", "--region", "ord", "--region", "ams");
    assert.equal(again.out.at(-1), "Nothing to create: all in place.");
    assert.ok(again.out.slice(0, -1).every((l) => l.startsWith("= keep")));
    assert.ok(
      cloud.log.slice(writes).every((l) => / GET /.test(l) || l.startsWith("flyctl certs show")),
      "the second apply only reads",
    );
  } finally {
    await cloud.close();
  }
});

Deno.test("a failed step rolls back what the apply created, newest first, and destroy removes everything", async () => {
  const cloud = cloudDouble();
  try {
    cloud.fail.stripePost = true;
    const failed = await run(cloud, "apply", "staging");
    assert.equal(failed.code, 1);
    assert.match(
      failed.out.at(-1)!,
      /Creating stripe webhook endpoint .* failed: .*500.*Rolled back everything this run created \(4\)/,
    );
    assert.deepEqual(
      failed.out.filter((l) => l.startsWith("rolled back")),
      [
        "rolled back turso database pm-staging-control (control)",
        "rolled back turso group pm-staging (ord)",
        "rolled back fly volume pm_data (ord, 10 GB)",
        "rolled back fly app projectmeats-staging",
      ],
    );
    assert.equal(
      cloud.state.apps.size + cloud.state.volumes.length + cloud.state.groups.size +
        cloud.state.databases.size + cloud.state.endpoints.length,
      0,
      "nothing left behind",
    );

    // A good apply, then destroy (which asks for --yes first).
    cloud.fail.stripePost = false;
    await run(cloud, "apply", "staging");
    const refused = await run(cloud, "destroy", "staging");
    assert.equal(refused.code, 2);
    assert.equal(cloud.state.apps.size, 1, "destroy needs --yes");
    const gone = await run(cloud, "destroy", "staging", "--yes");
    assert.equal(gone.code, 0);
    assert.equal(gone.out.at(-1), "8 removed.");
    assert.equal(
      cloud.state.apps.size + cloud.state.volumes.length + cloud.state.groups.size +
        cloud.state.databases.size + cloud.state.endpoints.length + cloud.state.certs.size,
      0,
    );
  } finally {
    await cloud.close();
  }
});

Deno.test("provision refuses to start without the accounts' tokens, and a bad environment name", async () => {
  const out: string[] = [];
  await assert.rejects(
    () => main(["plan", "staging"], () => undefined, (l) => out.push(l)),
    /Set FLY_API_TOKEN, TURSO_API_TOKEN, TURSO_ORG, STRIPE_SECRET_KEY first/,
  );
  const cloud = cloudDouble();
  try {
    await assert.rejects(() => run(cloud, "plan", "Prod!"), /not an environment name/);
    assert.equal(cloud.log.length, 0);
  } finally {
    await cloud.close();
  }
});

Deno.test("provision covers the bucket, Redis and the domain's certificates: the plan lists them, apply makes exactly these requests and commands, sets their secrets, and destroy removes them", async () => {
  const cloud = cloudDouble();
  Object.assign(cloud.env, {
    AWS_ENDPOINT_URL_S3: `${cloud.base}/s3`,
    AWS_ACCESS_KEY_ID: "tid_key",
    AWS_SECRET_ACCESS_KEY: "tsec_secret",
    UPSTASH_API_URL: `${cloud.base}/upstash`,
    UPSTASH_EMAIL: "ops@acme.example",
    UPSTASH_API_KEY: "up_key",
    UPSTASH_REGION: "us-east-1",
  });
  try {
    const plan = await run(cloud, "plan", "staging");
    const host = new URL(cloud.base).host;
    assert.deepEqual(plan.out.slice(4, 9), [
      `+ create bucket pm-staging-files (${host})`,
      "+ create redis pm-staging (upstash, us-east-1)",
      "+ create stripe webhook endpoint https://staging.projectmeats.app/webhooks/stripe",
      "+ create fly certificate staging.projectmeats.app (projectmeats-staging)",
      "+ create fly certificate *.staging.projectmeats.app (projectmeats-staging)",
    ]);
    assert.match(
      plan.out.at(-1)!,
      /AWS_ACCESS_KEY_ID, AWS_ENDPOINT_URL_S3, AWS_SECRET_ACCESS_KEY, BUCKET_NAME/,
    );
    const planned = cloud.log.length;
    assert.ok(
      cloud.log.every((l) => / (GET|HEAD) /.test(l) || l.startsWith("flyctl certs show")),
      "plan only reads",
    );

    const applied = await run(cloud, "apply", "staging");
    assert.equal(applied.code, 0, applied.out.join("\n"));
    assert.equal(applied.out.at(-1), "10 created.");
    // The writes, in order: exactly what the real services would be asked to do.
    const writes = cloud.log.slice(planned).filter((l) =>
      !/ (GET|HEAD) /.test(l) && !l.startsWith("flyctl certs show")
    );
    assert.deepEqual(writes, [
      "fly POST /v1/apps",
      "fly POST /v1/apps/projectmeats-staging/volumes",
      "turso POST /v1/organizations/acme-org/groups",
      "turso POST /v1/organizations/acme-org/databases",
      "s3 PUT /pm-staging-files",
      "upstash POST /v2/redis/database",
      "stripe POST /v1/webhook_endpoints",
      "flyctl certs add staging.projectmeats.app --app projectmeats-staging --json",
      "flyctl certs add *.staging.projectmeats.app --app projectmeats-staging --json",
      "fly POST /v1/apps/projectmeats-staging/secrets",
    ]);
    const secrets = cloud.state.apps.get("projectmeats-staging")!.secrets;
    assert.equal(secrets.get("BUCKET_NAME"), "pm-staging-files");
    assert.equal(secrets.get("AWS_SECRET_ACCESS_KEY"), "tsec_secret");
    assert.equal(
      secrets.get("REDIS_URL"),
      "rediss://default:redis-pass@pm-staging.upstash.io:6379",
    );
    assert.ok(!applied.out.join("\n").includes("redis-pass"), "no secret printed");
    assert.ok(!applied.out.join("\n").includes("tsec_secret"), "no secret printed");

    const again = await run(cloud, "apply", "staging");
    assert.equal(again.out.at(-1), "Nothing to create: all in place.");

    const gone = await run(cloud, "destroy", "staging", "--yes");
    assert.equal(gone.code, 0);
    assert.equal(gone.out.at(-1), "10 removed.");
    assert.equal(cloud.state.buckets.size + cloud.state.redis.length + cloud.state.certs.size, 0);
    assert.ok(cloud.log.includes("s3 DELETE /pm-staging-files"));
    assert.ok(
      cloud.log.includes(
        "flyctl certs remove *.staging.projectmeats.app --app projectmeats-staging --yes",
      ),
    );
  } finally {
    await cloud.close();
  }
});
