import { Hono } from "hono";
import { operatorOnly } from "../../auth/middleware.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { renderPublic } from "../../http/page.tsx";
import { NotFoundError } from "../../domain/errors.ts";
import { isId } from "../../db/ids.ts";
import { JobCounts, JobsTable, type JobView } from "../../components/JobsTable.tsx";
import {
  findJobs,
  JOB_STATES,
  jobCounts,
  type JobState,
  jobSummary,
  retryJob,
} from "../../workers/job_admin.ts";

const app = new Hono<AppEnv>();
app.use("/operator/jobs", operatorOnly());
app.use("/operator/jobs/*", operatorOnly());

function stateParam(c: AppContext): JobState | undefined {
  const s = c.req.query("state");
  return JOB_STATES.includes(s as JobState) ? s as JobState : undefined;
}

app.get("/operator/jobs", async (c) => {
  const { control, registry } = c.get("services");
  const state = stateParam(c);
  const slug = c.req.query("tenant")?.trim().toLowerCase() || undefined;
  const tenant = slug ? await registry.findBySlug(slug) : null;
  if (slug && !tenant) throw new NotFoundError(`There is no workspace "${slug}".`);
  const [jobs, counts] = await Promise.all([
    findJobs(control, { tenantId: tenant?.id, state, limit: 200 }),
    jobCounts(control, tenant?.id),
  ]);
  const names = new Map<string, string>();
  for (const id of new Set([...jobs, ...counts].map((j) => j.tenantId).filter(Boolean))) {
    const t = await registry.findById(id!);
    names.set(id!, t ? t.slug : `${id} (removed)`);
  }
  const views: JobView[] = jobs.map((j) => ({
    ...j,
    tenant: j.tenantId ? names.get(j.tenantId) ?? j.tenantId : null,
    summary: jobSummary(j),
  }));
  const totals: Record<string, number> = {};
  const byTenant = new Map<string, Record<string, number>>();
  for (const k of counts) {
    totals[k.state] = (totals[k.state] ?? 0) + k.count;
    const name = k.tenantId ? names.get(k.tenantId) ?? k.tenantId : "(no workspace)";
    const row = byTenant.get(name) ?? {};
    row[k.state] = k.count;
    byTenant.set(name, row);
  }
  return renderPublic(
    c,
    "Jobs · Operator",
    <section class="operator">
      <h1>Background jobs</h1>
      <p class="muted">
        Every workspace's jobs. Dead jobs failed on every attempt; retrying one gives it a fresh set
        of attempts.
      </p>
      {c.req.query("retried")
        ? <p class="flash success" role="status">The job is queued again.</p>
        : null}
      <form method="get" action="/operator/jobs" class="inline-form">
        <div class="field">
          <label for="tenant">Workspace (slug)</label>
          <input id="tenant" name="tenant" value={slug ?? ""} />
        </div>
        {state ? <input type="hidden" name="state" value={state} /> : null}
        <button class="button secondary" type="submit">Filter</button>
      </form>
      <JobCounts
        base="/operator/jobs"
        current={state}
        counts={totals}
        extra={slug ? `tenant=${encodeURIComponent(slug)}` : undefined}
      />
      <div class="table-wrap">
        <table>
          <caption>Jobs by workspace (done: last 24 hours)</caption>
          <thead>
            <tr>
              <th scope="col">Workspace</th>
              {JOB_STATES.map((s) => <th scope="col" class="num" key={s}>{s}</th>)}
            </tr>
          </thead>
          <tbody>
            {[...byTenant].map(([name, row]) => (
              <tr key={name}>
                <td>
                  <a href={`/operator/jobs?tenant=${encodeURIComponent(name)}`}>{name}</a>
                </td>
                {JOB_STATES.map((s) => <td class="num" key={s}>{row[s] ?? 0}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <JobsTable
        jobs={views}
        showTenant
        retryBase="/operator/jobs"
        csrf={c.get("csrfToken")}
        caption="Jobs, newest first"
      />
    </section>,
  );
});

app.post("/operator/jobs/:id/retry", async (c) => {
  const id = c.req.param("id");
  const ok = isId(id) && await retryJob(c.get("services").control, id);
  if (!ok) throw new NotFoundError("There is no dead job with that id.");
  await recordSecurityEvent(c, { action: "operator.job_retried", target: id, operator: true });
  return c.redirect("/operator/jobs?retried=1", 303);
});

export default app;
