/**
 * @module components/records/ActivityCard
 * The Activity card of a record's page (issue 17): forms to add a note (mention members with @)
 * and log a call (whom, outcome, follow-up date), and the record's timeline: notes, calls, e-mails
 * sent, documents attached and its changes, newest first. Plain forms: no JavaScript needed.
 */
import type { TimelineItem } from "../../domain/activity/timeline.ts";
import { CALL_OUTCOME_LABELS, CALL_OUTCOMES } from "../../domain/activity/mod.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import { actionLabel, describeChanges } from "../../domain/records/history.ts";
import { historyWords } from "../../i18n/records.ts";
import * as fmt from "../../domain/format.ts";
import { CsrfInput } from "../Form.tsx";
import { useT, useWords } from "../Words.tsx";

export interface ActivityCardProps {
  def: RecordDef;
  id: string;
  items: TimelineItem[];
  /** Member names by user id. */
  names: ReadonlyMap<string, string>;
  titles: ReadonlyMap<string, string>;
  format: fmt.FormatSettings;
  /** Whether the member may add notes and calls. */
  writable: boolean;
  csrfToken: string;
}

function who(
  names: ReadonlyMap<string, string>,
  userId: string | null,
  t: (key: string) => string,
): string {
  return userId ? names.get(userId) ?? t("activity.former_member") : t("activity.the_system");
}

function Item(props: ActivityCardProps & { item: TimelineItem }) {
  const { item, names, format } = props;
  const words = useWords();
  const t = useT();
  const when = <time datetime={item.at}>{fmt.instant(item.at, format)}</time>;
  switch (item.type) {
    case "change": {
      const labels = describeChanges(props.def, item.entry, props.titles, format, historyWords(t))
        .map((c) => c.label);
      return (
        <p>
          <strong>{words(actionLabel(item.entry.action))}</strong>
          {labels.length && item.entry.action === "update" ? ` ${labels.join(", ")}` : ""}{" "}
          {words("by")} {who(names, item.userId, t)} · {when}
        </p>
      );
    }
    case "activity": {
      const a = item.activity;
      if (a.kind === "call") {
        return (
          <>
            <p>
              <strong>{t("activity.call_with")}</strong>{" "}
              {t("activity.with", { party: a.party ?? "" })}
              {" · "}
              {words(
                CALL_OUTCOME_LABELS[a.outcome as keyof typeof CALL_OUTCOME_LABELS] ?? a.outcome,
              )} · {words("by")} {who(names, a.userId, t)} · {when}
            </p>
            {a.body ? <p class="note-body">{a.body}</p> : null}
            {a.followUpOn
              ? (
                <p class={a.followUpDoneAt ? "muted" : undefined}>
                  {t("activity.follow_up", { date: fmt.date(a.followUpOn, format) })}
                  {a.followUpDoneAt ? t("activity.done") : null}
                  {!a.followUpDoneAt && props.writable
                    ? (
                      <form method="post" action={`/follow-ups/${a.id}/done`} class="inline-form">
                        <CsrfInput token={props.csrfToken} />
                        <input
                          type="hidden"
                          name="next"
                          value={`/${props.def.collection}/${props.id}#activity`}
                        />
                        <button class="button small secondary" type="submit">
                          {t("activity.mark_done")}
                        </button>
                      </form>
                    )
                    : null}
                </p>
              )
              : null}
          </>
        );
      }
      return (
        <>
          <p>
            <strong>{a.kind === "email" ? t("activity.email") : t("activity.note")}</strong>
            {a.kind === "email" ? ` ${t("activity.to", { party: a.party ?? "" })}` : ""}{" "}
            {words("by")} {who(names, a.userId, t)} · {when}
          </p>
          <p class="note-body">{a.body}</p>
        </>
      );
    }
    case "mail":
      return (
        <p>
          <strong>{t("activity.email")}</strong> “{item.subject}”{" "}
          {t("activity.to", { party: item.to })} {words("by")} {who(names, item.userId, t)} · {when}
        </p>
      );
    case "document":
      return (
        <p>
          <strong>{t("activity.document")}</strong>{" "}
          <a href={`/documents/${item.document.id}`}>{item.document.name}</a>{" "}
          {t("activity.attached", { status: item.document.status.replaceAll("_", " ") })} · {when}
        </p>
      );
  }
}

export function ActivityCard(props: ActivityCardProps) {
  const action = `/${props.def.collection}/${props.id}`;
  const t = useT();
  const words = useWords();
  return (
    <section class="card" id="activity" aria-labelledby="activity-title">
      <h2 id="activity-title">{t("activity.title")}</h2>
      {props.writable
        ? (
          <div class="activity-forms">
            <form method="post" action={`${action}/notes`}>
              <CsrfInput token={props.csrfToken} />
              <label for="note-body">{t("activity.note")}</label>
              <textarea
                id="note-body"
                name="body"
                rows={2}
                required
                maxLength={5000}
                placeholder={t("activity.note_placeholder")}
              />
              <button class="button small primary" type="submit">{t("activity.add_note")}</button>
            </form>
            <details>
              <summary class="button small secondary">{t("activity.log_call_open")}</summary>
              <form method="post" action={`${action}/calls`}>
                <CsrfInput token={props.csrfToken} />
                <label for="call-party">{t("activity.whom")}</label>
                <input id="call-party" name="party" required maxLength={200} />
                <label for="call-outcome">{t("activity.outcome")}</label>
                <select id="call-outcome" name="outcome">
                  {CALL_OUTCOMES.map((o) => (
                    <option key={o} value={o}>{words(CALL_OUTCOME_LABELS[o])}</option>
                  ))}
                </select>
                <label for="call-body">{t("activity.what_was_said")}</label>
                <textarea id="call-body" name="body" rows={2} maxLength={5000} />
                <label for="call-follow-up">{t("activity.follow_up_on")}</label>
                <input id="call-follow-up" name="follow_up_on" type="date" />
                <button class="button small primary" type="submit">{t("activity.log_call")}</button>
              </form>
            </details>
          </div>
        )
        : null}
      {props.items.length
        ? (
          <ol class="timeline">
            {props.items.map((item, i) => (
              <li key={i} data-live-item={`${item.type}:${item.at}:${i}`}>
                <Item {...props} item={item} />
              </li>
            ))}
          </ol>
        )
        : <p class="muted">{t("activity.nothing_yet")}</p>}
    </section>
  );
}
