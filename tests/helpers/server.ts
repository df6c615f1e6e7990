/**
 * @module tests/helpers/server
 * Starts the real app on a loopback port with its own temporary data folder, for API, isolation
 * and browser tests. Each server is independent; `close()` stops it and removes its data.
 */
import { parseConfig } from "../../config.ts";
import { closeServices, createServices, type Services } from "../../services.ts";
import { createApp } from "../../app.ts";
import { CookieJar, hostFetch, type HostRequestInit } from "./http.ts";

export interface TestServer {
  port: number;
  origin: string;
  services: Services;
  dataDir: string;
  /** Sends a request as if to `host` (e.g. "acme.localhost" or "localhost"). */
  fetch(host: string, path: string, init?: HostRequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** A master key for tests of production behaviour (base64 of 32 bytes; never used elsewhere). */
export const TEST_MASTER_KEY = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));

/** Starts a server; `env` overrides settings, `overrides` replaces services (fault injection). */
export async function startTestServer(
  env: Record<string, string> = {},
  overrides: Partial<Services> = {},
): Promise<TestServer> {
  const dataDir = await Deno.makeTempDir({ prefix: "pm-test-" });
  const config = parseConfig({
    DATA_DIR: dataDir,
    APP_DOMAIN: "localhost",
    APP_ENV: "test",
    LOG_LEVEL: Deno.env.get("TEST_LOG_LEVEL") ?? "silent",
    PASSWORD_SCRYPT_N: "1024",
    SEED_DEMO: "false",
    RUN_WORKERS: "false",
    // Production refuses a moved clock; a test of production behaviour runs on the real one.
    TEST_TODAY: env.APP_ENV === "production" ? undefined : Deno.env.get("TEST_TODAY"),
    // Production requires a master key (crypto/keys.ts); elsewhere one is generated in DATA_DIR.
    ENCRYPTION_MASTER_KEY: env.APP_ENV === "production" ? TEST_MASTER_KEY : undefined,
    // Tests sign up many workspaces from loopback; the signup limits' own tests set theirs.
    SIGNUP_LIMIT_PER_IP: "10000",
    SIGNUP_LIMIT_PER_EMAIL: "10000",
    // The tests' identity provider listens on loopback (tests/helpers/oidc_provider.ts).
    SSO_ALLOW_PRIVATE_NETWORKS: env.APP_ENV === "production" ? undefined : "true",
    ...env,
  });
  const services = await createServices(config, overrides);
  const app = createApp(services);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req, info) => app.fetch(req, info),
  );
  const port = server.addr.port;
  return {
    port,
    origin: `http://localhost:${port}`,
    services,
    dataDir,
    fetch: (host, path, init) => hostFetch(port, host, path, init),
    async close() {
      await server.shutdown();
      await closeServices(services);
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

export interface SignedUp {
  slug: string;
  host: string;
  tenantId: string;
  userId: string;
  email: string;
  password: string;
  jar: CookieJar;
  /** The session's CSRF token, for cookie-authenticated writes. */
  csrf: string;
}

let counter = 0;

/**
 * Signs up a tenant through the API and follows the handoff in the same client (it carries the
 * `pm_handoff` cookie the sign-up set, auth/handoff.ts), leaving a signed-in cookie jar.
 */
export async function signUpTenant(
  server: TestServer,
  slug = `t${Date.now().toString(36)}${counter++}`,
  password = "correct horse battery",
): Promise<SignedUp> {
  const email = `owner@${slug}.example`;
  const res = await server.fetch("localhost", "/api/v1/signup", {
    method: "POST",
    json: { company_name: `${slug} Foods`, slug, owner_name: "Olive Owner", email, password },
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${await res.text()}`);
  const body = await res.json();
  const host = `${slug}.localhost`;
  const jar = new CookieJar();
  jar.store("localhost", res);
  const login = new URL(body.login_url);
  const handoff = await server.fetch(host, login.pathname + login.search, {
    headers: { cookie: jar.header(host) },
  });
  jar.store(host, handoff);
  await handoff.body?.cancel();
  const me = await server.fetch(host, "/api/v1/auth/csrf", {
    headers: { cookie: jar.header(host) },
  });
  const csrf = me.ok ? (await me.json()).csrf_token : "";
  return { slug, host, tenantId: body.tenant.id, userId: body.user.id, email, password, jar, csrf };
}
