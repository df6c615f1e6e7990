/**
 * @module routes/settings/exchange_rates
 * Exchange rates (Settings → Exchange rates, and `/api/v1/exchange-rates`): the broker
 * enters one rate per currency and day for the currencies customers are invoiced in; margins,
 * aging and dashboard totals convert with them (domain/exchange.ts). Members who may change
 * money records (owners, admins, accounting) edit them; everyone may read them.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody, readJson, tenantOnly } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { validate } from "../../http/records.ts";
import { requirePermission } from "../../auth/middleware.ts";
import { can } from "../../auth/roles.ts";
import { describeRoute } from "../../http/openapi.ts";
import { tOf } from "../../i18n/middleware.ts";
import { fieldErrors, ForbiddenError } from "../../domain/errors.ts";
import { CURRENCIES } from "../../domain/currency.ts";
import { recordAudit } from "../../domain/records/audit.ts";
import * as fmt from "../../domain/format.ts";
import {
  deleteRate,
  type ExchangeRate,
  listRates,
  RateInputSchema,
  saveRate,
  workspaceCurrency,
} from "../../domain/exchange.ts";
import { CsrfInput, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";

const PAGE = "/settings/exchange-rates";
const app = new Hono<AppEnv>();
app.use(PAGE, memberPage());
app.use(`${PAGE}/*`, memberPage());
app.use("/api/v1/exchange-rates", tenantOnly());
app.use("/api/v1/exchange-rates/*", tenantOnly());

function mayEdit(c: AppContext): boolean {
  const role = principalOf(c).role;
  return role !== null && can(role, "money:write");
}

interface Shown {
  notice?: string;
  error?: string;
  errors?: Record<string, string[]>;
  entered?: Record<string, string>;
}

async function showRates(c: AppContext, shown: Shown = {}, status = 200) {
  const db = tenantOf(c).db;
  const t = tOf(c);
  const [rates, own, format] = await Promise.all([
    listRates(db),
    workspaceCurrency(db),
    fmt.loadFormatSettings(db),
  ]);
  const others = CURRENCIES.filter((cur) => cur.value !== own);
  const csrf = c.get("csrfToken");
  const editable = mayEdit(c);
  const entered = shown.entered ?? {};
  return renderApp(
    c,
    t("exchange.heading"),
    <>
      <h1>Settings</h1>
      <SettingsNav current={PAGE} role={principalOf(c).role} />
      <section class="card" aria-labelledby="rates-title">
        <h2 id="rates-title">{t("exchange.heading")}</h2>
        <p class="muted">{t("exchange.intro", { currency: own })}</p>
        {shown.notice ? <p class="flash success" role="status">{shown.notice}</p> : null}
        <FormErrors message={shown.error} />
        {editable
          ? (
            <form method="post" action={PAGE} class="stacked-form" id="rate-form">
              <CsrfInput token={csrf} />
              <div class="field">
                <label for="rate-currency">{t("exchange.currency")}</label>
                <select id="rate-currency" name="currency" required>
                  {others.map((cur) => (
                    <option
                      key={cur.value}
                      value={cur.value}
                      selected={entered.currency === cur.value}
                    >
                      {cur.value}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field">
                <label for="rate-day">{t("exchange.day")}</label>
                <input
                  id="rate-day"
                  name="day"
                  type="date"
                  required
                  value={entered.day ?? tenantOf(c).today}
                />
                {shown.errors?.day ? <p class="error">{shown.errors.day[0]}</p> : null}
              </div>
              <div class="field">
                <label for="rate-value">{t("exchange.rate")}</label>
                <input
                  id="rate-value"
                  name="rate"
                  inputMode="decimal"
                  required
                  value={entered.rate ?? ""}
                  aria-describedby="rate-hint"
                />
                <p class="hint" id="rate-hint">{t("exchange.rate_hint", { currency: own })}</p>
                {shown.errors?.rate ? <p class="error">{shown.errors.rate[0]}</p> : null}
              </div>
              <button class="button primary" type="submit">{t("exchange.add")}</button>
            </form>
          )
          : null}
        {rates.length
          ? (
            <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="rates-title">
              <table class="records" id="rates">
                <thead>
                  <tr>
                    <th scope="col">{t("exchange.day")}</th>
                    <th scope="col">{t("exchange.currency")}</th>
                    <th scope="col" class="num">{t("exchange.rate")}</th>
                    {editable ? <td></td> : null}
                  </tr>
                </thead>
                <tbody>
                  {rates.map((r) => (
                    <tr key={`${r.currency}:${r.day}`} data-rate={`${r.currency}:${r.day}`}>
                      <th scope="row">{fmt.date(r.day, format)}</th>
                      <td>{r.currency}</td>
                      <td class="num">{`1 ${r.currency} = ${r.rate} ${own}`}</td>
                      {editable
                        ? (
                          <td>
                            <form method="post" action={`${PAGE}/delete`} class="inline-form">
                              <CsrfInput token={csrf} />
                              <input type="hidden" name="currency" value={r.currency} />
                              <input type="hidden" name="day" value={r.day} />
                              <button
                                class="button secondary"
                                type="submit"
                                aria-label={`${t("exchange.delete")} ${r.currency} ${r.day}`}
                              >
                                {t("exchange.delete")}
                              </button>
                            </form>
                          </td>
                        )
                        : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
          : <p>{t("exchange.empty")}</p>}
      </section>
    </>,
    status,
  );
}

function refuseUnlessEditor(c: AppContext): void {
  if (!mayEdit(c)) throw new ForbiddenError("Your role cannot change exchange rates.");
}

function textsOf(read: unknown): Record<string, string> {
  const body = read && typeof read === "object" ? read as Record<string, unknown> : {};
  return Object.fromEntries(
    Object.entries(body).filter(([, v]) => typeof v === "string").map(([k, v]) => [k, v]),
  ) as Record<string, string>;
}

app.get(PAGE, (c) => showRates(c));

app.post(PAGE, async (c) => {
  refuseUnlessEditor(c);
  const body = textsOf(await readBody(c));
  const input = { currency: body.currency, day: body.day, rate: body.rate };
  const parsed = RateInputSchema.safeParse(input);
  if (!parsed.success) {
    return showRates(c, {
      error: "Some fields need attention.",
      errors: fieldErrors(parsed.error.issues),
      entered: body,
    }, 422);
  }
  const at = c.get("services").clock.now().toISOString();
  const saved = await saveRate(tenantOf(c).db, parsed.data, { userId: principalOf(c).userId, at });
  await audit(c, "exchange rate saved", saved);
  return showRates(c, { notice: tOf(c)("exchange.saved") });
});

app.post(`${PAGE}/delete`, async (c) => {
  refuseUnlessEditor(c);
  const body = textsOf(await readBody(c));
  await deleteRate(tenantOf(c).db, body.currency ?? "", body.day ?? "");
  await audit(c, "exchange rate deleted", { currency: body.currency, day: body.day });
  return showRates(c, { notice: tOf(c)("exchange.deleted") });
});

async function audit(
  c: AppContext,
  action: string,
  what: { currency?: string; day?: string; rate?: string },
) {
  await recordAudit(tenantOf(c).db, {
    userId: principalOf(c).userId,
    action,
    entity: "exchange_rates",
    entityId: `${what.currency}:${what.day}`,
    changes: { rate: [null, what.rate ?? null] },
  });
}

// The API.
const RateJson = z.object({
  currency: z.string(),
  day: z.string(),
  rate: z.string().meta({ description: "Workspace currency units for one unit of `currency`" }),
  updated_at: z.string(),
});
const EXAMPLE = {
  currency: "CAD",
  day: "2026-11-20",
  rate: "0.7312",
  updated_at: "2026-11-20T14:00:00.000Z",
};
const json = (r: ExchangeRate) => ({
  currency: r.currency,
  day: r.day,
  rate: r.rate,
  updated_at: r.updated_at,
});

const RateListJson = z.object({
  workspace_currency: z.string(),
  data: z.array(RateJson),
  next_cursor: z.null(),
});
const RateKey = z.object({
  rate: z.string().regex(/^(USD|CAD|MXN)-\d{4}-\d{2}-\d{2}$/).meta({
    description: "The currency and the day, like CAD-2026-11-20",
    example: "CAD-2026-11-20",
  }),
});

app.get(
  "/api/v1/exchange-rates",
  describeRoute({
    operationId: "listExchangeRates",
    tag: "Invoices",
    summary: "The exchange rates entered, newest day first, with the workspace's currency",
    responses: {
      200: {
        description: "The rates",
        schema: RateListJson,
        example: { workspace_currency: "USD", data: [EXAMPLE], next_cursor: null },
      },
    },
    errors: [403],
  }),
  requirePermission("records:read"),
  async (c) => {
    const db = tenantOf(c).db;
    const [rates, own] = await Promise.all([listRates(db), workspaceCurrency(db)]);
    return c.json({ workspace_currency: own, data: rates.map(json), next_cursor: null });
  },
);

app.post(
  "/api/v1/exchange-rates",
  describeRoute({
    operationId: "saveExchangeRate",
    tag: "Invoices",
    summary: "Set the rate of a currency for a day (replacing that day's rate)",
    description: "`rate` is how much of the workspace's currency one unit of `currency` buys, " +
      "up to six decimals. An invoice issued afterwards in that currency, dated that day or " +
      "later (until the next rate), freezes this rate; invoices already issued keep theirs. " +
      "The workspace's own currency needs no rate (422).",
    body: {
      schema: RateInputSchema,
      example: { currency: "CAD", day: "2026-11-20", rate: "0.7312" },
    },
    responses: { 200: { description: "The rate", schema: RateJson, example: EXAMPLE } },
    errors: [400, 403, 415, 422],
  }),
  requirePermission("money:write"),
  async (c) => {
    const input = validate(RateInputSchema, await readJson(c));
    const at = c.get("services").clock.now().toISOString();
    const saved = await saveRate(tenantOf(c).db, input, { userId: principalOf(c).userId, at });
    await audit(c, "exchange rate saved", saved);
    return c.json(json(saved));
  },
);

app.delete(
  "/api/v1/exchange-rates/:rate",
  describeRoute({
    operationId: "deleteExchangeRate",
    tag: "Invoices",
    summary: "Delete the rate of a currency for a day (issued invoices keep the rate they froze)",
    params: RateKey,
    responses: { 204: { description: "Deleted" } },
    errors: [403, 404],
  }),
  requirePermission("money:write"),
  async (c) => {
    const key = c.req.param("rate");
    const currency = key.slice(0, 3);
    const day = key.slice(4);
    await deleteRate(tenantOf(c).db, currency, day);
    await audit(c, "exchange rate deleted", { currency, day });
    return c.body(null, 204);
  },
);

export default app;
