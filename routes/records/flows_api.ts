/**
 * @module routes/records/flows_api
 * The flows between records through the API (issue 17): a draft to start from (GET, nothing
 * written) and the create that saves it (POST) for PO → sales order, PO or SO → load, load →
 * invoice; the POD on a load; sending an invoice, a rate confirmation, a statement or reminder;
 * a customer's payment over several invoices with the remittance matched.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { readJson, tenantOnly } from "../../http/guards.ts";
import { recordContext, validate } from "../../http/records.ts";
import { requirePermission } from "../../auth/middleware.ts";
import { describeRoute, IdParams, IdSchema, listOf } from "../../http/openapi.ts";
import { isId } from "../../db/ids.ts";
import { ConflictError, ForbiddenError, InvalidError, NotFoundError } from "../../domain/errors.ts";
import type { Executor } from "../../db/transaction.ts";
import { invoices, loads, salesOrders } from "../../domain/catalog.ts";
import { createSchema, updateSchema } from "../../domain/records/schema.ts";
import { createRecord, getRecord, updateRecord } from "../../domain/records/repository.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { invoiceFromLoad, loadFromOrder, salesOrderFromPo } from "../../domain/flows/drafts.ts";
import { carrierChoices } from "../../domain/flows/carriers.ts";
import {
  mailOf,
  sendInvoice,
  sendRateConfirmation,
  sendStatement,
} from "../../domain/flows/mailing.ts";
import { matchRemittance, openInvoices, receivePayment } from "../../domain/flows/receipts.ts";
import { lookup } from "../../domain/flows/lookup.ts";
import { readableCollections } from "../../auth/scopes.ts";
import { mailingDeps, recordLines } from "./_flows.ts";
import { poundsOf } from "../../domain/units.ts";

const ID = "01jd8x7k3m5n9p2q4r6s8t0v1w";
const ID2 = "01jd8x7k3m5n9p2q4r6s8t0v2x";
const OBJECT = { type: "object" };

function idOf(c: AppContext, what: string): string {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw new NotFoundError(`No such ${what}.`);
  return id;
}

function withoutNulls(values: RecordValues): RecordValues {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null && v !== ""));
}

function bodyObject(body: unknown): RecordValues {
  return body && typeof body === "object" && !Array.isArray(body) ? body as RecordValues : {};
}

const DraftJson = z.object({
  values: z.record(z.string(), z.unknown()),
  existing: z.array(z.object({ collection: z.string(), id: z.string(), number: z.string() })),
});
const SO_DRAFT = {
  values: {
    purchase_order_id: ID,
    order_date: "2026-11-20",
    status: "draft",
    lines: [{
      description: "Beef trim 81/19",
      cases: 800,
      weight: 40000,
      weight_unit: "LB",
      price: 2,
      price_basis: "weight",
      purchase_order_id: ID,
      cost_cents: 8_000_000,
    }],
  },
  existing: [],
};
const LOAD_DRAFT = {
  values: { purchase_order_id: ID, sales_order_id: ID2, status: "booked" },
  existing: [],
};
const INVOICE_DRAFT = {
  values: {
    customer_id: ID,
    sales_order_id: ID2,
    invoice_date: "2026-11-20",
    state: "draft",
    lines: [{ description: "Beef trim 81/19", weight: 40000, price: 2.2, price_basis: "weight" }],
  },
  existing: [],
};
const MailJson = z.object({
  id: z.string(),
  collection: z.string(),
  record_id: z.string(),
  kind: z.string(),
  to: z.string(),
  subject: z.string(),
  attachment: z.string().nullable(),
  attachment_sha256: z.string().nullable(),
  sent_at: z.string(),
  sent_by: z.string().nullable(),
});
const MAIL = {
  id: ID2,
  collection: "invoices",
  record_id: ID,
  kind: "invoice",
  to: "ap@lonestar.example",
  subject: "Invoice INV-50001 from Prairie Brokerage",
  attachment: "INV-50001-invoice.pdf",
  attachment_sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  sent_at: "2026-11-20T18:00:00.000Z",
  sent_by: "Dana Broker",
};
const SendSchema = z.strictObject({
  to: z.email().optional().meta({ description: "Left out: the address on file." }),
  message: z.string().max(2000).optional(),
});
const StatementSchema = z.strictObject({
  kind: z.enum(["statement", "reminder"]),
  to: z.email().optional(),
});
const AllocationSchema = z.strictObject({
  invoice_id: IdSchema,
  amount_cents: z.number().int().min(0),
});
const ReceiptSchema = z.strictObject({
  paid_on: z.iso.date(),
  amount_cents: z.number().int().min(1),
  method: z.string().max(60).optional(),
  reference: z.string().max(120).optional(),
  notes: z.string().max(2000).optional(),
  allocations: z.array(AllocationSchema).min(1).max(200),
});
const MatchSchema = z.strictObject({
  amount_cents: z.number().int().min(0),
  remittance: z.string().max(20_000).optional(),
});
const PodSchema = z.strictObject({
  version: z.number().int().min(1),
  received_weight_lb: z.number().min(0).max(10_000_000).optional(),
  received_weight: z.number().min(0).max(10_000_000).optional().meta({
    description: "The weight received in `weight_unit`, kept in pounds (instead of " +
      "`received_weight_lb`)",
  }),
  weight_unit: z.enum(["LB", "KG"]).optional().meta({
    description: "The unit of `received_weight` (LB unless given)",
  }),
  delivery_temp_f: z.number().min(-60).max(120).optional(),
  bol_number: z.string().max(60).optional(),
});
const OPEN = {
  id: ID,
  number: "INV-50001",
  invoice_date: "2026-10-05",
  due_date: "2026-11-04",
  total_cents: 8_800_000,
  outstanding_cents: 7_800_000,
};

const app = new Hono<AppEnv>();
for (const path of ["purchase-orders", "sales-orders", "loads", "invoices", "customers"]) {
  app.use(`/api/v1/${path}/:id/*`, tenantOnly());
}
app.use("/api/v1/flows/*", tenantOnly());
app.use("/api/v1/lookup/*", tenantOnly());

app.get(
  "/api/v1/lookup/:collection",
  describeRoute({
    operationId: "lookupRecords",
    tag: "Search",
    summary: "Records of one type to pick as the user types (the reference pickers)",
    description: "Matches the number or name, the parties a record names, a product on its " +
      "lines, or a date (`2026-11-20`, `11/20`); with `q` empty, the newest. Archived records " +
      "are left out.",
    params: z.object({
      collection: z.string().max(40).meta({ example: "purchase-orders" }),
    }),
    query: z.object({
      q: z.string().max(100).optional().meta({ example: "trim" }),
      limit: z.coerce.number().int().min(1).max(50).optional().meta({ example: 20 }),
    }),
    responses: {
      200: {
        description: "Best matches first",
        schema: listOf(z.object({ id: z.string(), title: z.string(), detail: z.string() })),
        example: {
          data: [{ id: ID, title: "PO-10301", detail: "Prairie Packers · Nov 18, 2026" }],
          next_cursor: null,
        },
      },
    },
    errors: [403, 404],
  }),
  requirePermission("records:read"),
  async (c) => {
    const collection = c.req.param("collection");
    const auth = principalOf(c);
    const only = readableCollections(auth.scopes, auth.role);
    if (only && !only.includes(collection)) {
      throw new ForbiddenError("This token cannot read that record type.");
    }
    const tenant = tenantOf(c);
    const limit = Math.min(Math.max(Math.trunc(Number(c.req.query("limit") ?? 20)) || 20, 1), 50);
    const data = await lookup(tenant.db, collection, c.req.query("q") ?? "", tenant.today, limit);
    return c.json({ data, next_cursor: null });
  },
);

app.get(
  "/api/v1/purchase-orders/:id/sales-order-draft",
  describeRoute({
    operationId: "draftSalesOrderFromPurchaseOrder",
    tag: "Sales orders",
    summary: "A sales order pre-filled from a purchase order (nothing is saved)",
    description: "Lines carry the PO's products, weights and prices; each line's `cost_cents` " +
      "is its purchase amount, for the margin as the sale price is set.",
    params: IdParams,
    responses: { 200: { description: "The draft", schema: DraftJson, example: SO_DRAFT } },
    errors: [403, 404, 422],
  }),
  requirePermission("records:read"),
  async (c) => {
    const tenant = tenantOf(c);
    return c.json(await salesOrderFromPo(tenant.db, idOf(c, "purchase order"), tenant.today));
  },
);

app.post(
  "/api/v1/purchase-orders/:id/sales-order",
  describeRoute({
    operationId: "createSalesOrderFromPurchaseOrder",
    tag: "Sales orders",
    summary: "Create the sales order of a purchase order",
    description: "The draft of `sales-order-draft` with the fields given in the body laid over " +
      "it (at least the customer; lines replace the draft's when given).",
    params: IdParams,
    body: {
      schema: createSchema(salesOrders).partial(),
      example: { customer_id: ID2, customer_po: "LS-7781" },
    },
    responses: { 201: { description: "The sales order", schema: OBJECT, example: { id: ID } } },
    errors: [400, 403, 404, 409, 415, 422],
  }),
  requirePermission("records:write"),
  async (c) => {
    const tenant = tenantOf(c);
    const draft = await salesOrderFromPo(tenant.db, idOf(c, "purchase order"), tenant.today);
    const body = bodyObject(await readJson(c));
    const merged = withoutNulls({ ...draft.values, ...body });
    merged.lines = recordLines(body.lines ?? draft.values.lines);
    merged.purchase_order_id = draft.values.purchase_order_id;
    const input = validate(createSchema(salesOrders), merged);
    const record = await createRecord(recordContext(c), salesOrders, input);
    c.header("Location", `/api/v1/sales-orders/${record.id}`);
    return c.json(record, 201);
  },
);

for (
  const [collection, label, key] of [
    ["purchase-orders", "PurchaseOrder", "purchaseOrderId"],
    ["sales-orders", "SalesOrder", "salesOrderId"],
  ] as const
) {
  const what = collection === "purchase-orders" ? "purchase order" : "sales order";
  const draftOf = (c: AppContext) =>
    loadFromOrder(tenantOf(c).db, { [key]: idOf(c, what) } as Record<typeof key, string>);
  app.get(
    `/api/v1/${collection}/:id/load-draft`,
    describeRoute({
      operationId: `draftLoadFrom${label}`,
      tag: "Loads",
      summary: `A load pre-filled from a ${what} (nothing is saved)`,
      params: IdParams,
      responses: { 200: { description: "The draft", schema: DraftJson, example: LOAD_DRAFT } },
      errors: [403, 404, 422],
    }),
    requirePermission("records:read"),
    async (c) => c.json(await draftOf(c)),
  );
  app.post(
    `/api/v1/${collection}/:id/load`,
    describeRoute({
      operationId: `bookLoadFrom${label}`,
      tag: "Loads",
      summary: `Book the load of a ${what}`,
      description: "The draft of `load-draft` with the body laid over it: the carrier, the " +
        "freight rate and the appointments.",
      params: IdParams,
      body: {
        schema: createSchema(loads).partial(),
        example: {
          carrier_id: ID2,
          freight_cents: 320_000,
          pickup_appointment: "2026-11-23T07:00",
        },
      },
      responses: { 201: { description: "The load", schema: OBJECT, example: { id: ID } } },
      errors: [400, 403, 404, 409, 415, 422],
    }),
    requirePermission("records:write"),
    async (c) => {
      const draft = await draftOf(c);
      const body = bodyObject(await readJson(c));
      const merged = withoutNulls({ ...draft.values, ...body });
      // The order the load is booked from stays the one in the path.
      const source = collection === "purchase-orders" ? "purchase_order_id" : "sales_order_id";
      merged[source] = c.req.param("id");
      const input = validate(createSchema(loads), merged);
      const record = await createRecord(recordContext(c), loads, input);
      c.header("Location", `/api/v1/loads/${record.id}`);
      return c.json(record, 201);
    },
  );
}

app.get(
  "/api/v1/flows/carriers",
  describeRoute({
    operationId: "listCarrierChoices",
    tag: "Loads",
    summary: "Carriers to book, with insurance status, latest rate and next appointment",
    query: z.object({
      q: z.string().max(100).optional().meta({ example: "cold" }),
      limit: z.coerce.number().int().min(1).max(200).optional().meta({ example: 20 }),
    }),
    responses: {
      200: {
        description: "Active carriers by name",
        schema: listOf(OBJECT),
        example: {
          data: [{
            id: ID,
            name: "Cold Chain Express",
            mc_number: "123456",
            insurance_expires: "2027-03-01",
            insurance_status: "current",
            last_rate_cents: 310_000,
            open_loads: 2,
            next_appointment: "2026-11-23T07:00",
          }],
          next_cursor: null,
        },
      },
    },
    errors: [403],
  }),
  requirePermission("records:read"),
  async (c) => {
    const tenant = tenantOf(c);
    const limit = Math.min(Math.max(Math.trunc(Number(c.req.query("limit") ?? 50)) || 50, 1), 200);
    const data = await carrierChoices(tenant.db, tenant.today, c.req.query("q") ?? "", limit);
    return c.json({ data, next_cursor: null });
  },
);

app.post(
  "/api/v1/loads/:id/rate-confirmation/send",
  describeRoute({
    operationId: "sendRateConfirmation",
    tag: "Loads",
    summary: "E-mail the load's rate confirmation to its carrier (logged on the load)",
    params: IdParams,
    body: { schema: SendSchema, example: { to: "dispatch@coldchain.example" } },
    responses: { 201: { description: "The mail logged", schema: MailJson, example: MAIL } },
    errors: [400, 403, 404, 415, 422],
  }),
  requirePermission("records:write"),
  async (c) => {
    const id = idOf(c, "load");
    const body = validate(SendSchema, (await readJson(c)) ?? {});
    const mail = await sendRateConfirmation(await mailingDeps(c), recordContext(c), id, body);
    return c.json(mail, 201);
  },
);

app.get(
  "/api/v1/loads/:id/invoice-draft",
  describeRoute({
    operationId: "draftInvoiceFromLoad",
    tag: "Invoices",
    summary: "An invoice pre-filled from a load's sales order (nothing is saved)",
    params: IdParams,
    query: z.object({
      freight: z.enum(["true", "false"]).optional().meta({
        example: "true",
        description: "Add a freight line at the load's rate.",
      }),
    }),
    responses: { 200: { description: "The draft", schema: DraftJson, example: INVOICE_DRAFT } },
    errors: [403, 404, 422],
  }),
  requirePermission("records:read"),
  async (c) => {
    const tenant = tenantOf(c);
    const freight = c.req.query("freight") === "true";
    return c.json(await invoiceFromLoad(tenant.db, idOf(c, "load"), tenant.today, freight));
  },
);

/** 409 when the sales order already has an invoice that is not void (nor archived). */
async function refuseSecondInvoice(db: Executor, salesOrderId: unknown): Promise<void> {
  const rs = await db.execute({
    sql: `SELECT number FROM invoices WHERE sales_order_id = ? AND state <> 'void'
            AND archived_at IS NULL ORDER BY created_at, id`,
    args: [String(salesOrderId ?? "")],
  });
  if (!rs.rows.length) return;
  const numbers = rs.rows.map((r) => String(r.number));
  throw new ConflictError(
    `This load is already invoiced (${numbers.join(", ")}). Send "another": true to invoice it ` +
      "again, or void the invoice first.",
    { existing: numbers },
  );
}

app.post(
  "/api/v1/loads/:id/invoice",
  describeRoute({
    operationId: "invoiceLoad",
    tag: "Invoices",
    summary: "Invoice the customer for a load",
    description: "The draft of `invoice-draft` with the body laid over it; `bill_freight` adds " +
      "the freight line. The invoice is created as a draft unless `state` says `sent`. A load " +
      "whose sales order already has an invoice that is not void (listed under `existing` by " +
      "`invoice-draft`) answers 409 unless the body says `another: true`.",
    params: IdParams,
    body: {
      schema: createSchema(invoices).partial().extend({
        bill_freight: z.boolean().optional(),
        another: z.boolean().optional(),
      }),
      example: { bill_freight: true },
    },
    responses: { 201: { description: "The invoice", schema: OBJECT, example: { id: ID } } },
    errors: [400, 403, 404, 409, 415, 422],
  }),
  requirePermission("money:write"),
  async (c) => {
    const tenant = tenantOf(c);
    const id = idOf(c, "load");
    const { bill_freight, another, ...body } = bodyObject(await readJson(c));
    if (another !== undefined && typeof another !== "boolean") {
      throw new InvalidError(
        "`another` is true or false.",
        { another: ["Use true or false."] },
        422,
      );
    }
    // The freight of a CAD or MXN invoice is converted at the rate of the invoice's own day.
    const day =
      typeof body.invoice_date === "string" && /^\d{4}-\d{2}-\d{2}$/.test(body.invoice_date)
        ? body.invoice_date
        : tenant.today;
    // Lines in the body replace the draft's, freight line and all.
    const freight = bill_freight === true && body.lines == null;
    const draft = await invoiceFromLoad(tenant.db, id, day, freight);
    const merged = withoutNulls({ ...draft.values, ...body });
    merged.lines = recordLines(body.lines ?? draft.values.lines);
    merged.sales_order_id = draft.values.sales_order_id; // the load's, whatever the body says
    const input = validate(createSchema(invoices), merged);
    // Checked inside the insert's transaction: two requests at once cannot both pass.
    const record = await createRecord(
      recordContext(c),
      invoices,
      input,
      another === true ? undefined : (tx) => refuseSecondInvoice(tx, draft.values.sales_order_id),
    );
    c.header("Location", `/api/v1/invoices/${record.id}`);
    return c.json(record, 201);
  },
);

app.post(
  "/api/v1/loads/:id/pod",
  describeRoute({
    operationId: "recordProofOfDelivery",
    tag: "Loads",
    summary: "Record the proof of delivery: the load turns POD received",
    params: IdParams,
    body: {
      schema: PodSchema,
      example: { version: 3, received_weight: 18075.5, weight_unit: "KG", delivery_temp_f: 31 },
    },
    responses: { 200: { description: "The load", schema: OBJECT, example: { id: ID } } },
    errors: [400, 403, 404, 409, 415, 422],
  }),
  requirePermission("records:write"),
  async (c) => {
    const id = idOf(c, "load");
    await getRecord(tenantOf(c).db, loads, id); // 404 before the body is judged
    const { received_weight, weight_unit, ...body } = validate(PodSchema, await readJson(c));
    // A weight in KG is kept in pounds, as every weight of a load is (domain/units.ts).
    if (received_weight !== undefined) {
      body.received_weight_lb = poundsOf(received_weight, weight_unit ?? "LB");
    }
    const input = validate(updateSchema(loads), { ...body, status: "pod_received" });
    return c.json(await updateRecord(recordContext(c), loads, id, input));
  },
);

app.post(
  "/api/v1/invoices/:id/send",
  describeRoute({
    operationId: "sendInvoice",
    tag: "Invoices",
    summary: "E-mail the invoice to the customer (a draft turns sent; logged on the invoice)",
    params: IdParams,
    body: { schema: SendSchema, example: { to: "ap@lonestar.example" } },
    responses: {
      201: {
        description: "The invoice and the mail logged",
        schema: z.object({ invoice: z.record(z.string(), z.unknown()), mail: MailJson }),
        example: { invoice: { id: ID, state: "sent" }, mail: MAIL },
      },
    },
    errors: [400, 403, 404, 409, 415, 422],
  }),
  requirePermission("money:write"),
  async (c) => {
    const id = idOf(c, "invoice");
    const body = validate(SendSchema, (await readJson(c)) ?? {});
    return c.json(await sendInvoice(await mailingDeps(c), recordContext(c), id, body), 201);
  },
);

for (const [collection, label] of [["invoices", "Invoice"], ["loads", "Load"]] as const) {
  app.get(
    `/api/v1/${collection}/:id/mail`,
    describeRoute({
      operationId: `list${label}Mail`,
      tag: collection === "invoices" ? "Invoices" : "Loads",
      summary: `What was e-mailed about the ${label.toLowerCase()}, newest first`,
      params: IdParams,
      responses: {
        200: {
          description: "The mail log",
          schema: listOf(MailJson),
          example: { data: [MAIL], next_cursor: null },
        },
      },
      errors: [403, 404],
    }),
    requirePermission("records:read"),
    async (c) => {
      const db = tenantOf(c).db;
      const def = collection === "invoices" ? invoices : loads;
      const id = idOf(c, def.singular.toLowerCase());
      await getRecord(db, def, id);
      return c.json({ data: await mailOf(db, collection, id), next_cursor: null });
    },
  );
}

app.get(
  "/api/v1/customers/:id/open-invoices",
  describeRoute({
    operationId: "listOpenInvoicesOfCustomer",
    tag: "Payments",
    summary: "A customer's sent, unpaid invoices, the oldest due first",
    params: IdParams,
    responses: {
      200: {
        description: "Open invoices",
        schema: listOf(OBJECT),
        example: { data: [OPEN], next_cursor: null },
      },
    },
    errors: [403, 404],
  }),
  requirePermission("records:read"),
  async (c) =>
    c.json({
      data: await openInvoices(tenantOf(c).db, idOf(c, "customer")),
      next_cursor: null,
    }),
);

app.post(
  "/api/v1/customers/:id/remittance-match",
  describeRoute({
    operationId: "matchRemittance",
    tag: "Payments",
    summary: "Suggest how a payment splits over the customer's open invoices (nothing is saved)",
    description: "Invoices the remittance advice names take the amount written on their line " +
      "(or what they owe); the rest goes to the oldest due first.",
    params: IdParams,
    body: {
      schema: MatchSchema,
      example: { amount_cents: 7_800_000, remittance: "INV-50001  78,000.00" },
    },
    responses: {
      200: {
        description: "The suggested split",
        schema: OBJECT,
        example: {
          allocations: [{ invoice_id: ID, amount_cents: 7_800_000 }],
          named: [ID],
          unapplied_cents: 0,
        },
      },
    },
    errors: [400, 403, 404, 415, 422],
  }),
  requirePermission("records:read"),
  async (c) => {
    const open = await openInvoices(tenantOf(c).db, idOf(c, "customer"));
    const body = validate(MatchSchema, await readJson(c));
    return c.json(matchRemittance(open, body.amount_cents, body.remittance));
  },
);

app.post(
  "/api/v1/customers/:id/payments",
  describeRoute({
    operationId: "receiveCustomerPayment",
    tag: "Payments",
    summary: "Record a customer's payment over one or several invoices (all or none)",
    params: IdParams,
    body: {
      schema: ReceiptSchema,
      example: {
        paid_on: "2026-11-20",
        amount_cents: 7_800_000,
        method: "Wire",
        reference: "LS-REMIT-118",
        allocations: [{ invoice_id: ID, amount_cents: 7_800_000 }],
      },
    },
    responses: {
      201: {
        description: "One payment per invoice",
        schema: listOf(OBJECT),
        example: { data: [{ id: ID2, invoice_id: ID }], next_cursor: null },
      },
    },
    errors: [400, 403, 404, 409, 415, 422],
  }),
  requirePermission("money:write"),
  async (c) => {
    const id = idOf(c, "customer");
    await openInvoices(tenantOf(c).db, id); // 404 before the body is judged
    const body = validate(ReceiptSchema, await readJson(c));
    const data = await receivePayment(recordContext(c), id, body);
    return c.json({ data, next_cursor: null }, 201);
  },
);

app.post(
  "/api/v1/customers/:id/statement",
  describeRoute({
    operationId: "sendCustomerStatement",
    tag: "Payments",
    summary: "E-mail a statement of open invoices, or a reminder of the overdue ones",
    params: IdParams,
    body: { schema: StatementSchema, example: { kind: "reminder" } },
    responses: {
      201: {
        description: "The mail logged and the invoices it lists",
        schema: OBJECT,
        example: { mail: { ...MAIL, collection: "customers", kind: "reminder" }, invoices: [OPEN] },
      },
    },
    errors: [400, 403, 404, 415, 422],
  }),
  requirePermission("money:write"),
  async (c) => {
    const id = idOf(c, "customer");
    await openInvoices(tenantOf(c).db, id);
    const body = validate(StatementSchema, await readJson(c));
    const today = tenantOf(c).today;
    const result = await sendStatement(await mailingDeps(c), recordContext(c), id, {
      ...body,
      today,
    });
    return c.json(result, 201);
  },
);

export default app;
