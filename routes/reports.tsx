/**
 * @module routes/reports
 * Reports: margin by load, customer, supplier or salesperson over a chosen period, receivables
 * aging by customer and payables aging by vendor; each as a page, a CSV file and a JSON API.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, tenantOf } from "../http/env.ts";
import { memberPage, tenantOnly } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import { requirePermission } from "../auth/middleware.ts";
import { requireEntitlement } from "../billing/middleware.ts";
import { describeRoute } from "../http/openapi.ts";
import { InvalidError } from "../domain/errors.ts";
import { issuesByField } from "../domain/records/schema.ts";
import { decimalAmount, DEFAULT_FORMAT, money as tenantMoney } from "../domain/format.ts";
import { DEFAULT_CURRENCY, inCurrency } from "../domain/currency.ts";
import { csvLine } from "../domain/records/csv.ts";
import {
  AGING_BUCKETS,
  agingByCustomer,
  agingConverted,
  type AgingRow,
  agingTotals,
  agingTotalsByCurrency,
  marginReport,
  type MarginRow,
  marginTotals,
} from "../domain/reports.ts";
import { languageOf, tOf } from "../i18n/middleware.ts";
import { type Translate, workspaceTranslator } from "../i18n/mod.ts";
import { workspaceCurrency } from "../domain/exchange.ts";
import { addDays } from "../domain/rules/due_dates.ts";
import { daySchema } from "../domain/day.ts";
import { agingByVendor, type VendorAgingRow, vendorAgingTotals } from "../domain/payables/aging.ts";
import { requireFeature } from "../customization/middleware.ts";
import { useT } from "../components/Words.tsx";
import { words } from "../customization/terms.ts";

const DAY = daySchema().meta({
  format: "date",
});

export const ReportQuerySchema = z.strictObject({
  report: z.enum(["margin", "aging", "ap_aging"]).default("margin"),
  by: z.enum(["load", "customer", "supplier", "salesperson"]).default("customer"),
  from: DAY.optional(),
  to: DAY.optional(),
  as_of: DAY.optional(),
});
export type ReportQuery = z.infer<typeof ReportQuerySchema>;

function parseQuery(c: AppContext): Required<Omit<ReportQuery, "as_of">> & { as_of: string } {
  const raw: Record<string, string> = {};
  for (const [k, v] of Object.entries(c.req.query())) if (v !== "") raw[k] = v;
  const parsed = ReportQuerySchema.safeParse(raw);
  if (!parsed.success) {
    throw new InvalidError("The report query has problems.", issuesByField(parsed.error), 400);
  }
  const today = tenantOf(c).today;
  const to = parsed.data.to ?? today;
  const from = parsed.data.from ?? addDays(to, -89);
  if (from > to) {
    throw new InvalidError("The period starts after it ends.", { from: ["After to."] });
  }
  return { ...parsed.data, from, to, as_of: parsed.data.as_of ?? today };
}

/**
 * The margin rows: the sale in its own currency (`Currency`), then the sale converted, the costs
 * and the margin in the workspace's (`Workspace currency`), so that a row adds up by hand (a CAD
 * sale minus USD costs is not the margin). A sale with no rate leaves both blank.
 */
function marginCsv(rows: MarginRow[], by: string, loads: string): string {
  return "\uFEFF" +
    csvLine([
      by,
      loads,
      "Sale",
      "Currency",
      "Sale converted",
      "Purchase cost",
      "Freight and other",
      "Margin",
      "Workspace currency",
    ]) +
    rows.map((r) =>
      csvLine([
        r.label,
        String(r.loads),
        decimalAmount(r.sale_cents),
        r.currency,
        r.sale_converted_cents === null ? "" : decimalAmount(r.sale_converted_cents),
        decimalAmount(r.cost_cents),
        decimalAmount(r.freight_cents),
        r.margin_cents === null ? "" : decimalAmount(r.margin_cents),
        r.workspace_currency,
      ])
    ).join("");
}

/** Money in a currency (reports are in the built-in format; rows carry their currency). */
function money(cents: number, currency: string = DEFAULT_CURRENCY): string {
  return tenantMoney(cents, inCurrency(DEFAULT_FORMAT, currency));
}

function agingCsv(rows: AgingRow[]): string {
  return "\uFEFF" + csvLine(["Customer", ...AGING_BUCKETS, "Total", "Currency"]) +
    rows.map((r) =>
      csvLine([
        r.customer,
        ...AGING_BUCKETS.map((b) => decimalAmount(r.buckets[b])),
        decimalAmount(r.total_cents),
        r.currency,
      ])
    ).join("");
}

function vendorAgingCsv(rows: VendorAgingRow[]): string {
  return "\uFEFF" + csvLine(["Vendor", ...AGING_BUCKETS, "Total"]) +
    rows.map((r) =>
      csvLine([
        r.vendor,
        ...AGING_BUCKETS.map((b) => decimalAmount(r.buckets[b])),
        decimalAmount(r.total_cents),
      ])
    ).join("");
}

/**
 * `t` in the reader's language and, in English, in the workspace's words ("Margin by shipment"
 * when loads are renamed), as the page's own components read it.
 */
function pageT(c: AppContext): Translate {
  const config = c.get("configuration")?.document;
  return workspaceTranslator(
    languageOf(c),
    config?.terminology.phrases ?? {},
    (text) => words(config, text),
  );
}

/** An aging bucket's heading in the reader's language ("current", "1-30", …, "over 90"). */
function bucketName(t: Translate, bucket: string): string {
  const key = `aging.${bucket.replace(" ", "_")}`;
  const text = t(key);
  return text === key ? bucket : text;
}

/** One aging table for receivables (by customer) and payables (by vendor). */
function AgingTable(props: {
  kind: string;
  caption: string;
  party: string;
  rows: Array<{
    key: string;
    label: string;
    href: string | null;
    currency?: string;
    buckets: AgingRow["buckets"];
    total: number;
  }>;
  /** One total row per currency: amounts of two currencies are never added. */
  totals: Array<{ currency: string; buckets: AgingRow["buckets"] }>;
}) {
  const t = useT();
  return (
    <div class="table-wrap">
      <table class="records" data-report={props.kind}>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.party}</th>
            {AGING_BUCKETS.map((b) => <th scope="col" class="num" key={b}>{bucketName(t, b)}</th>)}
            <th scope="col" class="num">{t("reports.total")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={r.key}>
              <th scope="row">{r.href ? <a href={r.href}>{r.label}</a> : r.label}</th>
              {AGING_BUCKETS.map((b) => (
                <td class="num" key={b} data-label={bucketName(t, b)}>
                  {money(r.buckets[b], r.currency)}
                </td>
              ))}
              <td class="num" data-label={t("reports.total")}>{money(r.total, r.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          {props.totals.map((total) => (
            <tr key={total.currency} data-currency={total.currency}>
              <th scope="row">
                {props.totals.length > 1
                  ? t("reports.total_currency", { currency: total.currency })
                  : t("reports.total")}
              </th>
              {AGING_BUCKETS.map((b) => (
                <td class="num" key={b}>{money(total.buckets[b], total.currency)}</td>
              ))}
              <td class="num">
                {money(AGING_BUCKETS.reduce((s, b) => s + total.buckets[b], 0), total.currency)}
              </td>
            </tr>
          ))}
        </tfoot>
      </table>
    </div>
  );
}

const MARGIN_EXAMPLE = {
  from: "2026-01-01",
  to: "2026-03-31",
  by: "customer",
  totals: {
    currency: "USD",
    loads: 12,
    sale_cents: 9843200,
    cost_cents: 7200000,
    freight_cents: 800000,
    margin_cents: 1843200,
    unconverted: [],
  },
  data: [{ label: "Prairie Packers", loads: 12, currency: "USD", margin_cents: 1843200 }],
};

const marginApi = describeRoute({
  operationId: "getMarginReport",
  tag: "Reports",
  summary: "Margin by load, customer, supplier or salesperson over a period",
  description: "`from` and `to` default to the 90 days up to today in the workspace's time zone. " +
    "A row's `sale_cents` is in its `currency` (the sales orders'); costs, freight, " +
    "`sale_converted_cents` and `margin_cents` are in the workspace's currency, the sale " +
    "converted at the rate frozen on its invoice, else the rate of the load's day (Settings → " +
    "Exchange rates). With no rate, `sale_converted_cents` and `margin_cents` are " +
    "null and `unconverted_cents` says how much; `totals` then leave the row out and list it.",
  query: ReportQuerySchema.omit({ report: true, as_of: true }),
  responses: {
    200: {
      description: "One row per group",
      schema: z.object({
        from: z.string().meta({ format: "date" }),
        to: z.string().meta({ format: "date" }),
        by: z.enum(["load", "customer", "supplier", "salesperson"]),
        totals: z.record(z.string(), z.unknown()).meta({
          description: "In the workspace's currency; `unconverted` lists sales with no rate",
        }),
        data: z.array(z.record(z.string(), z.unknown())),
      }),
      example: MARGIN_EXAMPLE,
    },
  },
  errors: [400, 403],
});

const agingApi = describeRoute({
  operationId: "getAgingReport",
  tag: "Reports",
  summary: "Receivables aging by customer",
  description: "`as_of` defaults to today in the workspace's time zone.",
  query: ReportQuerySchema.pick({ as_of: true }),
  responses: {
    200: {
      description: "Open balances per customer in aging buckets",
      schema: z.object({
        as_of: z.string().meta({ format: "date" }),
        totals: z.record(z.string(), z.unknown()).meta({
          description: "The buckets' totals in the workspace's own currency (USD unless chosen)",
        }),
        totals_by_currency: z.array(z.object({
          currency: z.string(),
          buckets: z.record(z.string(), z.number()),
          total_cents: z.number(),
        })).meta({ description: "One total per currency; amounts of two currencies never add" }),
        converted_totals: z.record(z.string(), z.unknown()).meta({
          description: "All currencies converted into the workspace's, invoice by invoice " +
            "(the rate frozen on the invoice, else its date's); `unconverted` lists what had none",
        }),
        data: z.array(z.record(z.string(), z.unknown())),
      }),
      example: {
        as_of: "2026-03-31",
        totals: { current: 1263600, "1-30": 0, "31-60": 0, "61-90": 0, "over 90": 0 },
        totals_by_currency: [{
          currency: "USD",
          buckets: { current: 1263600, "1-30": 0, "31-60": 0, "61-90": 0, "over 90": 0 },
          total_cents: 1263600,
        }],
        converted_totals: {
          currency: "USD",
          buckets: { current: 1263600, "1-30": 0, "31-60": 0, "61-90": 0, "over 90": 0 },
          total_cents: 1263600,
          unconverted: [],
        },
        data: [{ customer: "Prairie Packers", currency: "USD", total_cents: 1263600 }],
      },
    },
  },
  errors: [400, 403],
});

const apAgingApi = describeRoute({
  operationId: "getPayablesAgingReport",
  tag: "Reports",
  summary: "Payables aging by vendor",
  description:
    "Open and disputed bills with something outstanding, by carrier, supplier or other vendor. `as_of` defaults to today in the workspace's time zone.",
  query: ReportQuerySchema.pick({ as_of: true }),
  responses: {
    200: {
      description: "What is owed per vendor in aging buckets",
      schema: z.object({
        as_of: z.string().meta({ format: "date" }),
        totals: z.record(z.string(), z.unknown()),
        data: z.array(z.record(z.string(), z.unknown())),
      }),
      example: {
        as_of: "2026-03-31",
        totals: { current: 240000, "1-30": 0 },
        data: [{ vendor: "Polar Haul", total_cents: 240000 }],
      },
    },
  },
  errors: [400, 403],
});

const app = new Hono<AppEnv>();
app.use("/reports", memberPage());
app.use("/reports/*", memberPage());
app.use("/reports", requireFeature("reports"));
app.use("/reports/*", requireFeature("reports"));
app.use("/api/v1/reports/*", tenantOnly());

app.get("/api/v1/reports/margin", marginApi, requirePermission("records:read"), async (c) => {
  const q = parseQuery(c);
  const { db, timeZone } = tenantOf(c);
  const data = await marginReport(db, { from: q.from, to: q.to, by: q.by, timeZone });
  const totals = marginTotals(data, data[0]?.workspace_currency ?? await workspaceCurrency(db));
  return c.json({ from: q.from, to: q.to, by: q.by, totals, data });
});

app.get("/api/v1/reports/aging", agingApi, requirePermission("records:read"), async (c) => {
  const q = parseQuery(c);
  const data = await agingByCustomer(tenantOf(c).db, q.as_of);
  const own = await workspaceCurrency(tenantOf(c).db);
  return c.json({
    as_of: q.as_of,
    totals: agingTotals(data, own),
    totals_by_currency: agingTotalsByCurrency(data, own),
    converted_totals: await agingConverted(tenantOf(c).db, q.as_of),
    data,
  });
});

app.get("/api/v1/reports/ap-aging", apAgingApi, requirePermission("records:read"), async (c) => {
  const q = parseQuery(c);
  const data = await agingByVendor(tenantOf(c).db, q.as_of);
  return c.json({ as_of: q.as_of, totals: vendorAgingTotals(data), data });
});

// Report files are a plan feature (billing/plans.ts); a list's own CSV (all of a tenant's data)
// stays available to every plan, even read-only.
app.get("/reports/export.csv", requireEntitlement("reportExports"), async (c) => {
  const q = parseQuery(c);
  const { db, timeZone } = tenantOf(c);
  const body = q.report === "aging"
    ? agingCsv(await agingByCustomer(db, q.as_of))
    : q.report === "ap_aging"
    ? vendorAgingCsv(await agingByVendor(db, q.as_of))
    : marginCsv(
      await marginReport(db, { from: q.from, to: q.to, by: q.by, timeZone }),
      words(c.get("configuration")?.document, q.by),
      words(c.get("configuration")?.document, "Loads"),
    );
  const name = q.report === "aging"
    ? `aging-${q.as_of}`
    : q.report === "ap_aging"
    ? `payables-aging-${q.as_of}`
    : `margin-by-${q.by}-${q.from}-${q.to}`;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}.csv"`,
      "x-content-type-options": "nosniff",
      "cache-control": "no-store", // a workspace's figures: kept by no browser or proxy
    },
  });
});

app.get("/reports", async (c) => {
  const q = parseQuery(c);
  const db = tenantOf(c).db;
  // A chosen "as of" day travels with the links (the export above all); today's stays implicit.
  const asOf: Record<string, string> = c.req.query("as_of") ? { as_of: q.as_of } : {};
  const qs = (extra: Record<string, string>) =>
    "?" +
    new URLSearchParams({ report: q.report, by: q.by, from: q.from, to: q.to, ...asOf, ...extra });
  const say = pageT(c);
  let body;
  if (q.report === "aging") {
    const rows = await agingByCustomer(db, q.as_of);
    body = (
      <AgingTable
        kind="aging"
        caption={say("reports.ar_caption", { date: q.as_of })}
        party={say("reports.customer")}
        rows={rows.map((r) => ({
          key: `${r.customer_id}:${r.currency}`,
          label: r.customer,
          href: `/customers/${r.customer_id}`,
          currency: r.currency,
          buckets: r.buckets,
          total: r.total_cents,
        }))}
        totals={agingTotalsByCurrency(rows, await workspaceCurrency(db))}
      />
    );
    // With several currencies, one total converted into the workspace's (domain/exchange.ts).
    if (new Set(rows.map((r) => r.currency)).size > 1) {
      const converted = await agingConverted(db, q.as_of);
      const t = tOf(c);
      body = (
        <>
          {body}
          <p id="aging-converted">
            <strong>{t("exchange.converted_total", { currency: converted.currency })}:</strong>{" "}
            {money(converted.total_cents, converted.currency)}
            {converted.unconverted.map((u) => (
              <span key={u.currency} data-unconverted={u.currency}>
                {` (${t("exchange.not_converted", { amount: money(u.cents, u.currency) })})`}
              </span>
            ))}
          </p>
        </>
      );
    }
  } else if (q.report === "ap_aging") {
    const rows = await agingByVendor(db, q.as_of);
    // Bills are in the workspace's own currency (Settings → Company), which they do not store.
    const own = await workspaceCurrency(db);
    body = (
      <AgingTable
        kind="ap_aging"
        caption={say("reports.ap_caption", { date: q.as_of })}
        party={say("reports.vendor")}
        rows={rows.map((r) => ({
          key: r.vendor_key,
          label: r.vendor,
          href: r.href,
          currency: own,
          buckets: r.buckets,
          total: r.total_cents,
        }))}
        totals={[{ currency: own, buckets: vendorAgingTotals(rows) }]}
      />
    );
  } else {
    const rows = await marginReport(db, {
      from: q.from,
      to: q.to,
      by: q.by,
      timeZone: tenantOf(c).timeZone,
    });
    const loads = say("reports.loads"); // "Shipments" when renamed
    // Sales in a customer's currency are converted into the workspace's (domain/exchange.ts);
    // a sale with no rate is named, not added.
    const own = rows[0]?.workspace_currency ?? await workspaceCurrency(db);
    const totals = marginTotals(rows, own);
    const t = tOf(c);
    const notConverted = (cents: number, currency: string) =>
      t("exchange.not_converted", { amount: money(cents, currency) });
    body = (
      <div class="table-wrap">
        <table class="records" data-report="margin">
          <caption>
            {say(`reports.margin_caption_${q.by}`, { from: q.from, to: q.to })}
          </caption>
          <thead>
            <tr>
              <th scope="col">
                {say(`reports.by.${q.by}`)}
              </th>
              <th scope="col" class="num">{loads}</th>
              <th scope="col" class="num">{say("reports.sale")}</th>
              <th scope="col" class="num">{t("exchange.sale_in", { currency: own })}</th>
              <th scope="col" class="num">{say("reports.purchase_cost")}</th>
              <th scope="col" class="num">{say("reports.freight")}</th>
              <th scope="col" class="num">{say("reports.margin")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.key}:${r.currency}`} data-currency={r.currency}>
                <th scope="row">{r.href ? <a href={r.href}>{r.label}</a> : r.label}</th>
                <td class="num" data-label={loads}>{r.loads}</td>
                <td class="num" data-label={say("reports.sale")}>
                  {money(r.sale_cents, r.currency)}
                </td>
                <td class="num" data-label={t("exchange.sale_in", { currency: own })}>
                  {r.sale_converted_cents === null
                    ? notConverted(r.unconverted_cents, r.currency)
                    : money(r.sale_converted_cents, own)}
                </td>
                <td class="num" data-label={say("reports.purchase_cost")}>
                  {money(r.cost_cents, own)}
                </td>
                <td class="num" data-label={say("reports.freight")}>
                  {money(r.freight_cents, own)}
                </td>
                <td class="num" data-label={say("reports.margin")}>
                  {r.margin_cents === null ? "—" : money(r.margin_cents, own)}
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr data-currency={own}>
              <th scope="row">{t("exchange.converted_total", { currency: own })}</th>
              <td class="num">{totals.loads}</td>
              <td class="num"></td>
              <td class="num">{money(totals.sale_cents, own)}</td>
              <td class="num">{money(totals.cost_cents, own)}</td>
              <td class="num">{money(totals.freight_cents, own)}</td>
              <td class="num" data-margin-total="">{money(totals.margin_cents, own)}</td>
            </tr>
            {totals.unconverted.map((u) => (
              <tr key={u.currency} data-unconverted={u.currency}>
                <td colSpan={7}>
                  {notConverted(u.cents, u.currency)}. {t("exchange.margin_unconverted_hint")}
                </td>
              </tr>
            ))}
          </tfoot>
        </table>
      </div>
    );
  }
  const tab = (report: string, by: string | null, label: string) => {
    const current = q.report === report && (by === null || q.by === by);
    return (
      <a href={qs({ report, ...(by ? { by } : {}) })} aria-current={current ? "page" : undefined}>
        {say(label)}
      </a>
    );
  };
  return renderApp(
    c,
    say("reports.title"),
    <>
      <div class="page-head">
        <h1>{say("reports.title")}</h1>
        <div class="actions">
          <a class="button secondary" href={`/reports/export.csv${qs({})}`}>
            {say("reports.export_csv")}
          </a>
        </div>
      </div>
      <nav class="tabs" aria-label={say("reports.title")}>
        {tab("margin", "load", "reports.tab_load")}
        {tab("margin", "customer", "reports.tab_customer")}
        {tab("margin", "supplier", "reports.tab_supplier")}
        {tab("margin", "salesperson", "reports.tab_salesperson")}
        {tab("aging", null, "reports.tab_ar")}
        {tab("ap_aging", null, "reports.tab_ap")}
      </nav>
      <form method="get" action="/reports" class="filters">
        <input type="hidden" name="report" value={q.report} />
        <input type="hidden" name="by" value={q.by} />
        {q.report === "aging" || q.report === "ap_aging"
          ? (
            <div class="field">
              <label for="as_of">{say("reports.as_of")}</label>
              <input type="date" id="as_of" name="as_of" value={q.as_of} />
            </div>
          )
          : (
            <>
              <div class="field">
                <label for="from">{say("reports.from")}</label>
                <input type="date" id="from" name="from" value={q.from} />
              </div>
              <div class="field">
                <label for="to">{say("reports.to")}</label>
                <input type="date" id="to" name="to" value={q.to} />
              </div>
            </>
          )}
        <div class="filter-actions">
          <button class="button primary" type="submit">{say("reports.show")}</button>
        </div>
      </form>
      {body}
    </>,
  );
});

export default app;
