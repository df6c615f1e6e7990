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
import * as fmt from "../../domain/format.ts";
import { CsrfInput } from "../Form.tsx";
import { useWords } from "../Words.tsx";

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

function who(names: ReadonlyMap<string, string>, userId: string | null): string {
  return userId ? names.get(userId) ?? "a former member" : "the system";
}

function Item(props: ActivityCardProps & { item: TimelineItem }) {
  const { item, names, format } = props;
  const words = useWords();
  const when = <time datetime={item.at}>{fmt.instant(item.at, format)}</time>;
  switch (item.type) {
    case "change": {
      const labels = describeChanges(props.def, item.entry, props.titles, format).map((c) =>
        c.label
      );
      return (
        <p>
          <strong>{words(actionLabel(item.entry.action))}</strong>
          {labels.length && item.entry.action === "update" ? ` ${labels.join(", ")}` : ""}{" "}
          {words("by")} {who(names, item.userId)} · {when}
        </p>
      );
    }
    case "activity": {
      const a = item.activity;
      if (a.kind === "call") {
        return (
          <>
            <p>
              <strong>Call</strong> with {a.party} ·{" "}
              {CALL_OUTCOME_LABELS[a.outcome as keyof typeof CALL_OUTCOME_LABELS] ?? a.outcome} · by
              {" "}
              {who(names, a.userId)} · {when}
            </p>
            {a.body ? <p class="note-body">{a.body}</p> : null}
            {a.followUpOn
              ? (
                <p class={a.followUpDoneAt ? "muted" : undefined}>
                  Follow up {fmt.date(a.followUpOn, format)}
                  {a.followUpDoneAt ? " (done)" : null}
                  {!a.followUpDoneAt && props.writable
                    ? (
                      <form method="post" action={`/follow-ups/${a.id}/done`} class="inline-form">
                        <CsrfInput token={props.csrfToken} />
                        <input
                          type="hidden"
                          name="next"
                          value={`/${props.def.collection}/${props.id}#activity`}
                        />
                        <button class="button small secondary" type="submit">Mark done</button>
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
            <strong>{a.kind === "email" ? "E-mail" : "Note"}</strong>
            {a.kind === "email" ? ` to ${a.party}` : ""} by {who(names, a.userId)} · {when}
          </p>
          <p class="note-body">{a.body}</p>
        </>
      );
    }
    case "mail":
      return (
        <p>
          <strong>E-mail</strong> “{item.subject}” to {item.to} by {who(names, item.userId)} ·{" "}
          {when}
        </p>
      );
    case "document":
      return (
        <p>
          <strong>Document</strong>{" "}
          <a href={`/documents/${item.document.id}`}>{item.document.name}</a>{" "}
          attached ({item.document.status.replaceAll("_", " ")}) · {when}
        </p>
      );
  }
}

export function ActivityCard(props: ActivityCardProps) {
  const action = `/${props.def.collection}/${props.id}`;
  return (
    <section class="card" id="activity" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      {props.writable
        ? (
          <div class="activity-forms">
            <form method="post" action={`${action}/notes`}>
              <CsrfInput token={props.csrfToken} />
              <label for="note-body">Note</label>
              <textarea
                id="note-body"
                name="body"
                rows={2}
                required
                maxLength={5000}
                placeholder="Type @ and a colleague's name to tell them"
              />
              <button class="button small primary" type="submit">Add note</button>
            </form>
            <details>
              <summary class="button small secondary">Log a call…</summary>
              <form method="post" action={`${action}/calls`}>
                <CsrfInput token={props.csrfToken} />
                <label for="call-party">Whom you called</label>
                <input id="call-party" name="party" required maxLength={200} />
                <label for="call-outcome">Outcome</label>
                <select id="call-outcome" name="outcome">
                  {CALL_OUTCOMES.map((o) => (
                    <option key={o} value={o}>{CALL_OUTCOME_LABELS[o]}</option>
                  ))}
                </select>
                <label for="call-body">What was said</label>
                <textarea id="call-body" name="body" rows={2} maxLength={5000} />
                <label for="call-follow-up">Follow up on</label>
                <input id="call-follow-up" name="follow_up_on" type="date" />
                <button class="button small primary" type="submit">Log call</button>
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
        : <p class="muted">Nothing yet.</p>}
    </section>
  );
}
