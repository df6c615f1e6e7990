/**
 * The security log's page and export, shared by a workspace's Settings → Security (its own chain)
 * and the operators' /operator/security (the control database's chain): the routes differ only in
 * who may open them, which chain they read and the frame around the panel.
 */
import type { Client } from "../db/client.ts";
import type { AppContext } from "../http/env.ts";
import { FormErrors } from "../components/Form.tsx";
import {
  SecurityEventFilterForm,
  SecurityEventsTable,
  VerifyOutcome,
} from "../components/SecurityEvents.tsx";
import {
  exportSecurityEvents,
  listSecurityEvents,
  type SecurityEventFilters,
  SecurityEventQuery,
  securityEventsCsv,
} from "../security/list.ts";
import { verifyRecordedChain } from "../security/verify.ts";
import { recordSecurityEvent } from "../security/events.ts";
import { tOf } from "../i18n/middleware.ts";

/** The filters of the query string (without `verify`), or the message saying what was wrong. */
function filtersOf(c: AppContext): { filters: SecurityEventFilters; error?: string } {
  const { verify: _verify, ...query } = c.req.query();
  const parsed = SecurityEventQuery.safeParse(query);
  if (parsed.success) return { filters: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "filter"}: ${i.message}`);
  return {
    filters: SecurityEventQuery.parse({}),
    error: tOf(c)("security.bad_filters", { problems: problems.join(" ") }),
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

/** The filters, export links, verification outcome, one page of entries and the next-page link. */
export async function securityLogPanel(
  c: AppContext,
  chain: { base: string; db: Client; timeZone: string; chain: string },
) {
  const { base, db, timeZone } = chain;
  const { filters, error } = filtersOf(c);
  const [page, verification] = await Promise.all([
    listSecurityEvents(db, filters, timeZone),
    c.req.query("verify")
      ? verifyRecordedChain(
        db,
        c.get("services").control,
        chain.chain,
        c.get("services").tenantKeys,
      )
      : Promise.resolve(null),
  ]);
  const next = page.next_cursor ? queryOf(filters, { cursor: page.next_cursor }) : null;
  const t = tOf(c);
  return (
    <>
      <FormErrors message={error} />
      <SecurityEventFilterForm base={base} filters={filters} />
      <p class="actions">
        <a class="button secondary small" href={`${base}/export.csv${queryOf(filters)}`}>
          {t("security.export_csv")}
        </a>{" "}
        <a class="button secondary small" href={`${base}/export.json${queryOf(filters)}`}>
          {t("security.export_json")}
        </a>{" "}
        <a class="button secondary small" href={`${base}${queryOf(filters, { verify: "1" })}`}>
          {t("security.verify")}
        </a>
      </p>
      {verification ? <VerifyOutcome result={verification} /> : null}
      <SecurityEventsTable events={page.data} timeZone={timeZone} />
      {next
        ? (
          <p>
            <a href={`${base}${next}`}>{t("security.older")}</a>
          </p>
        )
        : null}
    </>
  );
}

/** Every entry the filters select as a CSV or JSON download named `<name>.<format>`; logged. */
export async function securityLogExport(
  c: AppContext,
  chain: { db: Client; timeZone: string; name: string; operator?: boolean },
  format: "csv" | "json",
): Promise<Response> {
  const { filters } = filtersOf(c);
  const events = await exportSecurityEvents(chain.db, filters, chain.timeZone);
  const { cursor: _cursor, limit: _limit, ...chosen } = filters;
  await recordSecurityEvent(c, {
    action: "security_log.exported",
    details: { format, ...chosen },
    operator: chain.operator,
  });
  c.header("content-disposition", `attachment; filename="${chain.name}.${format}"`);
  if (format === "json") return c.json({ data: events });
  c.header("content-type", "text/csv; charset=utf-8");
  return c.body(securityEventsCsv(events));
}
