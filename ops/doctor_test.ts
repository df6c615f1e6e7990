import assert from "node:assert/strict";
import { parseConfig } from "../config.ts";
import {
  assertDeployable,
  checkDeployment,
  checkSettings,
  deploymentFromEnv,
  deploymentFromFlyToml,
  type Finding,
  weakKeyReason,
} from "./doctor.ts";

/** Secrets an operator would set with `fly secrets set`, apart from the shared-state ones. */
const SECRETS = {
  SMTP_URL: "smtps://mailer:secret@smtp.example.com",
  STRIPE_SECRET_KEY: "sk_live_x",
  STRIPE_WEBHOOK_SECRET: "whsec_x",
  OPERATOR_EMAILS: "ops@example.com",
  SECOND_FACTOR_KEY: "q3V8mZr1Lk0sT9wYb7Xn2Pd6Hf4Jc5Ga8Ue1Oi0Rt2M=",
};
const SHARED = {
  TURSO_ORG: "acme",
  TURSO_API_TOKEN: "token",
  BUCKET_NAME: "pm-files",
  AWS_ENDPOINT_URL_S3: "https://fly.storage.tigris.dev",
  AWS_ACCESS_KEY_ID: "tid_x",
  AWS_SECRET_ACCESS_KEY: "tsec_x",
  REDIS_URL: "redis://default:pw@fly-pm-redis.upstash.io:6379",
};

const errorsOf = (findings: Finding[]) =>
  findings.filter((f) => f.level === "error").map((f) => f.setting);

const shippedFlyToml = () => Deno.readTextFileSync(new URL("../fly.toml", import.meta.url));

Deno.test("doctor: one machine on the defaults has nothing to say", () => {
  const deployment = deploymentFromEnv({});
  assert.equal(deployment.multiMachine, null);
  assert.deepEqual(checkDeployment(deployment), []);
});

Deno.test("doctor: the shipped fly.toml spans machines and is refused without Turso, S3 and Redis", () => {
  const deployment = deploymentFromFlyToml(shippedFlyToml(), SECRETS);
  assert.match(deployment.multiMachine ?? "", /process groups/);
  assert.deepEqual(deployment.groups.map((g) => g.name), ["app", "worker"]);
  // The app group gives its jobs to the worker group, which runs them.
  assert.equal(deployment.groups[0]!.config.RUN_WORKERS, false);
  assert.equal(deployment.groups[1]!.config.RUN_WORKERS, true);
  const findings = checkDeployment(deployment);
  const errors = errorsOf(findings);
  assert.ok(errors.includes("TURSO_ORG, TURSO_API_TOKEN"), errors.join(" | "));
  assert.ok(errors.some((e) => e.startsWith("BUCKET_NAME")), errors.join(" | "));
  assert.ok(errors.includes("REDIS_URL"), errors.join(" | "));
  const control = findings.find((f) => f.setting.startsWith("TURSO_ORG"))!;
  assert.match(control.message, /jobs queued by the app never reach a worker/);
});

Deno.test("doctor: the shipped fly.toml with Turso, S3 and Redis set has no error", () => {
  const findings = checkDeployment(deploymentFromFlyToml(shippedFlyToml(), {
    ...SECRETS,
    ...SHARED,
  }));
  assert.deepEqual(errorsOf(findings), []);
});

Deno.test("doctor: several groups none of which runs workers is refused", () => {
  const toml = `
[env]
  DEPLOYMENT = "multi"
[processes]
  app = "sh -c 'RUN_WORKERS=false ./scripts/deno task start'"
  api = "sh -c 'RUN_WORKERS=false ./scripts/deno task start'"
`;
  const errors = errorsOf(checkDeployment(deploymentFromFlyToml(toml, SHARED)));
  assert.deepEqual(errors, ["RUN_WORKERS"]);
});

Deno.test("doctor: several groups without DEPLOYMENT=multi are told to set it", () => {
  const toml = `
[processes]
  app = "./scripts/deno task start"
  worker = "./scripts/deno task worker"
`;
  const errors = errorsOf(checkDeployment(deploymentFromFlyToml(toml, SHARED)));
  assert.deepEqual(errors, ["DEPLOYMENT"]);
});

Deno.test("doctor: half-configured S3 and Turso name what is missing", () => {
  const findings = checkSettings(parseConfig({ BUCKET_NAME: "files", TURSO_ORG: "acme" }));
  const s3 = findings.find((f) => f.message.includes("half configured"))!;
  assert.equal(s3.setting, "AWS_ENDPOINT_URL_S3, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY");
  assert.ok(findings.some((f) => f.setting === "TURSO_API_TOKEN"));
});

Deno.test("doctor: production without mail, with a localhost domain, is refused", () => {
  const findings = checkSettings(parseConfig({ APP_ENV: "production" }));
  assert.deepEqual(errorsOf(findings).sort(), ["APP_DOMAIN", "SMTP_URL"]);
  const warnings = findings.filter((f) => f.level === "warning").map((f) => f.setting).sort();
  assert.deepEqual(warnings, ["OPERATOR_EMAILS", "STRIPE_SECRET_KEY", "TRUST_PROXY"]);
});

Deno.test("doctor: a process of a multi-machine setup refuses to start without shared state", () => {
  assertDeployable(parseConfig({})); // one machine: nothing to share
  assertDeployable(parseConfig({ DEPLOYMENT: "multi", ...SHARED }));
  assert.throws(
    () => assertDeployable(parseConfig({ DEPLOYMENT: "multi", ...SHARED, REDIS_URL: undefined })),
    /cannot run on several machines:\n {2}REDIS_URL: /,
  );
});

Deno.test("doctor: main.ts itself refuses DEPLOYMENT=multi on local files and says why", async () => {
  const dataDir = await Deno.makeTempDir();
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
      env: { DEPLOYMENT: "multi", DATA_DIR: dataDir, PORT: "0", SEED_DEMO: "false" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.success, false);
    assert.match(stderr, /cannot run on several machines/);
    assert.match(stderr, /BUCKET_NAME/);
    // Refused before anything was written.
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("doctor: a finding of one group only names that group", () => {
  const toml = `
[env]
  DEPLOYMENT = "multi"
  APP_ENV = "production"
  APP_DOMAIN = "meats.example"
[processes]
  app = "sh -c 'RUN_WORKERS=false TRUST_PROXY=true ./scripts/deno task start'"
  worker = "./scripts/deno task worker"
`;
  const findings = checkDeployment(deploymentFromFlyToml(toml, { ...SECRETS, ...SHARED }));
  assert.deepEqual(findings.map((f) => f.message.slice(0, 22)), ["[worker] TRUST_PROXY i"]);
});

const warningsAbout = (findings: Finding[], setting: string) =>
  findings.filter((f) => f.level === "warning" && f.setting === setting).map((f) => f.message);

Deno.test("doctor: warns when SECOND_FACTOR_KEY is missing with DEPLOYMENT=multi, and only then", () => {
  const multi = checkSettings(parseConfig({ DEPLOYMENT: "multi", ...SHARED }));
  const [missing, ...rest] = warningsAbout(multi, "SECOND_FACTOR_KEY");
  assert.match(missing ?? "", /each machine makes its own key/);
  assert.deepEqual(rest, []);
  assert.deepEqual(warningsAbout(checkSettings(parseConfig({})), "SECOND_FACTOR_KEY"), []);
  const strong = "q3V8mZr1Lk0sT9wYb7Xn2Pd6Hf4Jc5Ga8Ue1Oi0Rt2M=";
  const set = checkSettings(parseConfig({ DEPLOYMENT: "multi", SECOND_FACTOR_KEY: strong }));
  assert.deepEqual(warningsAbout(set, "SECOND_FACTOR_KEY"), []);
});

Deno.test("doctor: warns when SECOND_FACTOR_KEY is a placeholder or a weak pattern", () => {
  for (
    const weak of [
      "changeme-changeme-changeme-changeme",
      "a".repeat(40),
      "abcdabcdabcdabcdabcdabcdabcdabcdabcd",
      "my-second-factor-secret-for-production",
      "0123456789".repeat(4),
    ]
  ) {
    const findings = checkSettings(parseConfig({ SECOND_FACTOR_KEY: weak }));
    assert.equal(warningsAbout(findings, "SECOND_FACTOR_KEY").length, 1, weak);
    assert.ok(weakKeyReason(weak), weak);
  }
  assert.equal(weakKeyReason("q3V8mZr1Lk0sT9wYb7Xn2Pd6Hf4Jc5Ga8Ue1Oi0Rt2M="), null);
});

Deno.test("doctor: warns when SECOND_FACTOR_KEY_PREVIOUS equals the key or has no key beside it", () => {
  const key = "q3V8mZr1Lk0sT9wYb7Xn2Pd6Hf4Jc5Ga8Ue1Oi0Rt2M=";
  const same = checkSettings(
    parseConfig({ SECOND_FACTOR_KEY: key, SECOND_FACTOR_KEY_PREVIOUS: key }),
  );
  assert.match(warningsAbout(same, "SECOND_FACTOR_KEY_PREVIOUS")[0] ?? "", /no rotation/);
  const alone = checkSettings(parseConfig({ SECOND_FACTOR_KEY_PREVIOUS: key }));
  assert.match(warningsAbout(alone, "SECOND_FACTOR_KEY")[0] ?? "", /without SECOND_FACTOR_KEY/);
});
