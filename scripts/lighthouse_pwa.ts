/**
 * @module scripts/lighthouse_pwa
 * `deno task lighthouse`: Lighthouse's installable-app (PWA) audits against the demo workspace,
 * signed in, so that the page registers the service worker as a user's would. It prints each
 * audit with its verdict and exits 1 when one that matters for installing the app fails.
 *
 * Lighthouse 12 dropped its PWA category (Chrome's own install prompt criteria became the
 * reference), so this runs Lighthouse 11, the last with it, from npm through
 * `npx --yes lighthouse@11.7.1` (a Node CLI with a large dependency tree the app does not need),
 * driving Debian's Chromium (`CHROME_PATH`, default /usr/bin/chromium). The browser test
 * tests/e2e/pwa_test.ts checks the same installability through Chromium's
 * `Page.getInstallabilityErrors` on every run; this is the cross-check the issue asks for.
 * Lighthouse 11 has no service worker or offline start_url audit any more (Chrome stopped
 * requiring them to install), so the script checks those two itself with puppeteer-core, as
 * Lighthouse 9 did. `--save=FILE` keeps Lighthouse's full report (JSON). Results: docs/offline.md.
 */
import { DEMO_EMAIL, DEMO_PASSWORD } from "../tenants/demo.ts";
import { hostFetch } from "../tests/helpers/http.ts";
import { launchBrowser, signInThroughPage } from "../tests/e2e/browser.ts";
import { runLighthouse, withSignedInDemo } from "../bench/_lighthouse_run.ts";

/** The audits that decide whether the app installs and starts; the rest are advice. */
const REQUIRED = ["installable-manifest", "splash-screen", "themed-omnibox", "maskable-icon"];
/** Advice that is not about installing (redirects to HTTPS cannot pass on plain loopback). */
const SHOWN_ONLY = ["viewport", "content-width", "redirects-http"];

interface Audit {
  id: string;
  title: string;
  score: number | null;
  scoreDisplayMode: string;
  explanation?: string;
  details?: { items?: Array<{ reason?: string }> };
}

const saveFile = Deno.args.find((a) => a.startsWith("--save="))?.slice(7);

/** Runs Lighthouse's PWA category on `url` with the session `cookie`; the report (LHR). */
async function lighthouse(url: string, cookie: string) {
  const lhr = await runLighthouse({
    version: "11.7.1",
    url,
    cookie,
    args: ["--only-categories=pwa", "--form-factor=mobile"],
    report: saveFile,
  });
  return lhr as {
    lighthouseVersion: string;
    audits: Record<string, Audit>;
    categories: { pwa: { auditRefs: Array<{ id: string }> } };
  };
}

/**
 * What Lighthouse 9's `service-worker` and `offline-start-url` audits checked, which 11 no longer
 * has: a worker controls the manifest's start_url, and with the page and the worker offline the
 * start_url still answers 200 from the worker.
 */
async function offlineChecks(
  port: number,
  host: string,
): Promise<Array<[string, boolean, string]>> {
  const session = await launchBrowser({ serviceWorkers: true });
  try {
    const page = await session.newPage();
    const origin = await signInThroughPage(page, port, {
      host,
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    await page.waitForFunction(() => Boolean(navigator.serviceWorker?.controller), {
      timeout: 30_000,
    });
    const manifest = await (await hostFetch(port, host, "/manifest.webmanifest")).json();
    const startUrl = new URL(manifest.start_url ?? "/", `${origin}/`).href;
    const worker = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return r?.active?.scriptURL ?? "";
    });
    await page.setOfflineMode(true);
    for (const target of session.browser.targets()) {
      if (target.type() !== "service_worker") continue;
      const cdp = await target.createCDPSession();
      await cdp.send("Network.enable");
      await cdp.send("Network.emulateNetworkConditions", {
        offline: true,
        latency: 0,
        downloadThroughput: -1,
        uploadThroughput: -1,
      });
    }
    const offline = await page.goto(startUrl);
    const title = await page.title();
    return [
      ["service-worker", worker !== "", `registered ${worker || "none"}, controls the page`],
      [
        "offline-start-url",
        offline?.status() === 200 && offline.fromServiceWorker(),
        `start_url ${startUrl} offline: ${offline?.status()} from the worker ("${title}")`,
      ],
    ];
  } finally {
    await session.close();
  }
}

function verdict(audit: Audit): string {
  if (audit.scoreDisplayMode === "manual") return "manual";
  if (audit.scoreDisplayMode === "notApplicable") return "n/a";
  return audit.score === 1 ? "pass" : "FAIL";
}

const failed: string[] = [];
await withSignedInDemo(async ({ port, host, cookie }) => {
  const url = `http://${host}:${port}/`;
  const lhr = await lighthouse(url, cookie);
  console.log(`Lighthouse ${lhr.lighthouseVersion}, PWA audits of ${url} (demo, signed in)\n`);
  for (const { id } of lhr.categories.pwa.auditRefs) {
    const audit = lhr.audits[id];
    if (!audit) continue;
    const v = verdict(audit);
    const why = audit.explanation ||
      (audit.details?.items ?? []).map((i) => i.reason).filter(Boolean).join("; ");
    const note = SHOWN_ONLY.includes(id) ? " (advice)" : "";
    console.log(`${v.padEnd(7)} ${id.padEnd(22)} ${audit.title}${note}${why ? `: ${why}` : ""}`);
  }
  failed.push(
    ...REQUIRED.filter((id) => lhr.audits[id] && verdict(lhr.audits[id]!) === "FAIL"),
  );
  console.log("\nChecked with puppeteer-core (Lighthouse 9's audits, gone from 11):");
  for (const [id, ok, note] of await offlineChecks(port, host)) {
    console.log(`${(ok ? "pass" : "FAIL").padEnd(7)} ${id.padEnd(22)} ${note}`);
    if (!ok) failed.push(id);
  }
  console.log(
    failed.length
      ? `\nFailed: ${failed.join(", ")}`
      : `\nEvery audit the app needs to install and start offline passes.`,
  );
});
if (failed.length) Deno.exit(1);
