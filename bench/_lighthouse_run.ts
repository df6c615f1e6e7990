/**
 * @module bench/_lighthouse_run
 * One Lighthouse run through `npx` against Debian's Chromium (`CHROME_PATH` to change it), signed
 * in by a session cookie, its JSON report parsed; shared by the performance benchmark
 * (bench/lighthouse.ts, Lighthouse 13) and the PWA audits (scripts/lighthouse_pwa.ts, 11.7.1, the
 * last release with them). Throws with Lighthouse's own reason when the run fails.
 * `withSignedInDemo` starts the app on loopback for either of them: a temporary DATA_DIR, the
 * demo workspace, its user signed in.
 */
import { parseConfig } from "../config.ts";
import { closeServices, createServices } from "../services.ts";
import { createApp } from "../app.ts";
import { DEMO_EMAIL, DEMO_PASSWORD, ensureDemoTenant } from "../tenants/demo.ts";
import { hostFetch } from "../tests/helpers/http.ts";

// deno-lint-ignore no-explicit-any
export type LighthouseReport = any;

export async function runLighthouse(opts: {
  version: string;
  url: string;
  cookie: string;
  /** Extra command-line options (the categories, the form factor). */
  args: string[];
  /** Where to keep the full JSON report, if anywhere. */
  report?: string;
}): Promise<LighthouseReport> {
  const chromePath = Deno.env.get("CHROME_PATH") ?? "/usr/bin/chromium";
  const out = await new Deno.Command("npx", {
    args: [
      "--yes",
      `lighthouse@${opts.version}`,
      opts.url,
      ...opts.args,
      "--output=json",
      "--output-path=stdout",
      "--quiet",
      "--no-enable-error-reporting",
      "--chrome-flags=--headless --no-sandbox --disable-gpu",
      `--extra-headers=${JSON.stringify({ Cookie: opts.cookie })}`,
    ],
    env: { CHROME_PATH: chromePath },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success || !text.trim().startsWith("{")) {
    const stderr = new TextDecoder().decode(out.stderr).split("\n");
    const reason = stderr.find((l) => /error/i.test(l) && !/EBADENGINE/.test(l)) ?? stderr.at(-2);
    throw new Error(`lighthouse failed for ${opts.url}: ${reason}`);
  }
  if (opts.report) await Deno.writeTextFile(opts.report, text);
  const lhr = JSON.parse(text);
  if (lhr.runtimeError) throw new Error(`lighthouse: ${lhr.runtimeError.message}`);
  return lhr;
}

/** Where the demo workspace answers, and the demo user's session cookie. */
export interface SignedInDemo {
  port: number;
  host: string;
  cookie: string;
}

/**
 * Runs `body` against the app started on loopback with a temporary data folder and the demo
 * workspace, signed in as the demo user; stops the app and removes the folder afterwards.
 */
export async function withSignedInDemo<T>(body: (demo: SignedInDemo) => Promise<T>): Promise<T> {
  const dataDir = await Deno.makeTempDir({ prefix: "pm-lighthouse-" });
  const services = await createServices(parseConfig({
    DATA_DIR: dataDir,
    APP_DOMAIN: "localhost",
    LOG_LEVEL: "silent",
    RUN_WORKERS: "false",
    SEED_DEMO: "true",
  }));
  const app = createApp(services);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req, info) => app.fetch(req, info),
  );
  try {
    await ensureDemoTenant(services);
    const port = server.addr.port;
    const host = "demo.localhost";
    const login = await hostFetch(port, host, "/api/v1/auth/login", {
      method: "POST",
      json: { email: DEMO_EMAIL, password: DEMO_PASSWORD },
    });
    if (login.status !== 200) throw new Error(`sign-in: ${login.status} ${await login.text()}`);
    await login.body?.cancel();
    const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    return await body({ port, host, cookie });
  } finally {
    await server.shutdown();
    await closeServices(services);
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
}
