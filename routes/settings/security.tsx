import { Hono } from "hono";
import { type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { securityLogExport, securityLogPanel } from "../_security_log.tsx";

const app = new Hono<AppEnv>();
app.use("/settings/security", memberPage(), requirePermission("settings:manage"));
app.use("/settings/security/*", memberPage(), requirePermission("settings:manage"));

app.get("/settings/security", async (c) => {
  const tenant = tenantOf(c);
  const panel = await securityLogPanel(c, {
    base: "/settings/security",
    db: tenant.db,
    timeZone: tenant.timeZone,
    chain: tenant.id,
  });
  return renderApp(
    c,
    "Security",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/security" role={principalOf(c).role} />
      <section class="card">
        <h2>Security log</h2>
        <p class="muted">
          Sign-ins and failed attempts, sign-outs, password and e-mail changes, API tokens, members,
          domains, company settings and billing: who did what, when and from where. Each entry
          carries the fingerprint (hash) of the one before it, so a changed or removed entry shows.
        </p>
        {panel}
      </section>
    </>,
  );
});

for (const format of ["csv", "json"] as const) {
  app.get(`/settings/security/export.${format}`, (c) => {
    const tenant = tenantOf(c);
    const name = `security-log-${tenant.slug}-${tenant.today}`;
    return securityLogExport(c, { db: tenant.db, timeZone: tenant.timeZone, name }, format);
  });
}

export default app;
