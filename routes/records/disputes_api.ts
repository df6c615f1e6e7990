/**
 * @module routes/records/disputes_api
 * Disputed invoice lines through the API: the disputes of an invoice, open and resolved, and
 * resolving one (accepted with a credit, or rejected with a reason). Resolving an already
 * resolved dispute answers 409 and changes nothing.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, tenantOf } from "../../http/env.ts";
import { readJson, tenantOnly } from "../../http/guards.ts";
import { recordContext, validate } from "../../http/records.ts";
import { requirePermission } from "../../auth/middleware.ts";
import { describeRoute, IdParams, IdSchema, listOf } from "../../http/openapi.ts";
import { isId } from "../../db/ids.ts";
import { NotFoundError } from "../../domain/errors.ts";
import { invoices } from "../../domain/catalog.ts";
import { decimalAmount } from "../../domain/format.ts";
import { getRecord } from "../../domain/records/repository.ts";
import {
  creditedOn,
  type Dispute,
  disputesOfInvoice,
  ResolveSchema,
} from "../../domain/disputes.ts";
import { resolveAndTell } from "../../portal/disputes.ts";
import { mailingDeps } from "./_flows.ts";

const ID = "01jd8x7k3m5n9p2q4r6s8t0v1w";
const ID2 = "01jd8x7k3m5n9p2q4r6s8t0v2x";

const DisputeJson = z.object({
  id: z.string(),
  invoice_id: z.string(),
  line_id: z.string(),
  line_description: z.string(),
  line_amount: z.string().meta({ description: "The disputed line's amount, a decimal string" }),
  currency: z.string(),
  reason: z.string().meta({ description: "The customer's reason, from the invoice portal" }),
  created_at: z.string(),
  status: z.enum(["open", "accepted", "rejected"]),
  credit: z.string().meta({ description: 'What an accepted dispute credited ("0.00" else)' }),
  resolution_note: z.string().nullable(),
  resolved_at: z.string().nullable(),
});
const EXAMPLE = {
  id: ID2,
  invoice_id: ID,
  line_id: "01jd8x7k3m5n9p2q4r6s8t0v3y",
  line_description: "Chuck rolls",
  line_amount: "1500.00",
  currency: "USD",
  reason: "Two cases arrived thawed.",
  created_at: "2026-11-21T15:04:00.000Z",
  status: "accepted",
  credit: "300.00",
  resolution_note: "Credit for the two thawed cases.",
  resolved_at: "2026-11-22T10:30:00.000Z",
};
const DisputeParams = z.object({ id: IdSchema, dispute_id: IdSchema });

function json(d: Dispute, currency: string) {
  return {
    id: d.id,
    invoice_id: d.invoice_id,
    line_id: d.line_id,
    line_description: d.line_description,
    line_amount: decimalAmount(d.line_amount_cents),
    currency,
    reason: d.reason,
    created_at: d.created_at,
    status: d.status,
    credit: decimalAmount(d.credit_cents),
    resolution_note: d.resolution_note,
    resolved_at: d.resolved_at,
  };
}

function param(c: AppContext, name: string, what: string): string {
  const id = c.req.param(name) ?? "";
  if (!isId(id)) throw new NotFoundError(`No such ${what}.`);
  return id;
}

const app = new Hono<AppEnv>();
app.use("/api/v1/invoices/:id/disputes", tenantOnly());
app.use("/api/v1/invoices/:id/disputes/*", tenantOnly());

app.get(
  "/api/v1/invoices/:id/disputes",
  describeRoute({
    operationId: "listInvoiceDisputes",
    tag: "Invoices",
    summary: "The lines of an invoice its customer disputed, open and resolved, oldest first",
    params: IdParams,
    responses: {
      200: {
        description: "The invoice's disputes",
        schema: listOf(DisputeJson),
        example: { data: [EXAMPLE], next_cursor: null },
      },
    },
    errors: [403, 404],
  }),
  requirePermission("records:read"),
  async (c) => {
    const db = tenantOf(c).db;
    const invoice = await getRecord(db, invoices, param(c, "id", "invoice"));
    const currency = String(invoice.currency ?? "USD");
    const data = (await disputesOfInvoice(db, String(invoice.id))).map((d) => json(d, currency));
    return c.json({ data, next_cursor: null });
  },
);

app.post(
  "/api/v1/invoices/:id/disputes/:dispute_id/resolve",
  describeRoute({
    operationId: "resolveInvoiceDispute",
    tag: "Invoices",
    summary: "Resolve a disputed line: accept it with a credit, or reject it with a reason",
    description: "Accepting credits `credit_amount` (left out: the line's whole amount; at most " +
      "the line's amount and the invoice's balance), which lowers the invoice's balance, its " +
      "statement and aging. Rejecting needs a `note`, the reason the customer reads. Either " +
      "way the customer is e-mailed the outcome with a link to the invoice portal, which shows " +
      "it too, and the invoice's history records it. A dispute is resolved once: a second " +
      "resolution answers 409 and changes nothing.",
    params: DisputeParams,
    body: {
      schema: ResolveSchema,
      example: { outcome: "accept", credit_amount: "300.00", note: "Two cases thawed." },
    },
    responses: {
      200: {
        description: "The resolved dispute and the invoice's new balance",
        schema: z.object({
          data: DisputeJson,
          invoice: z.object({ id: z.string(), outstanding: z.string(), credited: z.string() }),
          mailed_to: z.string().nullable(),
        }),
        example: {
          data: EXAMPLE,
          invoice: { id: ID, outstanding: "2200.00", credited: "300.00" },
          mailed_to: "ap@lonestar.example",
        },
      },
    },
    errors: [400, 403, 404, 409, 415, 422],
  }),
  requirePermission("money:write"),
  async (c) => {
    const invoiceId = param(c, "id", "invoice");
    const disputeId = param(c, "dispute_id", "dispute");
    const input = validate(ResolveSchema, await readJson(c));
    const at = c.get("services").clock.now().toISOString();
    const done = await resolveAndTell(
      await mailingDeps(c),
      recordContext(c),
      invoiceId,
      disputeId,
      input,
      at,
    );
    const credited = await creditedOn(tenantOf(c).db, invoiceId);
    return c.json({
      data: json(done.dispute, String(done.invoice.currency ?? "USD")),
      invoice: {
        id: invoiceId,
        outstanding: decimalAmount(done.invoice.outstanding_cents),
        credited: decimalAmount(credited),
      },
      mailed_to: done.mail?.to ?? null,
    });
  },
);

export default app;
