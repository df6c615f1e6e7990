import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { FormErrors } from "../../components/Form.tsx";
import {
  SecurityEventFilterForm,
  SecurityEventsTable,
  VerifyOutcome,
} from "../../components/SecurityEvents.tsx";
import {
  exportSecurityEvents,
  listSecurityEvents,
  type SecurityEventFilters,
  SecurityEventQuery,
  securityEventsCsv,
} from "../../security/list.ts";
import { verifyChain } from "../../security/verify.ts";
import { recordSecurityEvent } from "../../security/events.ts";

const app = new Hono<AppEnv>();
app.use("/settings/security", memberPage(), requirePermission("settings:manage"));
app.use("/settings/security/*", memberPage(), requirePermission("settings:manage"));

/** The filters of the query string (without `verify`), or the message saying what was wrong. */
function filtersOf(c: AppContext): { filters: SecurityEventFilters; error?: string } {
  const { verify: _verify, ...query } = c.req.query();
  const parsed = SecurityEventQuery.safeParse(query);
  if (parsed.success) return { filters: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "filter"}: ${i.message}`);
  return {
    filters: SecurityEventQuery.parse({}),
    error: `Some filters were not understood and are ignored. ${problems.join(" ")}`,
  };
}

/** The query string of `filters` (no cursor), for links that keep them. */
function queryOf(filters: SecurityEventFilters, extra: Record<string, string> = {}): string {
  const out = new URLSearchParams();
  for (const key of ["action", "user", "from", "to"] as const) {
    if (filters[key]) out.set(key, filters[key]!);
  }
  for (const [k, v] of Object.entries(extra)) out.set(k, v);
  const text = out.toString();
  return text ? `?${text}` : "";
}

app.get("/settings/security", async (c) => {
  const tenant = tenantOf(c);
  const { filters, error } = filtersOf(c);
  const [page, verification] = await Promise.all([
    listSecurityEvents(tenant.db, filters, tenant.timeZone),
    c.req.query("verify") ? verifyChain(tenant.db) : Promise.resolve(null),
  ]);
  const next = page.next_cursor ? queryOf(filters, { cursor: page.next_cursor }) : null;
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
        <FormErrors message={error} />
        <SecurityEventFilterForm filters={filters} />
        <p class="actions">
          <a
            class="button secondary small"
            href={`/settings/security/export.csv${queryOf(filters)}`}
          >
            Export CSV
          </a>{" "}
          <a
            class="button secondary small"
            href={`/settings/security/export.json${queryOf(filters)}`}
          >
            Export JSON
          </a>{" "}
          <a
            class="button secondary small"
            href={`/settings/security${queryOf(filters, { verify: "1" })}`}
          >
            Verify the chain
          </a>
        </p>
        {verification ? <VerifyOutcome result={verification} /> : null}
        <SecurityEventsTable events={page.data} timeZone={tenant.timeZone} />
        {next
          ? (
            <p>
              <a href={`/settings/security${next}`}>Older entries</a>
            </p>
          )
          : null}
      </section>
    </>,
  );
});

async function exportLog(c: AppContext, format: "csv" | "json") {
  const tenant = tenantOf(c);
  const { filters } = filtersOf(c);
  const events = await exportSecurityEvents(tenant.db, filters, tenant.timeZone);
  const { cursor: _cursor, limit: _limit, ...chosen } = filters;
  await recordSecurityEvent(c, { action: "security_log.exported", details: { format, ...chosen } });
  const name = `security-log-${tenant.slug}-${tenant.today}.${format}`;
  c.header("content-disposition", `attachment; filename="${name}"`);
  if (format === "json") return c.json({ data: events });
  c.header("content-type", "text/csv; charset=utf-8");
  return c.body(securityEventsCsv(events));
}

app.get("/settings/security/export.csv", (c) => exportLog(c, "csv"));
app.get("/settings/security/export.json", (c) => exportLog(c, "json"));

export default app;
