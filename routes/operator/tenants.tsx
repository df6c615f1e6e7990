import { Hono } from "hono";
import { z } from "zod";
import { operatorOnly } from "../../auth/middleware.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { renderPublic } from "../../http/page.tsx";
import { InvalidError, NotFoundError } from "../../domain/errors.ts";
import { listTenantOverviews, tenantMembers, tenantOverview } from "../../ops/tenant_overview.ts";
import { changeReleaseChannel, changeTenantStatus } from "../../ops/tenant_actions.ts";
import { CHANNELS, RELEASES } from "../../ops/release_channels.ts";
import {
  listImpersonations,
  MAX_IMPERSONATION_MINUTES,
  startImpersonation,
} from "../../ops/impersonation.ts";
import { tenantOrigin } from "../../auth/handoff.ts";
import {
  OperatorNav,
  TenantChannelForm,
  TenantFacts,
  TenantsTable,
  TenantStatusForm,
  TenantViewForm,
  TenantViews,
} from "../../components/OperatorTenants.tsx";

const app = new Hono<AppEnv>();
app.use("/operator", operatorOnly());
app.use("/operator/tenants", operatorOnly());
app.use("/operator/tenants/*", operatorOnly());

const listQuery = z.object({
  q: z.string().trim().max(100).optional(),
  status: z.enum(["active", "suspended"]).optional().catch(undefined),
});

const reasonForm = z.object({
  reason: z.string().trim().min(3, "Say why, in a few words.").max(500),
});

const channelForm = reasonForm.extend({
  channel: z.enum(CHANNELS),
  release: z.string().trim().max(20).optional().transform((s) => s || null),
});

const viewForm = reasonForm.extend({
  minutes: z.coerce.number().int().min(1).max(MAX_IMPERSONATION_MINUTES),
});

function deps(c: AppContext) {
  const { control, config, clock } = c.get("services");
  return { control, config, now: clock.now() };
}

const list = async (c: AppContext) => {
  const query = listQuery.parse({ q: c.req.query("q"), status: c.req.query("status") });
  const tenants = await listTenantOverviews(deps(c), query);
  return renderPublic(
    c,
    "Workspaces · Operator",
    <section class="operator">
      <h1>Workspaces</h1>
      <OperatorNav current="tenants" />
      <form method="get" action="/operator" class="inline-form" role="search">
        <div class="field">
          <label for="q">Slug or name</label>
          <input id="q" name="q" value={query.q ?? ""} />
        </div>
        <div class="field">
          <label for="status">Status</label>
          <select id="status" name="status">
            <option value="">any</option>
            {(["active", "suspended"] as const).map((s) => (
              <option key={s} value={s} selected={query.status === s}>{s}</option>
            ))}
          </select>
        </div>
        <button class="button secondary" type="submit">Search</button>
      </form>
      <TenantsTable tenants={tenants} />
    </section>,
  );
};
app.get("/operator", list);
app.get("/operator/tenants", list);

app.get("/operator/tenants/:slug", async (c) => {
  const tenant = await tenantOverview(deps(c), c.req.param("slug"));
  if (!tenant) throw new NotFoundError("There is no workspace with that slug.");
  const members = await tenantMembers(c.get("services").control, tenant.id);
  const views = await listImpersonations(c.get("services").control, tenant.id);
  const done = c.req.query("done");
  return renderPublic(
    c,
    `${tenant.slug} · Operator`,
    <section class="operator">
      <h1>{tenant.name} ({tenant.slug})</h1>
      <OperatorNav current="tenants" />
      {done === "suspended" || done === "reactivated"
        ? (
          <p class="flash success" role="status">
            The workspace is {done}.{c.req.query("log") === "0"
              ? " Its own security log could not be written (its database did not open); the operators' log has the entry."
              : ""}
          </p>
        )
        : null}
      {done === "moved"
        ? <p class="flash success" role="status">The workspace's release channel is changed.</p>
        : null}
      <TenantFacts tenant={tenant} />
      <p>
        <a href={`/operator/jobs?tenant=${encodeURIComponent(tenant.slug)}`}>Its jobs</a>
        {" · "}
        <a href={`/operator/alerts?tenant=${encodeURIComponent(tenant.slug)}`}>Its alerts</a>
      </p>
      <div class="table-wrap">
        <table>
          <caption>Members ({members.length})</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.email}>
                <td>{m.name}</td>
                <td>{m.email}</td>
                <td>{m.role}</td>
                <td>{m.since.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Status</h2>
      <TenantStatusForm tenant={tenant} csrf={c.get("csrfToken")} />
      <h2>Release channel</h2>
      <TenantChannelForm
        tenant={tenant}
        csrf={c.get("csrfToken")}
        releases={RELEASES.map((r) => r.version)}
      />
      <h2>View as a read-only member</h2>
      <TenantViewForm
        tenant={tenant}
        csrf={c.get("csrfToken")}
        maxMinutes={MAX_IMPERSONATION_MINUTES}
      />
      <TenantViews views={views} />
    </section>,
  );
});

for (const [verb, status] of [["suspend", "suspended"], ["reactivate", "active"]] as const) {
  app.post(`/operator/tenants/:slug/${verb}`, async (c) => {
    const { registry } = c.get("services");
    const tenant = await registry.findBySlug(c.req.param("slug"));
    if (!tenant) throw new NotFoundError("There is no workspace with that slug.");
    const form = reasonForm.safeParse(await c.req.parseBody());
    if (!form.success) {
      throw new InvalidError("Give a reason of 3 to 500 characters.", {
        reason: form.error.issues.map((i) => i.message),
      });
    }
    const auth = c.get("auth")!;
    const logged = await changeTenantStatus(c.get("services"), tenant, status, {
      operatorUserId: auth.userId,
      operatorEmail: auth.email,
      reason: form.data.reason,
    });
    await recordSecurityEvent(c, {
      action: status === "suspended" ? "operator.tenant_suspended" : "operator.tenant_reactivated",
      target: tenant.slug,
      details: {
        reason: form.data.reason,
        tenant_id: tenant.id,
        ...(logged ? {} : { tenant_log: "not written: the workspace's database did not open" }),
      },
      operator: true,
    });
    const done = status === "suspended" ? "suspended" : "reactivated";
    return c.redirect(
      `/operator/tenants/${encodeURIComponent(tenant.slug)}?done=${done}${logged ? "" : "&log=0"}`,
      303,
    );
  });
}

app.post("/operator/tenants/:slug/channel", async (c) => {
  const services = c.get("services");
  const tenant = await services.registry.findBySlug(c.req.param("slug"));
  if (!tenant) throw new NotFoundError("There is no workspace with that slug.");
  const form = channelForm.safeParse(await c.req.parseBody());
  if (!form.success) {
    throw new InvalidError("Choose a channel and give a reason of 3 to 500 characters.", {
      form: form.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`),
    });
  }
  const auth = c.get("auth")!;
  const setting = { channel: form.data.channel, release: form.data.release };
  await changeReleaseChannel(services, tenant, setting, {
    operatorUserId: auth.userId,
    operatorEmail: auth.email,
    reason: form.data.reason,
  });
  await recordSecurityEvent(c, {
    action: "operator.release_channel_changed",
    target: tenant.slug,
    details: { ...setting, reason: form.data.reason, tenant_id: tenant.id },
    operator: true,
  });
  return c.redirect(`/operator/tenants/${encodeURIComponent(tenant.slug)}?done=moved`, 303);
});

app.post("/operator/tenants/:slug/view", async (c) => {
  const services = c.get("services");
  const tenant = await services.registry.findBySlug(c.req.param("slug"));
  if (!tenant) throw new NotFoundError("There is no workspace with that slug.");
  const form = viewForm.safeParse(await c.req.parseBody());
  if (!form.success) {
    throw new InvalidError(
      `Give a reason of 3 to 500 characters and 1 to ${MAX_IMPERSONATION_MINUTES} minutes.`,
      { form: form.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`) },
    );
  }
  const auth = c.get("auth")!;
  const view = await startImpersonation(services, {
    operatorUserId: auth.userId,
    operatorEmail: auth.email,
    tenant,
    reason: form.data.reason,
    minutes: form.data.minutes,
  });
  await recordSecurityEvent(c, {
    action: "operator.impersonation_started",
    target: tenant.slug,
    details: { reason: form.data.reason, minutes: form.data.minutes, tenant_id: tenant.id },
    operator: true,
  });
  const origin = tenantOrigin(tenant.slug, services.config, c.req.url);
  return c.redirect(`${origin}/operator/view/start?token=${view.linkToken}`, 303);
});

export default app;
