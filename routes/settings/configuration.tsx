import { Hono } from "hono";
import { scheduleRulesOf } from "../../workers/rule_jobs.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { InvalidError } from "../../domain/errors.ts";
import { Island } from "../../framework/island.tsx";
import ThemePreview, { THEME_PREVIEW_MESSAGES } from "../../islands/ThemePreview.tsx";
import { CsrfInput, Field, SelectField } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { type ChangeRow, ConfigurationChanges } from "../../components/ConfigurationChanges.tsx";
import {
  checkConfiguration,
  type DocumentFormat,
  formatDocument,
  parseDocumentText,
  validConfiguration,
} from "../../customization/document/parse.ts";
import {
  type Applied,
  applyConfiguration,
  configurationHistory,
  currentConfiguration,
  rollbackConfiguration,
  StaleVersionError,
  type VersionedConfiguration,
} from "../../customization/document/store.ts";
import { diffConfiguration } from "../../customization/document/diff.ts";
import { COLOUR_TOKENS, FONT_STACKS } from "../../customization/document/schema.ts";
import { assertBrandImagesExist, storeBrandImage } from "../../customization/assets.ts";
import { assertSavable } from "../../customization/save_check.ts";

import { languageOf, tOf } from "../../i18n/middleware.ts";
import { messagesFor, type Translate } from "../../i18n/mod.ts";
import { useT } from "../../components/Words.tsx";

const PATH = "/settings/configuration";
const MAX_IMPORT_BYTES = 256 * 1024;

const app = new Hono<AppEnv>();
app.use(PATH, memberPage(), requirePermission("settings:manage"));
app.use(`${PATH}/*`, memberPage(), requirePermission("settings:manage"));

interface Extra {
  notice?: string;
  errors?: Record<string, string[]>;
  preview?: { changes: ChangeRow[]; document: string; version: number };
}

function label(key: string): string {
  const words = key.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A built-in choice or colour's name in the reader's language (`config.<group>.<key>`). */
function named(t: Translate, group: string, key: string): string {
  const text = t(`config.${group}.${key}`);
  return text.startsWith("config.") ? label(key) : text;
}

function ErrorList(props: { errors: Record<string, string[]> }) {
  const t = useT();
  return (
    <div class="flash error" role="alert">
      <p>{t("config.nothing_changed")}</p>
      <ul data-config-errors>
        {Object.entries(props.errors).map(([path, messages]) => (
          <li key={path}>
            <code>{path}</code>: {messages.join(" ")}
          </li>
        ))}
      </ul>
    </div>
  );
}

async function show(c: AppContext, extra: Extra = {}, status = 200) {
  const { db } = tenantOf(c);
  const current = await currentConfiguration(db);
  const history = await configurationHistory(db);
  const branding = current.document.branding;
  const csrf = c.get("csrfToken");
  const t = tOf(c);
  const choices = (values: readonly string[]) =>
    values.map((v) => ({ value: v, label: named(t, "choice", v) }));
  return renderApp(
    c,
    t("config.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current={PATH} role={principalOf(c).role} />
      {extra.notice ? <p class="flash success" role="status">{extra.notice}</p> : null}
      {extra.errors ? <ErrorList errors={extra.errors} /> : null}
      {extra.preview
        ? (
          <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">{t("config.preview_title")}</h2>
            <p class="muted">{t("config.preview_intro")}</p>
            <ConfigurationChanges
              changes={extra.preview.changes}
              label={t("config.changes_to_apply")}
            />
            {extra.preview.changes.length
              ? (
                <form method="post" action={`${PATH}/apply`}>
                  <CsrfInput token={csrf} />
                  <input type="hidden" name="version" value={String(extra.preview.version)} />
                  <input type="hidden" name="document" value={extra.preview.document} />
                  <button class="button primary" type="submit">{t("config.apply")}</button>{" "}
                  <a href={PATH}>{t("config.cancel")}</a>
                </form>
              )
              : null}
          </section>
        )
        : null}
      <section class="card">
        <h2>{t("config.branding")}</h2>
        <p class="muted">
          {t("config.branding_intro", { version: current.version })}{" "}
          <a href="/help/13_configuration_and_branding">{t("config.reference")}</a>.
        </p>
        <form method="post" action={`${PATH}/branding`} class="record-form">
          <CsrfInput token={csrf} />
          <input type="hidden" name="version" value={String(current.version)} />
          <Field
            label={t("config.product_name")}
            name="product_name"
            id="config-product_name"
            value={branding.product_name}
            required
          />
          <SelectField
            label={t("config.appearance")}
            name="appearance"
            id="config-appearance"
            value={branding.appearance}
            options={choices(["automatic", "light", "dark"])}
          />
          <SelectField
            label={t("config.density")}
            name="density"
            id="config-density"
            value={branding.density}
            options={choices(["comfortable", "compact"])}
          />
          <SelectField
            label={t("config.font")}
            name="font"
            id="config-font"
            value={branding.font}
            options={choices(Object.keys(FONT_STACKS))}
          />
          {(["colors", "dark_colors"] as const).map((field) => (
            <Island
              key={field}
              name="ThemePreview"
              component={ThemePreview}
              props={{
                field,
                legend: field === "colors" ? t("config.colours_light") : t("config.colours_dark"),
                colours: COLOUR_TOKENS.map((token) => ({
                  key: token.key,
                  token: token.token,
                  label: named(t, "colour", token.key),
                  value: branding[field][token.key],
                })),
                language: languageOf(c),
                messages: messagesFor(languageOf(c), THEME_PREVIEW_MESSAGES),
              }}
            />
          ))}
          <button class="button primary" type="submit">{t("config.save_branding")}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t("config.logo_title")}</h2>
        <p class="muted">
          {t("config.logo_intro")} {branding.logo ? t("config.logo_set") : t("config.no_logo")}
        </p>
        <form method="post" action={`${PATH}/image`} enctype="multipart/form-data" class="inline">
          <CsrfInput token={csrf} />
          <input type="hidden" name="version" value={String(current.version)} />
          <SelectField
            label={t("config.image_for")}
            name="kind"
            id="config-image-kind"
            value="logo"
            options={[
              { value: "logo", label: t("config.logo") },
              { value: "favicon", label: t("config.favicon") },
            ]}
          />
          <label for="config-image">{t("config.image_file")}</label>
          <input id="config-image" type="file" name="file" accept="image/png,image/jpeg" required />
          <button class="button" type="submit">{t("config.upload")}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t("config.export_import")}</h2>
        <p>
          {t("config.export")} <a href={`${PATH}/export.yaml`} download>YAML</a> ·{" "}
          <a href={`${PATH}/export.json`} download>JSON</a>
        </p>
        <form method="post" action={`${PATH}/preview`} enctype="multipart/form-data">
          <CsrfInput token={csrf} />
          <input type="hidden" name="version" value={String(current.version)} />
          <label for="config-import-file">{t("config.file")}</label>
          <input
            id="config-import-file"
            type="file"
            name="file"
            accept=".yaml,.yml,.json,application/json,application/yaml"
          />
          <label for="config-import-text">{t("config.paste")}</label>
          <textarea id="config-import-text" name="text" rows={8} spellcheck={false}></textarea>
          <button class="button" type="submit">{t("config.preview_changes")}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t("config.history")}</h2>
        {history.length === 0
          ? <p class="muted">{t("config.no_history")}</p>
          : (
            <ol class="config-history" reversed>
              {history.map((h) => (
                <li key={h.version} data-version={h.version}>
                  <p>
                    <strong>{t("config.version", { version: h.version })}</strong>{" "}
                    {h.kind === "rollback"
                      ? t("config.rolled_back_to", { version: h.rolled_back_to ?? 0 })
                      : ""}
                    {" · "}
                    {h.changed_at.slice(0, 16).replace("T", " ")} UTC ·{" "}
                    {h.changed_by_email ?? t("config.unknown")}
                  </p>
                  <ConfigurationChanges
                    changes={h.changes}
                    label={t("config.version", { version: h.version })}
                  />
                  {h.version !== current.version
                    ? (
                      <form method="post" action={`${PATH}/rollback`}>
                        <CsrfInput token={csrf} />
                        <input type="hidden" name="version" value={String(h.version)} />
                        <button class="button small" type="submit">
                          {t("config.roll_back", { version: h.version })}
                        </button>
                      </form>
                    )
                    : null}
                </li>
              ))}
              <li data-version="0">
                <p>
                  <strong>{t("config.version", { version: 0 })}</strong> {t("config.built_in")}
                </p>
                <form method="post" action={`${PATH}/rollback`}>
                  <CsrfInput token={csrf} />
                  <input type="hidden" name="version" value="0" />
                  <button class="button small" type="submit">
                    {t("config.roll_back", { version: 0 })}
                  </button>
                </form>
              </li>
            </ol>
          )}
      </section>
    </>,
    status,
  );
}

function author(c: AppContext) {
  const p = principalOf(c);
  return { userId: p.userId, email: p.email, now: c.get("services").clock.now() };
}

async function logApplied(c: AppContext, applied: Applied, rolledBackTo?: number) {
  if (!applied.changed) return;
  await recordSecurityEvent(c, {
    action: rolledBackTo === undefined ? "configuration.changed" : "configuration.rolled_back",
    target: `version ${applied.version}`,
    details: {
      version: applied.version,
      changes: applied.changes,
      ...(rolledBackTo === undefined ? {} : { to: rolledBackTo }),
    },
  });
}

/** Applies `value`, or shows the page with every error by path (422) and nothing changed. */
async function applyOrShow(c: AppContext, value: unknown, version: number) {
  try {
    assertSavable(validConfiguration(value));
    const applied = await applyConfiguration(tenantOf(c).db, value, version, author(c));
    await scheduleRulesOf(c.get("services").control, tenantOf(c).id, applied.document);
    await logApplied(c, applied);
    return c.redirect(`${PATH}?saved=${applied.version}`, 303);
  } catch (err) {
    if (err instanceof InvalidError) {
      return show(c, { errors: (err.details as Record<string, string[]>) ?? {} }, 422);
    }
    if (err instanceof StaleVersionError) {
      return show(c, { errors: { version: [err.message] } }, 409);
    }
    throw err;
  }
}

function versionOf(body: Record<string, unknown>): number {
  const v = Number(body.version);
  if (!Number.isInteger(v) || v < 0) throw new InvalidError("The form lacks its version.");
  return v;
}

app.get(PATH, (c) => {
  const saved = c.req.query("saved");
  return show(c, saved ? { notice: tOf(c)("config.saved", { version: saved }) } : {});
});

app.get(`${PATH}/:file{export\\.(yaml|json)}`, async (c) => {
  const format: DocumentFormat = c.req.param("file").endsWith(".json") ? "json" : "yaml";
  const current: VersionedConfiguration = await currentConfiguration(tenantOf(c).db);
  return c.body(formatDocument(current.document, format), 200, {
    "content-type": format === "json"
      ? "application/json; charset=utf-8"
      : "application/yaml; charset=utf-8",
    "content-disposition": `attachment; filename="configuration-v${current.version}.${format}"`,
    "cache-control": "no-store",
  });
});

app.post(`${PATH}/branding`, async (c) => {
  const body = await c.req.parseBody();
  const { document } = await currentConfiguration(tenantOf(c).db);
  const palette = (field: "colors" | "dark_colors") => {
    const colours: Record<string, string> = { ...document.branding[field] };
    for (const t of COLOUR_TOKENS) {
      const v = body[`${field}.${t.key}`];
      if (typeof v === "string" && v) colours[t.key] = v;
    }
    return colours;
  };
  const text = (name: string, fallback: string) =>
    typeof body[name] === "string" ? String(body[name]) : fallback;
  const next = {
    ...document,
    branding: {
      ...document.branding,
      product_name: text("product_name", document.branding.product_name),
      appearance: text("appearance", document.branding.appearance),
      density: text("density", document.branding.density),
      font: text("font", document.branding.font),
      colors: palette("colors"),
      dark_colors: palette("dark_colors"),
    },
  };
  return applyOrShow(c, next, versionOf(body));
});

app.post(`${PATH}/image`, async (c) => {
  const body = await c.req.parseBody();
  const file = body.file;
  const kind = body.kind === "favicon" ? "favicon" : "logo";
  if (!(file instanceof File) || file.size === 0) {
    return show(c, { errors: { file: [tOf(c)("config.choose_image")] } }, 422);
  }
  const tenant = tenantOf(c);
  let name: string;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    name = (await storeBrandImage(c.get("services").storage, tenant.id, bytes)).name;
  } catch (err) {
    if (err instanceof InvalidError) return show(c, { errors: { file: [err.message] } }, 422);
    throw err;
  }
  const { document } = await currentConfiguration(tenant.db);
  return applyOrShow(
    c,
    { ...document, branding: { ...document.branding, [kind]: name } },
    versionOf(body),
  );
});

app.post(`${PATH}/preview`, async (c) => {
  const body = await c.req.parseBody();
  const file = body.file instanceof File && body.file.size > 0 ? body.file : null;
  if (file && file.size > MAX_IMPORT_BYTES) {
    return show(c, { errors: { file: [tOf(c)("config.too_large")] } }, 422);
  }
  const text = file ? await file.text() : String(body.text ?? "");
  if (!text.trim()) {
    return show(c, { errors: { file: [tOf(c)("config.choose_file")] } }, 422);
  }
  const format: DocumentFormat = (file ? /\.json$/i.test(file.name) : false) ||
      /^\s*\{/.test(text)
    ? "json"
    : "yaml";
  let value: unknown;
  try {
    value = parseDocumentText(text, format);
  } catch (err) {
    if (err instanceof InvalidError) {
      return show(c, { errors: { "(document)": [err.message] } }, 422);
    }
    throw err;
  }
  const checked = checkConfiguration(value);
  if (!checked.ok) return show(c, { errors: checked.errors }, 422);
  const tenant = tenantOf(c);
  try {
    const storage = c.get("services").storage;
    await assertBrandImagesExist(storage, tenant.id, checked.document.branding);
    assertSavable(checked.document);
  } catch (err) {
    if (err instanceof InvalidError) {
      return show(c, { errors: (err.details as Record<string, string[]>) ?? {} }, 422);
    }
    throw err;
  }
  const current = await currentConfiguration(tenant.db);
  return show(c, {
    preview: {
      changes: diffConfiguration(current.document, checked.document),
      document: JSON.stringify(checked.document),
      version: current.version,
    },
  });
});

app.post(`${PATH}/apply`, async (c) => {
  const body = await c.req.parseBody();
  let value: unknown;
  try {
    value = JSON.parse(String(body.document ?? ""));
  } catch {
    return show(c, { errors: { "(document)": [tOf(c)("config.damaged")] } }, 422);
  }
  return applyOrShow(c, value, versionOf(body));
});

app.post(`${PATH}/rollback`, async (c) => {
  const body = await c.req.parseBody();
  const to = versionOf(body);
  const applied = await rollbackConfiguration(tenantOf(c).db, to, author(c));
  await scheduleRulesOf(c.get("services").control, tenantOf(c).id, applied.document);
  await logApplied(c, applied, to);
  return c.redirect(`${PATH}?saved=${applied.version}`, 303);
});

export default app;
