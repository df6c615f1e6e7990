/**
 * @module components/ConfigurationChanges
 * A configuration diff as a table (path, before, after): the import preview and the history
 * show the same thing the same way.
 */
import { useT } from "./Words.tsx";
import type { Translate } from "../i18n/format.ts";

export interface ChangeRow {
  path: string;
  from: unknown;
  to: unknown;
}

function shown(value: unknown, t: Translate): string {
  if (value === undefined) return t("config.absent");
  if (value === null) return t("config.none");
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The changes, or a line saying there are none. */
export function ConfigurationChanges(props: { changes: readonly ChangeRow[]; label: string }) {
  const t = useT();
  if (props.changes.length === 0) return <p class="muted">{t("config.no_changes")}</p>;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={props.label}>
      <table class="changes">
        <thead>
          <tr>
            <th scope="col">{t("config.setting")}</th>
            <th scope="col">{t("config.before")}</th>
            <th scope="col">{t("config.after")}</th>
          </tr>
        </thead>
        <tbody>
          {props.changes.map((c) => (
            <tr key={c.path}>
              <td>
                <code>{c.path}</code>
              </td>
              <td>{shown(c.from, t)}</td>
              <td>{shown(c.to, t)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
