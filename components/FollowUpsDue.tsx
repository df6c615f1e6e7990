/**
 * @module components/FollowUpsDue
 * The dashboard's card of calls to follow up today (or already late), each linked to its record.
 */
import type { Activity } from "../domain/activity/mod.ts";
import * as fmt from "../domain/format.ts";
import { useLanguage, useT } from "./Words.tsx";
import { formatsFor } from "../i18n/mod.ts";

export function FollowUpsDue(
  props: { items: Array<Activity & { title: string }>; today: string },
) {
  const t = useT();
  const format = formatsFor(fmt.DEFAULT_FORMAT, useLanguage());
  if (!props.items.length) return null;
  return (
    <section class="card" aria-labelledby="follow-ups">
      <h2 id="follow-ups">{t("follow_ups.title")}</h2>
      <ul>
        {props.items.map((a) => (
          <li key={a.id}>
            <a href={`/${a.entity}/${a.entityId}#activity`}>{a.title}</a>:{" "}
            {t("follow_ups.call", { party: a.party ?? "" })}
            {a.followUpOn && a.followUpOn < props.today
              ? (
                <span class="badge status-overdue">
                  {t("follow_ups.since", { date: fmt.date(a.followUpOn, format) })}
                </span>
              )
              : null}
            {a.body ? <span class="muted">— {a.body.slice(0, 120)}</span> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
