/**
 * @module components/plugins/PluginForms
 * The two forms of a plugin: what it asks for, each item to approve before install or upgrade,
 * and its settings, rendered from the manifest's declarative list.
 */
import { CsrfInput } from "../Form.tsx";
import { describePermission, type SettingDef } from "../../plugins/api/manifest.ts";
import type { PluginBundle } from "../../plugins/host/bundle.ts";
import { useT } from "../Words.tsx";

/** Lists the permissions and domains with a checkbox each; installs only with all approved. */
export function ApprovalForm(
  props: { bundle: PluginBundle; action: string; csrf: string; compatible: boolean },
) {
  const { manifest } = props.bundle;
  const t = useT();
  return (
    <form method="post" action={props.action} class="card plugin-approval">
      <CsrfInput token={props.csrf} />
      <p>
        {manifest.title} {manifest.version} {t("plugins.origin", {
          origin: props.bundle.source === "private"
            ? t("plugins.from_private")
            : t("plugins.from_catalog"),
          version: manifest.apiVersion,
        })}
      </p>
      <p>{manifest.description}</p>
      <fieldset>
        <legend>{t("plugins.asks_to")}</legend>
        {manifest.permissions.length === 0 && manifest.allowedDomains.length === 0
          ? <p class="muted">{t("plugins.asks_nothing")}</p>
          : null}
        {manifest.permissions.map((p) => (
          <div class="field checkbox" key={p}>
            <label>
              <input type="checkbox" name="permission" value={p} required /> {describePermission(p)}
              {" "}
              <code>{p}</code>
            </label>
          </div>
        ))}
        {manifest.allowedDomains.map((d) => (
          <div class="field checkbox" key={d}>
            <label>
              <input type="checkbox" name="domain" value={d} required />{" "}
              {t("plugins.send_requests")} <code>{d}</code>
            </label>
          </div>
        ))}
      </fieldset>
      {props.bundle.source === "private"
        ? (
          <>
            <input type="hidden" name="manifest_json" value={JSON.stringify(manifest)} />
            <input type="hidden" name="code" value={props.bundle.code} />
            <input type="hidden" name="views_json" value={JSON.stringify(props.bundle.views)} />
          </>
        )
        : null}
      <button class="button primary" type="submit" disabled={!props.compatible}>
        {t("plugins.approve_install")}
      </button>
    </form>
  );
}

/** The settings form built from the manifest's list of settings. */
export function PluginSettingsForm(
  props: {
    settings: readonly SettingDef[];
    values: Record<string, unknown>;
    action: string;
    csrf: string;
    disabled: boolean;
  },
) {
  const t = useT();
  return (
    <form method="post" action={props.action} class="card" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t("plugins.settings")}</h2>
      <CsrfInput token={props.csrf} />
      {props.settings.map((s) => {
        const id = `setting-${s.key}`;
        const value = props.values[s.key] ?? s.default;
        if (s.type === "string" && s.secret) {
          // A credential is never rendered back: only whether it is set.
          const set = typeof props.values[s.key] === "string" && props.values[s.key] !== "";
          return (
            <div class="field" key={s.key}>
              <label for={id}>{s.label}</label>
              <input
                id={id}
                name={s.key}
                type="password"
                autocomplete="off"
                value=""
                aria-describedby={`${id}-state`}
                disabled={props.disabled}
              />
              <p class="hint" id={`${id}-state`}>
                {set ? t("plugins.secret_set") : t("plugins.secret_not_set")}
              </p>
              {s.help ? <p class="hint">{s.help}</p> : null}
            </div>
          );
        }
        const hint = s.help ? <p class="hint" id={`${id}-hint`}>{s.help}</p> : null;
        const described = s.help ? `${id}-hint` : undefined;
        if (s.type === "boolean") {
          return (
            <div class="field checkbox" key={s.key}>
              <label for={id}>
                <input
                  id={id}
                  type="checkbox"
                  name={s.key}
                  value="on"
                  checked={value === true}
                  aria-describedby={described}
                  disabled={props.disabled}
                />{" "}
                {s.label}
              </label>
              {hint}
            </div>
          );
        }
        return (
          <div class="field" key={s.key}>
            <label for={id}>{s.label}</label>
            {s.type === "select"
              ? (
                <select
                  id={id}
                  name={s.key}
                  aria-describedby={described}
                  disabled={props.disabled}
                >
                  {s.options.map((o) => (
                    <option key={o.value} value={o.value} selected={o.value === value}>
                      {o.label}
                    </option>
                  ))}
                </select>
              )
              : (
                <input
                  id={id}
                  name={s.key}
                  type={s.type === "number" ? "number" : "text"}
                  step={s.type === "number" ? "any" : undefined}
                  min={s.type === "number" ? s.min : undefined}
                  max={s.type === "number" ? s.max : undefined}
                  value={String(value)}
                  aria-describedby={described}
                  disabled={props.disabled}
                />
              )}
            {hint}
          </div>
        );
      })}
      {props.disabled
        ? null
        : <button class="button primary" type="submit">{t("plugins.save_settings")}</button>}
    </form>
  );
}
