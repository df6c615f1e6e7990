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

const WEEK_STARTS = { sunday: 0, monday: 1, saturday: 6 } as const;

const app = new Hono<AppEnv>();

function Landing() {
  return (
    <>
      <section class="hero">
        <h1>Run your meat brokerage in one place</h1>
        <p>
          Purchase orders, sales, loads, invoices and collections for beef, pork, poultry and
          seafood brokers. Drop in a supplier's PO or a bill of lading and the assistant turns it
          into records for you to review.
        </p>
        <p class="hero-actions">
          <a class="button primary" href="/signup">Start a free trial</a>
          <a class="button secondary" href="/login">Sign in</a>
        </p>
      </section>
      <section class="features" aria-label="What you get">
        <article class="card">
          <h2>Your own workspace</h2>
          <p>Every company gets its own address and its own database. Nothing is shared.</p>
        </article>
        <article class="card">
          <h2>Margin on every load</h2>
          <p>Sale minus purchase, freight and other costs, per load, customer and salesperson.</p>
        </article>
        <article class="card">
          <h2>Credit and collections</h2>
          <p>Aging in buckets, overdue invoices, and credit holds that stop risky orders.</p>
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
    const title = navigation(config).find((entry) => entry.key === "dashboard")!.label;
    const startsOn = WEEK_STARTS[config?.formats.first_day_of_week ?? "monday"];
    // The dashboard's figures scan the whole business; its HTML is kept until the data changes
    // (a configuration change is a change too: its version and the role pick the cards).
    const html = await c.get("services").readCache.read(
      tenant.db,
      tenant.id,
      `dashboard:${day}:${name}:${role}:${configuration?.version ?? 0}`,
      async () =>
        renderToString(
          <Dashboard
            name={name}
            tenantName={tenant.name}
            numbers={await dashboardNumbers(tenant.db, day, startsOn)}
            cards={dashboardCards(config, role)}
            words={(text) => words(config, text)}
            format={await loadFormatSettings(tenant.db)}
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
    const followUps = due.map((a) => ({ ...a, title: titles.get(a.entityId) ?? "A record" }));
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
