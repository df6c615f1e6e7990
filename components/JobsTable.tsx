/**
 * @module components/JobsTable
 * Background jobs as a table (kind, tenant, state, attempts, times, last error) with a retry
 * button on dead jobs, and a row of counts by state. Shared by the operator's page (all tenants)
 * and a workspace's own jobs page.
 */
import { Fragment } from "preact";
import type { JobSummaryPart } from "../workers/job_admin.ts";
import { CsrfInput } from "./Form.tsx";
import { ListTable } from "./ListTable.tsx";
import { useT } from "./Words.tsx";

/** A job as the table shows it (plain data). */
export interface JobView {
  id: string;
  kind: string;
  tenant: string | null;
  state: string;
  attempts: number;
  maxAttempts: number;
  runAt: string;
  updatedAt: string;
  lastError: string | null;
  /** The payload's ids and names (workers/job_admin.ts `jobSummary`). */
  summary: JobSummaryPart[];
}

const STATE_CLASS: Record<string, string> = {
  dead: "badge danger",
  retrying: "badge warn",
  running: "badge",
  queued: "badge",
  done: "badge ok",
};

function when(iso: string): string {
  return iso.slice(0, 19).replace("T", " ");
}

/** Counts by state, each a link that filters the table. */
export function JobCounts(
  props: { counts: Record<string, number>; base: string; current?: string; extra?: string },
) {
  const states = ["queued", "retrying", "running", "dead", "done"];
  const t = useT();
  return (
    <nav class="tabs" aria-label={t("jobs.states")}>
      <a
        href={`${props.base}${props.extra ? `?${props.extra}` : ""}`}
        aria-current={props.current ? undefined : "page"}
      >
        {t("jobs.all")}
      </a>
      {states.map((s) => (
        <a
          key={s}
          href={`${props.base}?state=${s}${props.extra ? `&${props.extra}` : ""}`}
          aria-current={props.current === s ? "page" : undefined}
          data-state-count={s}
        >
          {t(`jobs.state.${s}`)} ({props.counts[s] ?? 0})
        </a>
      ))}
    </nav>
  );
}

/**
 * A payload field and its value: a field the catalogue names (`jobs.field.<field>`, "document
 * {value}") in the reader's words, any other as its code name.
 */
function SummaryPart(props: { part: JobSummaryPart }) {
  const t = useT();
  const key = `jobs.field.${props.part.field}`;
  const named = t(key, { value: props.part.value });
  return named === key
    ? (
      <>
        <code>{props.part.field}</code> {props.part.value}
      </>
    )
    : <>{named}</>;
}

/** The jobs table; `retryBase` + `/<id>/retry` is where a dead job's retry posts. */
export function JobsTable(
  props: { jobs: JobView[]; showTenant: boolean; retryBase: string; csrf: string; caption: string },
) {
  const t = useT();
  const stateText = (state: string) => {
    const text = t(`jobs.state.${state}`);
    return text.startsWith("jobs.") ? state : text;
  };
  return (
    <ListTable
      class="jobs"
      caption={props.caption}
      columns={[
        t("jobs.job"),
        ...(props.showTenant ? [t("jobs.workspace")] : []),
        t("jobs.state"),
        { label: t("jobs.attempts"), class: "num" },
        t("jobs.runs_at"),
        t("jobs.updated"),
        t("jobs.last_error"),
        null,
      ]}
      empty={t("jobs.none")}
      rows={props.jobs.map((job) => (
        <tr key={job.id} data-job={job.id} data-state={job.state}>
          <td>
            <code>{job.kind}</code>
            {job.summary.length
              ? (
                <span class="muted">
                  {job.summary.map((part, i) => (
                    <Fragment key={part.field}>
                      {i ? ", " : " "}
                      <SummaryPart part={part} />
                    </Fragment>
                  ))}
                </span>
              )
              : null}
          </td>
          {props.showTenant ? <td>{job.tenant ?? "—"}</td> : null}
          <td>
            <span class={STATE_CLASS[job.state] ?? "badge"}>{stateText(job.state)}</span>
          </td>
          <td class="num">{job.attempts} / {job.maxAttempts}</td>
          <td>
            <time datetime={job.runAt}>{when(job.runAt)}</time>
          </td>
          <td>
            <time datetime={job.updatedAt}>{when(job.updatedAt)}</time>
          </td>
          <td class="job-error">{job.lastError ?? ""}</td>
          <td>
            {job.state === "dead"
              ? (
                <form method="post" action={`${props.retryBase}/${job.id}/retry`}>
                  <CsrfInput token={props.csrf} />
                  <button
                    class="button secondary small"
                    type="submit"
                    aria-label={t("jobs.retry_named", { kind: job.kind, id: job.id })}
                  >
                    {t("jobs.retry")}
                  </button>
                </form>
              )
              : null}
          </td>
        </tr>
      ))}
    />
  );
}
