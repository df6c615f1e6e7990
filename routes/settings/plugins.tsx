/**
 * @module routes/settings/plugins
 * Settings → Plugins: the catalog of first-party plugins and the workspace's installed ones.
 * Installing shows what the plugin asks for (permissions, outbound domains) and installs only
 * once each is approved; configure (a form built from the manifest's settings), enable, disable,
 * upgrade to the catalog's newer version and uninstall; an Enterprise workspace may upload a
 * private plugin (a zip, or plugin.js and manifest.json). Every change needs the `plugins`
 * entitlement and lands in the security log.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { recordSecurityEvent } from "../../security/events.ts";
import { can } from "../../auth/roles.ts";
import { mayUse } from "../../billing/entitlements.ts";
import { entitlementError } from "../../billing/errors.ts";
import { AppError, ForbiddenError, InvalidError, NotFoundError } from "../../domain/errors.ts";
import { CsrfInput, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { ApprovalForm, PluginSettingsForm } from "../../components/plugins/PluginForms.tsx";
import { incompatibility } from "../../plugins/api/manifest.ts";
import { compareVersions, PLUGIN_API_VERSION } from "../../plugins/api/version.ts";
import { syncPluginTasks } from "../../plugins/host/tasks.ts";
import {
  bundleFrom,
  bundleFromZip,
  catalogBundle,
  catalogBundles,
  type PluginBundle,
} from "../../plugins/host/bundle.ts";
import {
  configurePlugin,
  findInstalled,
  installPlugin,
  type LifecycleDeps,
  listInstalled,
  setPluginEnabled,
  uninstallPlugin,
  upgradePlugin,
} from "../../plugins/host/installations.ts";
import { tOf } from "../../i18n/middleware.ts";
import { planRefusalText } from "../../components/BillingOverview.tsx";

const app = new Hono<AppEnv>();
app.use("/settings/plugins", memberPage());
app.use("/settings/plugins/*", memberPage());

type Flash = { notice?: string; error?: string };

function isManager(c: AppContext): boolean {
  const role = principalOf(c).role;
  return Boolean(role && can(role, "settings:manage"));
}

/** Managers only, and only while the plan includes plugins. */
async function guard(c: AppContext): Promise<void> {
  if (!isManager(c)) throw new ForbiddenError(tOf(c)("plugins.managers"));
  const decision = await mayUse(c.get("services"), tenantOf(c).id, "plugins");
  if (!decision.allowed) throw entitlementError(decision);
}

function lifecycle(c: AppContext): LifecycleDeps {
  const services = c.get("services");
  const tenant = tenantOf(c);
  return {
    db: tenant.db,
    userId: principalOf(c).userId,
    now: services.clock.now(),
    audit: (e) => recordSecurityEvent(c, e),
    changed: () => services.plugins.forget(tenant.id),
    afterChange: (name, installation) =>
      syncPluginTasks(services.control, tenant.id, name, installation, services.clock.now()),
  };
}

async function form(c: AppContext): Promise<Record<string, string | string[] | File>> {
  const body = await c.req.parseBody({ all: true });
  const out: Record<string, string | string[] | File> = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === "_csrf") continue;
    out[k] = Array.isArray(v) ? v.map(String) : v instanceof File ? v : String(v);
  }
  return out;
}

/** The view files carried through the approval form (JSON of name to HTML); none when unreadable. */
function viewsOf(value: unknown): Record<string, string> {
  try {
    const parsed = JSON.parse(String(value ?? "{}"));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v ? [String(v)] : []);

function approvalOf(body: Record<string, unknown>) {
  return { permissions: list(body.permission), domains: list(body.domain) };
}

async function showPlugins(c: AppContext, flash: Flash = {}, status = 200) {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const [installed, catalog, entitled] = await Promise.all([
    listInstalled(tenant.db),
    catalogBundles(),
    mayUse(services, tenant.id, "plugins"),
  ]);
  const manager = isManager(c);
  const csrf = c.get("csrfToken");
  const byName = new Map(installed.map((p) => [p.name, p]));
  const t = tOf(c);
  return renderApp(
    c,
    t("plugins.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/plugins" role={principalOf(c).role} />
      {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
      <FormErrors message={flash.error} />
      {!entitled.allowed
        ? (
          <p class="flash warning" id="plugins-not-in-plan">
            {planRefusalText(t, entitled)} <a href="/settings/billing">{t("tokens.see_plans")}</a>
          </p>
        )
        : null}
      <section class="card" aria-labelledby="installed-heading">
        <h2 id="installed-heading">{t("plugins.installed")}</h2>
        {installed.length === 0
          ? <p class="muted">{t("plugins.none_installed")}</p>
          : (
            <ul class="plugin-list">
              {installed.map((p) => (
                <li key={p.name} data-plugin={p.name}>
                  <a href={`/settings/plugins/${p.name}`}>{p.manifest.title}</a> {p.version}{" "}
                  <span class={p.enabled ? "badge ok" : "badge"}>
                    {p.enabled ? t("plugins.enabled") : t("plugins.disabled")}
                  </span>{" "}
                  {p.source === "private"
                    ? <span class="badge">{t("plugins.private")}</span>
                    : null}
                </li>
              ))}
            </ul>
          )}
      </section>
      <section class="card" aria-labelledby="catalog-heading">
        <h2 id="catalog-heading">{t("plugins.catalog")}</h2>
        <p class="muted">{t("plugins.api_version", { version: PLUGIN_API_VERSION })}</p>
        <ul class="plugin-list">
          {catalog.map((b) => {
            const have = byName.get(b.manifest.name);
            return (
              <li key={b.manifest.name} data-catalog={b.manifest.name}>
                <strong>{b.manifest.title}</strong> {b.manifest.version}
                <p class="muted">{b.manifest.description}</p>
                {have
                  ? (
                    <span class="badge ok">
                      {t("plugins.installed_version", { version: have.version })}
                    </span>
                  )
                  : manager && entitled.allowed
                  ? (
                    <a
                      class="button secondary"
                      href={`/settings/plugins/catalog/${b.manifest.name}`}
                    >
                      {t("plugins.review_install")}
                    </a>
                  )
                  : null}
              </li>
            );
          })}
        </ul>
      </section>
      {manager && entitled.allowed
        ? (
          <section class="card" aria-labelledby="upload-heading">
            <h2 id="upload-heading">{t("plugins.upload_private")}</h2>
            <form
              method="post"
              action="/settings/plugins/upload"
              enctype="multipart/form-data"
            >
              <CsrfInput token={csrf} />
              <div class="field">
                <label for="bundle">{t("plugins.bundle")}</label>
                <input id="bundle" name="bundle" type="file" accept=".zip,.js" required />
              </div>
              <div class="field">
                <label for="manifest">{t("plugins.manifest")}</label>
                <input id="manifest" name="manifest" type="file" accept=".json" />
              </div>
              <button class="button primary" type="submit">
                {t("plugins.review_permissions")}
              </button>
            </form>
          </section>
        )
        : null}
    </>,
    status,
  );
}

/** Runs a change and shows `render` again with the notice, or with the error in place. */
async function change(
  c: AppContext,
  run: () => Promise<string>,
  render: (flash: Flash, status?: number) => Promise<Response> = (f, s) => showPlugins(c, f, s),
): Promise<Response> {
  try {
    return await render({ notice: await run() });
  } catch (err) {
    if (!(err instanceof AppError) || err.status === 403 || err.status === 402) throw err;
    const details = err instanceof InvalidError && err.details
      ? ` ${Object.values(err.details as Record<string, string[]>).flat().join(" ")}`
      : "";
    return await render({ error: `${err.message}${details}` }, err.status);
  }
}

function approvalPage(c: AppContext, bundle: PluginBundle, action: string, flash: Flash = {}) {
  const reason = incompatibility(bundle.manifest);
  return renderApp(
    c,
    tOf(c)("plugins.install_title", { title: bundle.manifest.title }),
    <>
      <h1>{tOf(c)("plugins.install_title", { title: bundle.manifest.title })}</h1>
      <FormErrors message={flash.error ?? reason ?? undefined} />
      <ApprovalForm
        bundle={bundle}
        action={action}
        csrf={c.get("csrfToken")}
        compatible={!reason}
      />
    </>,
    reason ? 409 : 200,
  );
}

app.get("/settings/plugins", (c) => showPlugins(c));

app.get("/settings/plugins/catalog/:name", async (c) => {
  await guard(c);
  const bundle = await catalogBundle(c.req.param("name"));
  if (!bundle) throw new NotFoundError(tOf(c)("plugins.no_such"));
  return approvalPage(c, bundle, `/settings/plugins/catalog/${bundle.manifest.name}`);
});

app.post("/settings/plugins/catalog/:name", async (c) => {
  await guard(c);
  const bundle = await catalogBundle(c.req.param("name"));
  if (!bundle) throw new NotFoundError(tOf(c)("plugins.no_such"));
  const body = await form(c);
  return change(c, async () => {
    const p = await installPlugin(lifecycle(c), bundle, approvalOf(body));
    return tOf(c)("plugins.installed_enabled", { title: p.manifest.title, version: p.version });
  });
});

app.post("/settings/plugins/upload", async (c) => {
  await guard(c);
  const body = await form(c);
  try {
    const file = body.bundle;
    if (!(file instanceof File)) throw new InvalidError(tOf(c)("plugins.choose_file"));
    const bytes = new Uint8Array(await file.arrayBuffer());
    let bundle: PluginBundle;
    if (file.name.endsWith(".zip")) bundle = bundleFromZip(bytes);
    else {
      const manifest = body.manifest;
      if (!(manifest instanceof File)) {
        throw new InvalidError("A single plugin.js needs its manifest.json beside it.");
      }
      bundle = bundleFrom("private", await manifest.text(), new TextDecoder().decode(bytes));
    }
    return approvalPage(c, bundle, "/settings/plugins/private");
  } catch (err) {
    if (!(err instanceof InvalidError)) throw err;
    return change(c, () => Promise.reject(err));
  }
});

app.post("/settings/plugins/private", async (c) => {
  await guard(c);
  const body = await form(c);
  return change(c, async () => {
    const bundle = bundleFrom(
      "private",
      String(body.manifest_json ?? ""),
      String(body.code ?? ""),
      viewsOf(body.views_json),
    );
    const existing = await findInstalled(tenantOf(c).db, bundle.manifest.name);
    const p = existing
      ? await upgradePlugin(lifecycle(c), bundle, approvalOf(body))
      : await installPlugin(lifecycle(c), bundle, approvalOf(body));
    return tOf(c)("plugins.installed_enabled", { title: p.manifest.title, version: p.version });
  });
});

async function showInstalled(c: AppContext, flash: Flash = {}, status = 200) {
  const tenant = tenantOf(c);
  const p = await findInstalled(tenant.db, c.req.param("name") ?? "");
  if (!p) throw new NotFoundError(tOf(c)("plugins.not_installed"));
  const latest = p.source === "catalog" ? await catalogBundle(p.name) : null;
  const newer = latest && compareVersions(latest.manifest.version, p.version) > 0 ? latest : null;
  const manager = isManager(c);
  const csrf = c.get("csrfToken");
  const path = `/settings/plugins/${p.name}`;
  const t = tOf(c);
  return renderApp(
    c,
    p.manifest.title,
    <>
      <h1>{p.manifest.title}</h1>
      <p>
        <a href="/settings/plugins">{t("plugins.all")}</a>
      </p>
      {flash.notice ? <p class="flash success" role="status">{flash.notice}</p> : null}
      <FormErrors message={flash.error} />
      <section class="card" aria-labelledby="about-heading">
        <h2 id="about-heading">{t("plugins.about")}</h2>
        <p>{p.manifest.description}</p>
        <dl class="facts">
          <div>
            <dt>{t("plugins.version")}</dt>
            <dd>{p.version}</dd>
          </div>
          <div>
            <dt>{t("plugins.status")}</dt>
            <dd>{p.enabled ? t("plugins.enabled") : t("plugins.disabled")}</dd>
          </div>
          <div>
            <dt>{t("plugins.approved_permissions")}</dt>
            <dd>{p.permissions.join(", ") || t("plugins.none")}</dd>
          </div>
          <div>
            <dt>{t("plugins.approved_domains")}</dt>
            <dd>{p.domains.join(", ") || t("plugins.none")}</dd>
          </div>
        </dl>
        {p.enabled && p.manifest.entryPoints.views.length
          ? (
            <ul class="plugin-views">
              {p.manifest.entryPoints.views.map((v) => (
                <li key={v.id}>
                  <a href={`/plugins/${p.name}/views/${v.id}`}>{v.title}</a>
                </li>
              ))}
            </ul>
          )
          : null}
        {manager
          ? (
            <div class="actions">
              <form method="post" action={`${path}/${p.enabled ? "disable" : "enable"}`}>
                <CsrfInput token={csrf} />
                <button class="button secondary" type="submit">
                  {p.enabled ? t("plugins.disable") : t("plugins.enable")}
                </button>
              </form>
              <form method="post" action={`${path}/uninstall`}>
                <CsrfInput token={csrf} />
                <button class="button secondary" type="submit">{t("plugins.uninstall")}</button>
              </form>
            </div>
          )
          : null}
      </section>
      {p.manifest.settings.length && manager
        ? (
          <PluginSettingsForm
            settings={p.manifest.settings}
            values={p.settings}
            action={`${path}/settings`}
            csrf={csrf}
            disabled={false}
          />
        )
        : null}
      {p.manifest.settings.length && !manager
        ? (
          // Settings may hold credentials: only members who may manage plugins see their values.
          <section class="card" aria-labelledby="settings-heading">
            <h2 id="settings-heading">{t("plugins.settings")}</h2>
            <p>{t("plugins.settings_managers_only")}</p>
          </section>
        )
        : null}
      {newer && manager
        ? (
          <section class="card" aria-labelledby="upgrade-heading">
            <h2 id="upgrade-heading">
              {t("plugins.upgrade_to", { version: newer.manifest.version })}
            </h2>
            <ApprovalForm
              bundle={newer}
              action={`${path}/upgrade`}
              csrf={csrf}
              compatible={!incompatibility(newer.manifest)}
            />
          </section>
        )
        : null}
    </>,
    status,
  );
}

app.get("/settings/plugins/:name", (c) => showInstalled(c));

const again = (c: AppContext) => (f: Flash, s?: number) => showInstalled(c, f, s);

app.post("/settings/plugins/:name/settings", async (c) => {
  await guard(c);
  const body = await form(c);
  const installed = await findInstalled(tenantOf(c).db, c.req.param("name"));
  // An unticked checkbox sends nothing: it means off, not "keep the default".
  for (const s of installed?.manifest.settings ?? []) {
    if (s.type === "boolean" && !(s.key in body)) body[s.key] = "false";
  }
  return change(c, async () => {
    const p = await configurePlugin(lifecycle(c), c.req.param("name"), body);
    return tOf(c)("plugins.settings_saved", { title: p.manifest.title });
  }, again(c));
});

for (const [verb, enabled] of [["enable", true], ["disable", false]] as const) {
  app.post(`/settings/plugins/:name/${verb}`, async (c) => {
    await guard(c);
    return change(c, async () => {
      const p = await setPluginEnabled(lifecycle(c), c.req.param("name"), enabled);
      return tOf(c)(enabled ? "plugins.now_enabled" : "plugins.now_disabled", {
        title: p.manifest.title,
      });
    }, again(c));
  });
}

app.post("/settings/plugins/:name/upgrade", async (c) => {
  await guard(c);
  const bundle = await catalogBundle(c.req.param("name"));
  if (!bundle) throw new NotFoundError(tOf(c)("plugins.no_such"));
  const body = await form(c);
  return change(c, async () => {
    const p = await upgradePlugin(lifecycle(c), bundle, approvalOf(body));
    return tOf(c)("plugins.upgraded", { title: p.manifest.title, version: p.version });
  }, again(c));
});

app.post("/settings/plugins/:name/uninstall", async (c) => {
  await guard(c);
  return change(c, async () => {
    await uninstallPlugin(lifecycle(c), c.req.param("name"));
    return tOf(c)("plugins.uninstalled");
  });
});

export default app;
