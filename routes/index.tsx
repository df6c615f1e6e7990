import { Hono } from "hono";
import { PluginCards } from "../components/plugins/PluginCards.tsx";
import { pluginDashboardCards } from "../http/records.ts";
import type { AppEnv } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp, renderPublic } from "../http/page.tsx";
import { Dashboard } from "../components/Dashboard.tsx";
import { renderToString } from "preact-render-to-string";
import { dashboardNumbers } from "../domain/reports.ts";
import { principalOf, tenantOf } from "../http/env.ts";
import { followUpsDue } from "../domain/activity/mod.ts";
import { titlesOf } from "../domain/records/repository.ts";
import { FollowUpsDue } from "../components/FollowUpsDue.tsx";
import { loadFormatSettings } from "../domain/format.ts";
import { dashboardCards, navigation, words } from "../customization/terms.ts";
import { useT } from "../components/Words.tsx";
import { formatsFor, workspaceTranslator } from "../i18n/mod.ts";
import { languageOf } from "../i18n/middleware.ts";

const WEEK_STARTS = { sunday: 0, monday: 1, saturday: 6 } as const;

const app = new Hono<AppEnv>();

function Landing() {
  const t = useT();
  return (
    <>
      <section class="hero">
        <h1>{t("landing.title")}</h1>
        <p>{t("landing.intro")}</p>
        <p class="hero-actions">
          <a class="button primary" href="/signup">{t("landing.start_trial")}</a>
          <a class="button secondary" href="/login">{t("landing.sign_in")}</a>
        </p>
      </section>
      <section class="features" aria-label={t("landing.features")}>
        <article class="card">
          <h2>{t("landing.workspace_title")}</h2>
          <p>{t("landing.workspace_text")}</p>
        </article>
        <article class="card">
          <h2>{t("landing.margin_title")}</h2>
          <p>{t("landing.margin_text")}</p>
        </article>
        <article class="card">
          <h2>{t("landing.credit_title")}</h2>
          <p>{t("landing.credit_text")}</p>
        </article>
      </section>
    </>
  );
}

app.get(
  "/",
  async (c, next) => {
    if (c.get("site") === "apex") return renderPublic(c, "ProjectMeats", <Landing />);
    await next();
  },
  memberPage(),
  async (c) => {
    const tenant = tenantOf(c);
    const { name, role } = principalOf(c);
    const day = tenant.today;
    const configuration = c.get("configuration");
    const config = configuration?.document;
    const language = languageOf(c);
    const t = workspaceTranslator(
      language,
      config?.terminology.phrases ?? {},
      (text) => words(config, text),
    );
    const named = navigation(config).find((entry) => entry.key === "dashboard")!.label;
    const builtIn = navigation(null).find((entry) => entry.key === "dashboard")!.label;
    const title = named === builtIn ? t("nav.dashboard") : named;
    const startsOn = WEEK_STARTS[config?.formats.first_day_of_week ?? "monday"];
    // The dashboard's figures scan the whole business; its HTML is kept until the data changes
    // (a configuration change is a change too: its version and the role pick the cards).
    const html = await c.get("services").readCache.read(
      tenant.db,
      tenant.id,
      `dashboard:${day}:${name}:${role}:${configuration?.version ?? 0}:${language}`,
      async () =>
        renderToString(
          <Dashboard
            name={name}
            tenantName={tenant.name}
            numbers={await dashboardNumbers(tenant.db, day, tenant.timeZone, startsOn)}
            cards={dashboardCards(config, role)}
            t={t}
            format={formatsFor(await loadFormatSettings(tenant.db), language)}
            weekStartsOn={startsOn}
            title={title}
          />,
        ),
    );
    // Follow-ups due (issue 17): one indexed query, outside the cached figures.
    const due = await followUpsDue(tenant.db, day);
    const titles = new Map<string, string>();
    for (const entity of new Set(due.map((a) => a.entity))) {
      const ids = due.filter((a) => a.entity === entity).map((a) => a.entityId);
      for (const [id, text] of await titlesOf(tenant.db, entity, ids)) titles.set(id, text);
    }
    const followUps = due.map((a) => ({
      ...a,
      title: titles.get(a.entityId) ?? t("follow_ups.a_record"),
    }));
    return renderApp(
      c,
      title,
      <>
        <div dangerouslySetInnerHTML={{ __html: html }} />
        <FollowUpsDue items={followUps} today={day} />
        <PluginCards cards={await pluginDashboardCards(c)} />
      </>,
    );
  },
);

export default app;
