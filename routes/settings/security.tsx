import { Hono } from "hono";
import { type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { tOf } from "../../i18n/middleware.ts";
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
  const t = tOf(c);
  return renderApp(
    c,
    t("security.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/security" role={principalOf(c).role} />
      <section class="card">
        <h2>{t("security.log")}</h2>
        <p class="muted">{t("security.intro")}</p>
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
