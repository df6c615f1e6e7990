import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { NotFoundError } from "../../domain/errors.ts";
import { isId } from "../../db/ids.ts";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { JobCounts, JobsTable, type JobView } from "../../components/JobsTable.tsx";
import {
  findJobs,
  JOB_STATES,
  jobCounts,
  type JobState,
  jobSummary,
  retryJob,
} from "../../workers/job_admin.ts";

import { tOf } from "../../i18n/middleware.ts";

const app = new Hono<AppEnv>();
app.use("/settings/jobs", memberPage(), requirePermission("settings:manage"));
app.use("/settings/jobs/*", memberPage(), requirePermission("settings:manage"));

function stateParam(c: AppContext): JobState | undefined {
  const s = c.req.query("state");
  return JOB_STATES.includes(s as JobState) ? s as JobState : undefined;
}

app.get("/settings/jobs", async (c) => {
  const { control } = c.get("services");
  const tenant = tenantOf(c);
  const state = stateParam(c);
  const [jobs, counts] = await Promise.all([
    findJobs(control, { tenantId: tenant.id, state }),
    jobCounts(control, tenant.id),
  ]);
  const views: JobView[] = jobs.map((j) => ({
    ...j,
    tenant: tenant.name,
    summary: jobSummary(j),
  }));
  const retried = c.req.query("retried");
  const t = tOf(c);
  return renderApp(
    c,
    t("jobs.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/jobs" role={principalOf(c).role} />
      <section class="card">
        <h2>{t("jobs.title")}</h2>
        <p class="muted">{t("jobs.intro")}</p>
        {retried
          ? (
            <p class="flash success" role="status">
              {t("jobs.queued_again")}
            </p>
          )
          : null}
        <JobCounts
          base="/settings/jobs"
          current={state}
          counts={Object.fromEntries(counts.map((k) => [k.state, k.count]))}
        />
        <JobsTable
          jobs={views}
          showTenant={false}
          retryBase="/settings/jobs"
          csrf={c.get("csrfToken")}
          caption={t("jobs.caption")}
        />
      </section>
    </>,
  );
});

app.post("/settings/jobs/:id/retry", async (c) => {
  const id = c.req.param("id");
  const ok = isId(id) && await retryJob(c.get("services").control, id, tenantOf(c).id);
  if (!ok) throw new NotFoundError(tOf(c)("jobs.no_dead_job"));
  await recordSecurityEvent(c, { action: "job.retried", target: id });
  return c.redirect("/settings/jobs?retried=1", 303);
});

export default app;
