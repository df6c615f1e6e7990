/**
 * @module components/records/RecordHistory
 * The History card of a record's page: who changed what when, with referenced records by their
 * titles and values formatted (domain/records/history.ts), and the plan's retention note.
 */
import type { History } from "../../domain/records/audit.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import { actionLabel, describeChanges } from "../../domain/records/history.ts";
import * as fmt from "../../domain/format.ts";
import { T, useT, useWords } from "../Words.tsx";
import { historyWords } from "../../i18n/records.ts";

export function RecordHistory(props: {
  def: RecordDef;
  history: History;
  /** Member names by user id. */
  names: ReadonlyMap<string, string>;
  /** Titles of the records the history's references point at, by id. */
  titles: ReadonlyMap<string, string>;
  format: fmt.FormatSettings;
}) {
  const words = useWords();
  const t = useT();
  const say = historyWords(t);
  const { history, names } = props;
  return (
    <section class="card">
      <h2>
        <T>History</T>
      </h2>
      <ol class="history">
        {history.entries.map((entry) => (
          <li key={entry.id}>
            <p>
              <strong>{words(actionLabel(entry.action))}</strong> {words("by")} {entry.user_id
                ? names.get(entry.user_id) ?? t("activity.former_member")
                : t("activity.the_system")}{" "}
              <time datetime={entry.at}>{fmt.instant(entry.at, props.format)}</time>
            </p>
            <ul>
              {describeChanges(props.def, entry, props.titles, props.format, say).map((change) => (
                <li key={change.key}>
                  {change.label}: {change.before} → {change.after}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ol>
      {history.olderHidden > 0
        ? (
          <p class="muted" id="history-retention">
            {t("history.older_kept", {
              count: history.olderHidden,
              date: fmt.date(history.since, props.format),
            })} <a href="/settings/billing">{t("history.upgrade_to_see")}</a>
          </p>
        )
        : null}
    </section>
  );
}
