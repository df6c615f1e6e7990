/**
 * @module routes/records/flows
 * The flows between records as pages (issue 17), each one screen, pre-filled, nothing saved until
 * the user saves: a sales order from a PO (margin shown as the sale price is set), a load from a
 * PO or SO (the carrier picker with insurance, rate and appointments), an invoice from a load, the
 * POD. The same forms as the record pages (the RecordForm island), posting here so that a refused
 * save comes back to this screen. Sending and receiving money live in `flows_money.tsx`.
 */
import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import { type AppContext, type AppEnv, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { recordContext } from "../../http/records.ts";
import { AppError, InvalidError, NotFoundError } from "../../domain/errors.ts";
import { isId } from "../../db/ids.ts";
import { invoices, loads, purchaseOrders, recordType, salesOrders } from "../../domain/catalog.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import { createSchema, issuesByField, updateSchema } from "../../domain/records/schema.ts";
import { type FormEntries, formToInput } from "../../domain/records/form_input.ts";
import { formSpec } from "../../domain/records/form_check.ts";
import { createRecord, getRecord, updateRecord } from "../../domain/records/repository.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { optionChoices, refChoices } from "../../domain/records/choices.ts";
import * as fmt from "../../domain/format.ts";
import {
  type Draft,
  invoiceFromLoad,
  loadFromOrder,
  salesOrderFromPo,
} from "../../domain/flows/drafts.ts";
import { carrierChoices } from "../../domain/flows/carriers.ts";
import { Island } from "../../framework/island.tsx";
import RecordForm, { RECORD_FORM_MESSAGES } from "../../islands/RecordForm.tsx";
import { CATALOGUES, formatsFor, messagesFor, shownLabel, type Translate } from "../../i18n/mod.ts";
import { translateErrorDetails } from "../../domain/error_text.ts";
import { translateRecordType } from "../../i18n/records.ts";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { localizedError } from "../../http/errors.ts";
import { CsrfInput } from "../../components/Form.tsx";
import { CarrierPicker } from "../../components/records/CarrierPicker.tsx";
import { recordLines, requireWriteOf } from "./_flows.ts";
import { saleCurrencies } from "../../domain/exchange.ts";
import {
  loadWeightUnit,
  poundsIn,
  poundsOf,
  productUnits,
  type WeightUnit,
} from "../../domain/units.ts";

function idOf(c: AppContext, what: string): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw new NotFoundError(`No such ${what}.`);
  return id;
}

async function entriesOf(c: AppContext): Promise<FormEntries> {
  const body = await c.req.parseBody({ all: true });
  const out: FormEntries = [];
  for (const [k, v] of Object.entries(body)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      if (typeof item === "string") out.push([k, item]);
    }
  }
  return out;
}

/** The cost each submitted line carried (hidden `lines.N.cost_cents`), by position. */
function costsOf(entries: FormEntries): Map<number, number> {
  const out = new Map<number, number>();
  for (const [k, v] of entries) {
    const m = /^lines\.(\d+)\.cost_cents$/.exec(k);
    if (m && v !== "") out.set(Number(m[1]), Number(v));
  }
  return out;
}

interface FlowScreen {
  def: RecordDef;
  title: string;
  back: { href: string; label: string };
  intro: ComponentChildren;
  values: RecordValues;
  action: string;
  errors?: Record<string, string[]>;
  message?: string;
  margin?: boolean;
  before?: ComponentChildren;
}

async function flowPage(c: AppContext, screen: FlowScreen, status = 200): Promise<Response> {
  const db = tenantOf(c).db;
  const [options, refs, units, exchange] = await Promise.all([
    optionChoices(db),
    refChoices(db, screen.def, screen.values),
    productUnits(db), // a product picked on a line brings its unit
    // A margin of a sale in a customer's currency over costs in the workspace's (exchange rates).
    screen.margin ? saleCurrencies(db, tenantOf(c).today) : undefined,
  ]);
  const language = languageOf(c);
  return renderApp(
    c,
    screen.title,
    <>
      <p class="breadcrumb">
        <a href={screen.back.href}>{screen.back.label}</a>
      </p>
      <h1>{screen.title}</h1>
      <div class="flow-intro">{screen.intro}</div>
      {screen.before}
      <Island
        name="RecordForm"
        component={RecordForm}
        props={{
          form: formSpec(translateRecordType(screen.def, language)),
          action: screen.action,
          csrf: c.get("csrfToken"),
          mode: "create" as const,
          values: screen.values,
          errors: screen.errors ?? {},
          message: screen.message,
          options,
          refs,
          productUnits: units,
          exchange,
          cancelHref: screen.back.href,
          margin: screen.margin ?? false,
          language,
          messages: messagesFor(language, RECORD_FORM_MESSAGES),
        }}
      />
    </>,
    status,
  );
}

function existingNote(draft: Draft, noun: string, t: Translate): ComponentChildren {
  if (!draft.existing.length) return null;
  return (
    <p class="flash warning" role="status">
      {t("flow.existing", { count: draft.existing.length, noun })} {draft.existing.map((e, i) => (
        <>
          {i ? ", " : ""}
          <a href={`/${e.collection}/${e.id}`}>{e.number}</a>
        </>
      ))}. {t("flow.existing_tail")}
    </p>
  );
}

/** Saves a flow's form, or shows it again with what was wrong. */
async function saveFlow(
  c: AppContext,
  def: RecordDef,
  screen: (values: RecordValues, errors: Record<string, string[]>, message: string) => Promise<
    Response
  >,
  fixed: RecordValues,
): Promise<Response> {
  requireWriteOf(c, def);
  const entries = await entriesOf(c);
  const input = { ...formToInput(def, entries), ...fixed };
  const costs = costsOf(entries);
  const shown = () => ({
    ...input,
    lines: (input.lines as RecordValues[] | undefined)?.map((l, i) => ({
      ...l,
      cost_cents: costs.get(i) ?? null,
    })),
  });
  if (input.lines) input.lines = recordLines(input.lines);
  const parsed = createSchema(def).safeParse(input);
  if (!parsed.success) {
    const errors = issuesByField(parsed.error);
    return screen(
      shown(),
      languageOf(c) === "en" ? errors : translateErrorDetails(errors, CATALOGUES.en, tOf(c)),
      tOf(c)("flow.needs_attention"),
    );
  }
  try {
    const record = await createRecord(recordContext(c), def, parsed.data);
    return c.redirect(`/${def.collection}/${record.id}?saved=1`, 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) throw err;
    const refused = localizedError(err, languageOf(c)); // in the reader's language
    return screen(shown(), (refused.details ?? {}) as Record<string, string[]>, refused.message);
  }
}

const app = new Hono<AppEnv>();
for (const path of ["purchase-orders", "sales-orders", "loads"]) {
  app.use(`/${path}/:id/*`, memberPage());
}

// A sales order from a purchase order.
async function salesOrderScreen(
  c: AppContext,
  poId: string,
  values?: RecordValues,
  errors?: Record<string, string[]>,
  message?: string,
): Promise<Response> {
  const tenant = tenantOf(c);
  const draft = await salesOrderFromPo(tenant.db, poId, tenant.today);
  const po = await getRecord(tenant.db, purchaseOrders, poId);
  const t = tOf(c);
  return flowPage(c, {
    def: salesOrders,
    title: t("flow.sell_title", { number: String(po.number) }),
    back: {
      href: `/purchase-orders/${poId}`,
      label: t("flow.purchase_order_back", { number: String(po.number) }),
    },
    intro: <p>{t("flow.sell_intro")}</p>,
    before: existingNote(draft, t("flow.noun_sales_order"), t),
    values: values ?? draft.values,
    action: `/purchase-orders/${poId}/sales-order`,
    errors,
    message,
    margin: true,
  }, errors ? 422 : 200);
}

function recordDefOf(collection: string): RecordDef {
  return recordType(collection)!;
}

app.get("/purchase-orders/:id/sales-order/new", (c) => {
  requireWriteOf(c, salesOrders);
  return salesOrderScreen(c, idOf(c, "purchase order"));
});

app.post("/purchase-orders/:id/sales-order", (c) => {
  const poId = idOf(c, "purchase order");
  return saveFlow(
    c,
    salesOrders,
    (values, errors, message) => salesOrderScreen(c, poId, values, errors, message),
    { purchase_order_id: poId },
  );
});

// A load from a purchase order or a sales order.
for (
  const [collection, key] of [["purchase-orders", "purchaseOrderId"], [
    "sales-orders",
    "salesOrderId",
  ]] as const
) {
  const what = collection === "purchase-orders" ? "purchase order" : "sales order";
  const screen = async (
    c: AppContext,
    id: string,
    values?: RecordValues,
    errors?: Record<string, string[]>,
    message?: string,
  ) => {
    const t = tOf(c);
    const named = shownLabel(t, collection === "purchase-orders" ? "Purchase order" : "Sales order")
      .toLowerCase();
    const tenant = tenantOf(c);
    const draft = await loadFromOrder(tenant.db, { [key]: id });
    const order = await getRecord(tenant.db, recordDefOf(collection), id);
    const q = c.req.query("carrier_q") ?? "";
    const [carriers, format] = await Promise.all([
      carrierChoices(tenant.db, tenant.today, q),
      fmt.loadFormatSettings(tenant.db).then((f) => formatsFor(f, languageOf(c))),
    ]);
    return flowPage(c, {
      def: loads,
      title: t("flow.book_title", { number: String(order.number) }),
      back: {
        href: `/${collection}/${id}`,
        label: `${shownLabel(t, recordDefOf(collection).singular)} ${order.number}`,
      },
      intro: <p>{t("flow.book_intro", { what: named })}</p>,
      before: (
        <>
          {existingNote(draft, t("flow.noun_load"), t)}
          <CarrierPicker
            carriers={carriers}
            format={format}
            query={q}
            action={`/${collection}/${id}/load/new`}
          />
        </>
      ),
      values: values ?? { ...draft.values, carrier_id: c.req.query("carrier_id") || null },
      action: `/${collection}/${id}/load`,
      errors,
      message,
    }, errors ? 422 : 200);
  };
  app.get(`/${collection}/:id/load/new`, (c) => {
    requireWriteOf(c, loads);
    return screen(c, idOf(c, what));
  });
  app.post(`/${collection}/:id/load`, async (c) => {
    const id = idOf(c, what);
    const draft = await loadFromOrder(tenantOf(c).db, { [key]: id });
    return saveFlow(
      c,
      loads,
      (values, errors, message) => screen(c, id, values, errors, message),
      collection === "purchase-orders"
        ? { purchase_order_id: id }
        : draft.values.purchase_order_id
        ? { sales_order_id: id, purchase_order_id: draft.values.purchase_order_id }
        : { sales_order_id: id },
    );
  });
}

// An invoice from a load.
async function invoiceScreen(
  c: AppContext,
  loadId: string,
  values?: RecordValues,
  errors?: Record<string, string[]>,
  message?: string,
): Promise<Response> {
  const tenant = tenantOf(c);
  const freight = c.req.query("freight") === "1";
  let draft;
  try {
    draft = await invoiceFromLoad(tenant.db, loadId, tenant.today, freight);
  } catch (e) {
    // A CAD or MXN customer's freight line needs a rate: without one, the form without it says why.
    if (!freight || !(e instanceof InvalidError)) throw e;
    if (!(e.details as Record<string, unknown> | undefined)?.bill_freight) throw e;
    draft = await invoiceFromLoad(tenant.db, loadId, tenant.today, false);
    message ??= e.message;
  }
  const load = await getRecord(tenant.db, loads, loadId);
  const t = tOf(c);
  return flowPage(c, {
    def: invoices,
    title: t("flow.invoice_title", { number: String(load.number) }),
    back: { href: `/loads/${loadId}`, label: t("flow.load_back", { number: String(load.number) }) },
    intro: (
      <>
        <p>{t("flow.invoice_intro")}</p>
        <p>
          {freight
            ? <a href={`/loads/${loadId}/invoice/new`}>{t("flow.freight_off")}</a>
            : <a href={`/loads/${loadId}/invoice/new?freight=1`}>{t("flow.freight_on")}</a>}
        </p>
      </>
    ),
    before: existingNote(draft, t("flow.noun_invoice"), t),
    values: values ?? draft.values,
    action: `/loads/${loadId}/invoice`,
    errors,
    message,
  }, errors ? 422 : 200);
}

app.get("/loads/:id/invoice/new", (c) => {
  requireWriteOf(c, invoices);
  return invoiceScreen(c, idOf(c, "load"));
});

app.post("/loads/:id/invoice", async (c) => {
  const loadId = idOf(c, "load");
  const draft = await invoiceFromLoad(tenantOf(c).db, loadId, tenantOf(c).today, false);
  return saveFlow(
    c,
    invoices,
    (values, errors, message) => invoiceScreen(c, loadId, values, errors, message),
    { sales_order_id: draft.values.sales_order_id },
  );
});

// The proof of delivery.
async function podScreen(
  c: AppContext,
  loadId: string,
  message?: string,
  entered?: { weight: string; unit: WeightUnit },
): Promise<Response> {
  const db = tenantOf(c).db;
  const load = await getRecord(db, loads, loadId);
  const t = tOf(c);
  // The received weight in the load's unit (its lines', else the workspace's), kept in pounds.
  const format = await fmt.loadFormatSettings(db);
  const unit = entered?.unit ?? await loadWeightUnit(db, load, format.weightUnit ?? "LB");
  const weight = entered?.weight ??
    (load.received_weight_lb === null
      ? ""
      : String(poundsIn(Number(load.received_weight_lb), unit)));
  const number = String(load.number);
  return renderApp(
    c,
    t("flow.pod_title", { number }),
    <>
      <p class="breadcrumb">
        <a href={`/loads/${loadId}`}>{t("flow.load_back", { number })}</a>
      </p>
      <h1>{t("flow.pod_title", { number })}</h1>
      {message
        ? (
          <div class="flash error" role="alert">
            <p>{message}</p>
          </div>
        )
        : null}
      <form method="post" action={`/loads/${loadId}/pod`} class="stack-form">
        <CsrfInput token={c.get("csrfToken")} />
        <input type="hidden" name="version" value={String(load.version)} />
        <div class="field">
          <label for="pod-weight">{t("pod.weight_received")}</label>
          <input id="pod-weight" name="received_weight" inputMode="decimal" defaultValue={weight} />
        </div>
        <div class="field">
          <label for="pod-unit">{t("pod.weight_unit")}</label>
          <select id="pod-unit" name="weight_unit">
            {(["LB", "KG"] as const).map((u) => (
              <option key={u} value={u} selected={u === unit}>{u}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="pod-temp">{t("flow.pod_temp")}</label>
          <input
            id="pod-temp"
            name="delivery_temp_f"
            inputMode="decimal"
            defaultValue={load.delivery_temp_f === null ? "" : String(load.delivery_temp_f)}
          />
        </div>
        <div class="field">
          <label for="pod-bol">{t("flow.pod_bol")}</label>
          <input id="pod-bol" name="bol_number" defaultValue={String(load.bol_number ?? "")} />
        </div>
        <p class="hint">{t("flow.pod_hint")}</p>
        <div class="form-actions">
          <button class="button primary" type="submit">{t("flow.record_pod")}</button>
          <a class="button secondary" href={`/loads/${loadId}`}>{t("flow.cancel")}</a>
        </div>
      </form>
    </>,
    message ? 422 : 200,
  );
}

app.get("/loads/:id/pod", (c) => {
  requireWriteOf(c, loads);
  return podScreen(c, idOf(c, "load"));
});

app.post("/loads/:id/pod", async (c) => {
  requireWriteOf(c, loads);
  const loadId = idOf(c, "load");
  const entries = await entriesOf(c);
  const get = (k: string) => entries.find(([name]) => name === k)?.[1]?.trim() ?? "";
  const input: RecordValues = { version: Number(get("version")), status: "pod_received" };
  if (get("delivery_temp_f")) {
    input.delivery_temp_f = Number(get("delivery_temp_f").replace(/,/g, ""));
  }
  // The weight comes in the unit chosen beside it and is kept in pounds (domain/units.ts).
  const unit: WeightUnit = get("weight_unit") === "KG" ? "KG" : "LB";
  const weight = get("received_weight") || get("received_weight_lb");
  if (weight) {
    const value = Number(weight.replace(/,/g, ""));
    const unitOf = get("received_weight") ? unit : "LB";
    input.received_weight_lb = Number.isFinite(value) ? poundsOf(value, unitOf) : value;
  }
  if (get("bol_number")) input.bol_number = get("bol_number");
  const parsed = updateSchema(loads).safeParse(input);
  if (!parsed.success) {
    const found = issuesByField(parsed.error);
    return podScreen(c, loadId, Object.values(found).flat().join(" "), {
      weight: get("received_weight"),
      unit,
    });
  }
  try {
    await updateRecord(recordContext(c), loads, loadId, parsed.data);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500 || err.status === 403) throw err;
    return podScreen(c, loadId, localizedError(err, languageOf(c)).message);
  }
  return c.redirect(`/loads/${loadId}?saved=1`, 303);
});

export default app;
