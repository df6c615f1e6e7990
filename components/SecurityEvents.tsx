/**
 * @module components/SecurityEvents
 * The security log of Settings → Security: its filter form, the table of entries (newest first)
 * and the outcome of verifying the hash chain. Plain data in, no database.
 */
import type { SecurityEventFilters, SecurityEventView } from "../security/list.ts";
import type { ChainVerification } from "../security/verify.ts";
import { Fragment } from "preact";
import type { Translate } from "../i18n/format.ts";
import { useLanguage, useT } from "./Words.tsx";

/** The action, user and day filters (a GET form: nothing changes, so no CSRF token). */
export function SecurityEventFilterForm(props: { base: string; filters: SecurityEventFilters }) {
  const f = props.filters;
  const t = useT();
  return (
    <form
      method="get"
      action={props.base}
      class="filters"
      role="search"
      aria-label={t("security.filter")}
    >
      <div class="field">
        <label for="sec-action">{t("security.action")}</label>
        <input
          id="sec-action"
          name="action"
          value={f.action ?? ""}
          placeholder={t("security.action_placeholder")}
        />
      </div>
      <div class="field">
        <label for="sec-user">{t("security.user")}</label>
        <input id="sec-user" name="user" value={f.user ?? ""} placeholder={t("common.email")} />
      </div>
      <div class="field">
        <label for="sec-from">{t("security.from")}</label>
        <input id="sec-from" name="from" type="date" value={f.from ?? ""} />
      </div>
      <div class="field">
        <label for="sec-to">{t("security.to")}</label>
        <input id="sec-to" name="to" type="date" value={f.to ?? ""} />
      </div>
      <div class="filter-actions">
        <button class="button primary" type="submit">{t("security.apply")}</button>
        <a class="button secondary" href={props.base}>{t("security.clear")}</a>
      </div>
    </form>
  );
}

/**
 * An event's details in the reader's words. The stored details (and target) stay as the code wrote them (they
 * are part of what the chain's hashes cover, so never rewritten): a key the catalogue names
 * (`security.detail.<key>`) reads translated, any other as its code name; values are data, shown
 * as written (a yes/no in words, a list or object as JSON code).
 */
export function EventDetails(props: { details: Record<string, unknown> }) {
  const t = useT();
  return (
    <>
      {Object.entries(props.details).map(([k, v], i) => {
        const key = `security.detail.${k}`;
        const label = t(key);
        return (
          <Fragment key={k}>
            {i ? "; " : ""}
            {label === key ? <code>{k}</code> : label}
            {": "}
            {typeof v === "string" || typeof v === "number"
              ? String(v)
              : typeof v === "boolean"
              ? t(v ? "security.detail_yes" : "security.detail_no")
              : <code>{JSON.stringify(v)}</code>}
          </Fragment>
        );
      })}
    </>
  );
}

/**
 * An event's target as stored (an e-mail, an id, a domain), except the one the code writes in
 * words, a configuration's "version 3", which reads in the reader's (`security.target_version`).
 */
export function targetText(t: Translate, target: string | null): string {
  const version = target === null ? null : /^version (\d+)$/.exec(target);
  return version ? t("security.target_version", { version: version[1]! }) : target ?? "";
}

/** Entries newest first; the time is shown in the workspace's time zone. */
export function SecurityEventsTable(props: { events: SecurityEventView[]; timeZone: string }) {
  const t = useT();
  const time = new Intl.DateTimeFormat(useLanguage() === "es" ? "es-US" : "en-US", {
    timeZone: props.timeZone,
    dateStyle: "medium",
    timeStyle: "medium",
  });
  const columns = [
    "#",
    t("security.col_when"),
    t("security.action"),
    t("security.col_who"),
    t("security.col_target"),
    t("security.col_from"),
    t("security.col_details"),
  ];
  // Wide (user agents, details): the wrapper scrolls sideways, so it takes keyboard focus too.
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={t("security.events")}>
      <table id="security-events">
        <caption>{t("security.events_caption")}</caption>
        <thead>
          <tr>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
          </tr>
        </thead>
        <tbody>
          {props.events.length === 0
            ? (
              <tr>
                <td colSpan={columns.length} class="muted">{t("security.none")}</td>
              </tr>
            )
            : props.events.map((e) => (
              <tr key={e.id}>
                <td class="num">{e.seq}</td>
                <td>
                  <time dateTime={e.at}>{time.format(new Date(e.at))}</time>
                </td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.actor_email ?? <span class="muted">{t("security.unknown")}</span>}</td>
                <td>{targetText(t, e.target)}</td>
                <td>
                  {e.ip ?? ""}
                  {e.user_agent ? <span class="muted">{` ${e.user_agent}`}</span> : null}
                </td>
                <td>
                  <EventDetails details={e.details} />
                </td>
              </tr>
            ))}
        </tbody>
      </table>
    </div>
  );
}

/** "Intact" or the first broken entry, announced to screen readers. */
export function VerifyOutcome(props: { result: ChainVerification }) {
  const r = props.result;
  const t = useT();
  if (r.intact) {
    const range = r.firstSeq !== null
      ? ` ${t("security.range", { first: r.firstSeq, last: r.lastSeq ?? r.firstSeq })}`
      : "";
    return (
      <p class="flash success" role="status" id="chain-verification">
        {t("security.intact", { count: r.entries, range })}
      </p>
    );
  }
  return (
    <p class="flash error" role="alert" id="chain-verification">
      {t("security.broken", { seq: r.seq, why: r.why.replace("_", " "), message: r.message })}
    </p>
  );
}
