/**
 * @module components/TokenScopesField
 * The access part of the new-token form (Settings → API tokens): a preset (read everything plus
 * what is ticked, only what is ticked, full access), one table of Read and Change boxes grouped by
 * kind with a "read all" box per group, and the optional IP allow-list. Works without script: the
 * server expands the presets and group boxes. Scopes the member's role does not grant are
 * disabled.
 */
import type { ScopeRow } from "../auth/scopes.ts";

export type AccessPreset = "chosen" | "read_all" | "full";

interface Props {
  groups: Array<{ group: string; rows: ScopeRow[] }>;
  access: AccessPreset;
  checked: readonly string[];
  allowedIps: string;
  errors: { scopes?: string; allowed_ips?: string };
}

const PRESETS: Array<[AccessPreset, string]> = [
  ["read_all", "Read everything your role may read, and what is ticked below"],
  ["chosen", "Only what is ticked below"],
  ["full", "Full access: everything your role may do"],
];

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function Box(props: { choice: ScopeRow["read"]; checked: readonly string[] }) {
  const { choice } = props;
  if (!choice) return <td></td>;
  return (
    <td>
      <input
        type="checkbox"
        name="scopes"
        value={choice.name}
        aria-label={choice.label}
        checked={choice.allowed && props.checked.includes(choice.name)}
        disabled={!choice.allowed}
        title={choice.allowed ? choice.name : `${choice.name}: your role does not grant this`}
      />
    </td>
  );
}

export function TokenScopesField(props: Props) {
  return (
    <>
      <fieldset class="token-access" aria-describedby="token-access-hint">
        <legend>Access</legend>
        <p class="hint" id="token-access-hint">
          Give a script only what it needs. Change includes read. Your role still limits every
          token: boxes your role does not grant are disabled, and a later role change narrows the
          token too.
        </p>
        <div class="field choices">
          {PRESETS.map(([value, label]) => (
            <label key={value} class="choice">
              <input type="radio" name="access" value={value} checked={props.access === value} />
              {label}
            </label>
          ))}
        </div>
        {props.errors.scopes ? <p class="error" id="scopes-error">{props.errors.scopes}</p> : null}
        <div class="table-wrap">
          <table class="token-scopes">
            <caption class="visually-hidden">Scopes</caption>
            <thead>
              <tr>
                <th scope="col">What</th>
                <th scope="col">Read</th>
                <th scope="col">Change</th>
              </tr>
            </thead>
            {props.groups.map(({ group, rows }) => (
              <tbody key={group}>
                <tr>
                  <th scope="rowgroup" colSpan={3}>
                    {group}
                    {rows.length > 1
                      ? (
                        <>
                          {" · "}
                          <label class="choice">
                            <input type="checkbox" name="read_group" value={group} />
                            Read all of {group.toLowerCase()}
                          </label>
                        </>
                      )
                      : null}
                  </th>
                </tr>
                {rows.map((row) => (
                  <tr key={row.resource}>
                    <td>{capitalized(row.resource)}</td>
                    <Box choice={row.read} checked={props.checked} />
                    <Box choice={row.write} checked={props.checked} />
                  </tr>
                ))}
              </tbody>
            ))}
          </table>
        </div>
      </fieldset>
      <div class={props.errors.allowed_ips ? "field has-error" : "field"}>
        <label for="token-allowed-ips">Allowed addresses (optional)</label>
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
          IP addresses or CIDR ranges, one per line, such as 203.0.113.7 or 10.0.0.0/8. Empty: any
          address.
        </p>
        {props.errors.allowed_ips
          ? <p class="error" id="token-ips-error">{props.errors.allowed_ips}</p>
          : null}
      </div>
    </>
  );
}
