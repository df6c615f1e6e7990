/**
 * @module routes/pwa
 * The installable app (issue 17), on each workspace's own host:
 * - `GET /manifest.webmanifest`: the web app manifest, from the tenant's branding;
 * - `GET /app-icons/<version>/<size>[-maskable].png`: its icons at a configuration version;
 * - `GET /sw.js`: the service worker (static/sw.js with the shell's asset URLs written in), never
 *   cached by the browser's HTTP cache, so an update reaches phones on their next visit;
 * - `GET /offline`: the page the worker shows for a page it never kept.
 * None needs a session: a browser fetches the manifest and its icons without cookies, and none of
 * them holds anything the sign-in page does not show already. The caching rules are in
 * docs/offline.md.
 */
import { Hono } from "hono";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { tenantOnly } from "../http/guards.ts";
import { renderPublic } from "../http/page.tsx";
import { NotFoundError } from "../domain/errors.ts";
import { configurationAt } from "../customization/document/store.ts";
import { DEFAULT_CONFIGURATION } from "../customization/document/schema.ts";
import { readBrandImage } from "../customization/assets.ts";
import { type AppIconSize, cachedAppIcon } from "../customization/app_icons.ts";
import { appColours, webManifest } from "../customization/web_manifest.ts";
import type { AssetManifest } from "../framework/build.ts";
import { isLanguage, type Language, messagesFor } from "../i18n/mod.ts";
import { tOf } from "../i18n/middleware.ts";

const FOREVER = "public, max-age=31536000, immutable";
const WORKER_SOURCE = new URL("../static/sw.js", import.meta.url);
let workerTemplate: string | undefined;
const workers = new WeakMap<AssetManifest, string>();

/** The shell the worker keeps at install: stylesheet, favicon, every island module, the offline page. */
function shellUrls(assets: AssetManifest): string[] {
  const urls = new Set([assets.css, assets.favicon, "/offline"]);
  for (const modules of Object.values(assets.islandModules)) for (const u of modules) urls.add(u);
  return [...urls];
}

/** The worker's own words (its "queued" page and its last-resort offline answer), per language. */
const WORKER_WORDS = [
  "offline.page_title",
  "offline.queued_title",
  "offline.note_queued",
  "offline.photo_queued",
  "offline.back_to_record",
];

async function workerScript(assets: AssetManifest, language: Language): Promise<string> {
  const script = await languageNeutralWorker(assets);
  return `const LANG = ${JSON.stringify(language)};
` +
    `const WORDS = ${JSON.stringify(messagesFor(language, WORKER_WORDS))};
` + script;
}

async function languageNeutralWorker(assets: AssetManifest): Promise<string> {
  let script = workers.get(assets);
  if (script === undefined) {
    workerTemplate ??= await Deno.readTextFile(WORKER_SOURCE);
    const shell = shellUrls(assets);
    // The asset URLs are content-hashed, so the list itself names this build: a new build gives
    // a new worker script, which the browser installs in place of the old one.
    const bytes = new TextEncoder().encode(JSON.stringify(shell) + workerTemplate);
    const digest = await crypto.subtle.digest("SHA-256", bytes);
    const version = [...new Uint8Array(digest).slice(0, 6)]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    script = `const VERSION = ${JSON.stringify(version)};\n` +
      `const SHELL = ${JSON.stringify(shell)};\n` +
      `const STYLESHEET = ${JSON.stringify(assets.css)};\n` + workerTemplate;
    workers.set(assets, script);
  }
  return script;
}

const app = new Hono<AppEnv>();
for (const path of ["/manifest.webmanifest", "/app-icons/*", "/sw.js", "/offline"]) {
  app.use(path, tenantOnly());
}

app.get("/manifest.webmanifest", (c) => {
  const configuration = c.get("configuration");
  const document = configuration?.document ?? DEFAULT_CONFIGURATION;
  return c.body(JSON.stringify(webManifest(document.branding, configuration?.version ?? 0)), 200, {
    "content-type": "application/manifest+json; charset=utf-8",
    "cache-control": "no-cache",
  });
});

app.get("/app-icons/:version{[0-9]{1,9}}/:file{(192|512)(-maskable)?\\.png}", async (c) => {
  const tenant = tenantOf(c);
  const version = Number.parseInt(c.req.param("version"), 10);
  const file = c.req.param("file");
  const size = Number.parseInt(file, 10) as AppIconSize;
  const maskable = file.includes("maskable");
  const png = await cachedAppIcon(`${tenant.id}:${version}:${file}`, async () => {
    const document = await configurationAt(tenant.db, version);
    if (!document) throw new NotFoundError("There is no icon at this version.");
    const { logo } = document.branding;
    const bytes = logo
      ? (await readBrandImage(c.get("services").storage, tenant.id, logo)).bytes
      : null;
    return { size, maskable, colours: appColours(document.branding), logo: bytes };
  });
  return c.body(png, 200, { "content-type": "image/png", "cache-control": FOREVER });
});

app.get("/sw.js", async (c) => {
  // The page registers the worker with its reader's language; another language is a new script,
  // which the browser installs in place of the old one.
  const language = isLanguage(c.req.query("lang")) ? c.req.query("lang") as Language : "en";
  return c.body(await workerScript(c.get("services").assets, language), 200, {
    "content-type": "text/javascript; charset=utf-8",
    // Never from the HTTP cache: the browser checks for a new worker on every visit.
    "cache-control": "no-store",
    "service-worker-allowed": "/",
    "content-security-policy": "default-src 'self'",
  });
});

app.get("/offline", (c) => {
  // Kept by the worker for everyone on this device: nothing in it is the user's.
  c.header("cache-control", "no-cache");
  const t = tOf(c);
  return renderPublic(
    c,
    t("offline.page_title"),
    <section class="auth-card">
      <h1>{t("offline.page_title")}</h1>
      <p>{t("offline.page_body")}</p>
      <p>
        <a href="/">{t("offline.try_again")}</a>
      </p>
    </section>,
  );
});

export default app;
