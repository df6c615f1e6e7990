/**
 * @module components/TokenScopesField
 * The access part of the new-token form (Settings → API tokens): a preset (read everything plus
 * what is ticked, only what is ticked, full access), one table of Read and Change boxes grouped by
 * kind with a "read all" box per group, and the optional IP allow-list. Works without script: the
 * server expands the presets and group boxes. Scopes the member's role does not grant are
 * disabled.
 */
import type { ScopeRow } from "../auth/scopes.ts";
import { useT } from "./Words.tsx";
import type { Translate } from "../i18n/format.ts";

export type AccessPreset = "chosen" | "read_all" | "full";

interface Props {
  groups: Array<{ group: string; rows: ScopeRow[] }>;
  access: AccessPreset;
  checked: readonly string[];
  allowedIps: string;
  errors: { scopes?: string; allowed_ips?: string };
}

const PRESETS: Array<[AccessPreset, string]> = [
  ["read_all", "tokens.preset_read_all"],
  ["chosen", "tokens.preset_chosen"],
  ["full", "tokens.preset_full"],
];

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** A catalogue text, or the built-in English when the catalogue has no such key. */
function orEnglish(t: Translate, key: string, english: string): string {
  const text = t(key);
  return text === key ? english : text;
}

/** What a scope covers, in the reader's language ("purchase orders" is scope.purchase_orders). */
function resourceText(t: Translate, row: ScopeRow): string {
  const name = row.read?.name ?? row.write?.name ?? "";
  return orEnglish(t, `scope.${name.split(":")[0]}`, row.resource);
}

/** A box's accessible name: "Read purchase orders", or a scope's own sentence. */
function choiceLabel(t: Translate, choice: NonNullable<ScopeRow["read"]>, what: string): string {
  const own = t(`scope_label.${choice.name.replace(":", "_")}`);
  if (!own.startsWith("scope_label.")) return own;
  return choice.name.endsWith(":read")
    ? t("tokens.read_named", { what })
    : t("tokens.change_named", { what });
}

function Box(props: { choice: ScopeRow["read"]; checked: readonly string[]; what: string }) {
  const { choice } = props;
  const t = useT();
  if (!choice) return <td></td>;
  return (
    <td>
      <input
        type="checkbox"
        name="scopes"
        value={choice.name}
        aria-label={choiceLabel(t, choice, props.what)}
        checked={choice.allowed && props.checked.includes(choice.name)}
        disabled={!choice.allowed}
        title={choice.allowed ? choice.name : t("tokens.not_granted", { scope: choice.name })}
      />
    </td>
  );
}

export function TokenScopesField(props: Props) {
  const t = useT();
  return (
    <>
      <fieldset class="token-access" aria-describedby="token-access-hint">
        <legend>{t("tokens.access")}</legend>
        <p class="hint" id="token-access-hint">
          {t("tokens.access_hint")}
        </p>
        <div class="field choices">
          {PRESETS.map(([value, label]) => (
            <label key={value} class="choice">
              <input type="radio" name="access" value={value} checked={props.access === value} />
              {t(label)}
            </label>
          ))}
        </div>
        {props.errors.scopes ? <p class="error" id="scopes-error">{props.errors.scopes}</p> : null}
        <div class="table-wrap">
          <table class="token-scopes">
            <caption class="visually-hidden">{t("tokens.scopes")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("tokens.what")}</th>
                <th scope="col">{t("tokens.read")}</th>
                <th scope="col">{t("tokens.change")}</th>
              </tr>
            </thead>
            {props.groups.map(({ group, rows }) => (
              <tbody key={group}>
                <tr>
                  <th scope="rowgroup" colSpan={3}>
                    {orEnglish(t, `scope_group.${group.toLowerCase().replaceAll(" ", "_")}`, group)}
                    {rows.length > 1
                      ? (
                        <>
                          {" · "}
                          <label class="choice">
                            <input type="checkbox" name="read_group" value={group} />
                            {t("tokens.read_all_of", {
                              group: orEnglish(
                                t,
                                `scope_group.${group.toLowerCase().replaceAll(" ", "_")}`,
                                group,
                              ).toLowerCase(),
                            })}
                          </label>
                        </>
                      )
                      : null}
                  </th>
                </tr>
                {rows.map((row) => (
                  <tr key={row.resource}>
                    <td>{capitalized(resourceText(t, row))}</td>
                    <Box choice={row.read} checked={props.checked} what={resourceText(t, row)} />
                    <Box choice={row.write} checked={props.checked} what={resourceText(t, row)} />
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      </fieldset>
      <div class={props.errors.allowed_ips ? "field has-error" : "field"}>
        <label for="token-allowed-ips">{t("tokens.allowed_ips")}</label>
        <textarea
          id="token-allowed-ips"
          name="allowed_ips"
          rows={2}
          aria-describedby={`token-ips-hint${props.errors.allowed_ips ? " token-ips-error" : ""}`}
          aria-invalid={props.errors.allowed_ips ? "true" : undefined}
        >
          {props.allowedIps}
        </textarea>
        <p class="hint" id="token-ips-hint">
          {t("tokens.allowed_ips_hint")}
        </p>
        {props.errors.allowed_ips
          ? <p class="error" id="token-ips-error">{props.errors.allowed_ips}</p>
          : null}
      </div>
    </>
  );
}
