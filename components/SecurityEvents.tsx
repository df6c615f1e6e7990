/**
 * @module components/SecurityEvents
 * The security log of Settings → Security: its filter form, the table of entries (newest first)
 * and the outcome of verifying the hash chain. Plain data in, no database.
 */
import type { SecurityEventFilters, SecurityEventView } from "../security/list.ts";
import type { ChainVerification } from "../security/verify.ts";

/** The action, user and day filters (a GET form: nothing changes, so no CSRF token). */
export function SecurityEventFilterForm(props: { base: string; filters: SecurityEventFilters }) {
  const f = props.filters;
  return (
    <form
      method="get"
      action={props.base}
      class="filters"
      role="search"
      aria-label="Filter the security log"
    >
      <div class="field">
        <label for="sec-action">Action</label>
        <input
          id="sec-action"
          name="action"
          value={f.action ?? ""}
          placeholder="auth.sign_in_failed or auth."
        />
      </div>
      <div class="field">
        <label for="sec-user">User</label>
        <input id="sec-user" name="user" value={f.user ?? ""} placeholder="E-mail" />
      </div>
      <div class="field">
        <label for="sec-from">From</label>
        <input id="sec-from" name="from" type="date" value={f.from ?? ""} />
      </div>
      <div class="field">
        <label for="sec-to">To</label>
        <input id="sec-to" name="to" type="date" value={f.to ?? ""} />
      </div>
      <div class="filter-actions">
        <button class="button primary" type="submit">Apply</button>
        <a class="button secondary" href={props.base}>Clear</a>
      </div>
    </form>
  );
}

function detailsText(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("; ");
}

/** Entries newest first; the time is shown in the workspace's time zone. */
export function SecurityEventsTable(props: { events: SecurityEventView[]; timeZone: string }) {
  const time = new Intl.DateTimeFormat("en-US", {
    timeZone: props.timeZone,
    dateStyle: "medium",
    timeStyle: "medium",
  });
  const columns = ["#", "When", "Action", "Who", "Target", "From", "Details"];
  // Wide (user agents, details): the wrapper scrolls sideways, so it takes keyboard focus too.
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Security events">
      <table id="security-events">
        <caption>Security events, newest first</caption>
        <thead>
          <tr>
            {columns.map((c) => <th key={c} scope="col">{c}</th>)}
          </tr>
        </thead>
        <tbody>
          {props.events.length === 0
            ? (
              <tr>
                <td colSpan={columns.length} class="muted">No security events match.</td>
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
                <td>{e.actor_email ?? <span class="muted">unknown</span>}</td>
                <td>{e.target ?? ""}</td>
                <td>
                  {e.ip ?? ""}
                  {e.user_agent ? <span class="muted">{` ${e.user_agent}`}</span> : null}
                </td>
                <td>{detailsText(e.details)}</td>
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
  if (r.intact) {
    return (
      <p class="flash success" role="status" id="chain-verification">
        The chain is intact: {r.entries} {r.entries === 1 ? "entry" : "entries"}
        {r.firstSeq !== null ? ` (${r.firstSeq} to ${r.lastSeq})` : ""}{" "}
        verified, none changed, removed or reordered.
      </p>
    );
  }
  return (
    <p class="flash error" role="alert" id="chain-verification">
      The chain is broken at entry {r.seq} ({r.why.replace("_", " ")}). {r.message}
    </p>
  );
}
