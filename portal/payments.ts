/**
 * @module portal/payments
 * Card and ACH payments from the portal through Stripe Checkout on the tenant's own Stripe
 * account (its key from Settings → Payments, never the platform's):
 *
 * - `startPortalCheckout` creates a Checkout Session in payment mode for the invoice's balance,
 *   with metadata naming the tenant, the invoice and the customer;
 * - `applyPortalStripeEvent` takes the tenant's webhook delivery: the signature is checked with
 *   the tenant's signing secret on the raw body (wall clock, Stripe's tolerance, none dated ahead),
 *   then, in one write transaction, the event id is recorded (a replay inserts nothing and
 *   changes nothing) and the payment is created through the payments record, whose rules cap it
 *   at what is outstanding and recompute the invoice (paid, aging). An event for another tenant or
 *   invoice is stored and ignored; a payment the invoice no longer owes (paid twice, voided) is
 *   stored as unapplied for the broker to refund, and the caller tells the members.
 */
import { z } from "zod";
import type { Client } from "../db/client.ts";
import { inWriteTransaction } from "../db/transaction.ts";
import { createStripeClient, webhookVerifier } from "../billing/stripe.ts";
import { FUTURE_TOLERANCE_SECONDS } from "../billing/webhook.ts";
import type { Config } from "../config.ts";
import { payments } from "../domain/catalog.ts";
import { ConflictError, InvalidError } from "../domain/errors.ts";
import { createRecordIn } from "../domain/records/repository.ts";
import { createSchema } from "../domain/records/schema.ts";
import type { RecordValues } from "../domain/records/rows.ts";
import type { PortalInvoice } from "./view.ts";
import type { TenantStripe } from "./settings.ts";

type StripeConfig = Pick<Config, "STRIPE_API_BASE" | "STRIPE_WEBHOOK_TOLERANCE_SECONDS">;

/** Creates the Checkout Session for the invoice's balance; returns where to send the customer. */
export async function startPortalCheckout(
  config: StripeConfig,
  account: TenantStripe,
  input: {
    tenantId: string;
    customerId: string;
    invoice: PortalInvoice;
    currency: string;
    /** The portal page's absolute address (success and cancel come back to it). */
    returnUrl: string;
  },
): Promise<string> {
  const { invoice } = input;
  if (invoice.outstandingCents <= 0) throw new ConflictError("This invoice is already paid.");
  const stripe = createStripeClient({
    STRIPE_SECRET_KEY: account.secretKey,
    STRIPE_API_BASE: config.STRIPE_API_BASE,
  })!;
  const metadata = {
    tenant_id: input.tenantId,
    invoice_id: invoice.id,
    customer_id: input.customerId,
    invoice_number: invoice.number,
  };
  const session = await stripe.checkout.sessions.create({
    mode: "payment",
    // Which methods show (card, ACH Direct Debit) is the tenant's choice in its Stripe dashboard.
    client_reference_id: invoice.id,
    line_items: [{
      quantity: 1,
      price_data: {
        currency: input.currency.toLowerCase(),
        unit_amount: invoice.outstandingCents,
        product_data: { name: `Invoice ${invoice.number}` },
      },
    }],
    metadata,
    payment_intent_data: { metadata, description: `Invoice ${invoice.number}` },
    success_url: `${input.returnUrl}?payment=done`,
    cancel_url: input.returnUrl,
  });
  if (!session.url) throw new Error("Stripe returned a Checkout Session without a URL.");
  return session.url;
}

const SessionShape = z.object({
  id: z.string(),
  object: z.literal("checkout.session"),
  amount_total: z.number().int().nullable().optional(),
  payment_status: z.string().optional(),
  payment_method_types: z.array(z.string()).optional(),
  payment_intent: z.union([z.string(), z.object({ id: z.string() })]).nullable().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
});

const EventShape = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({ object: z.unknown() }),
});

export type PortalEventOutcome =
  | { outcome: "paid"; eventId: string; invoiceId: string; payment: RecordValues }
  | { outcome: "duplicate" | "ignored"; eventId: string; invoiceId: string | null }
  | { outcome: "unapplied"; eventId: string; invoiceId: string; amountCents: number };

/** Checks a delivery's signature with the tenant's secret; the event, or InvalidError. */
export async function verifyPortalEvent(
  config: StripeConfig,
  account: TenantStripe,
  rawBody: string,
  signature: string | undefined,
  nowMs = Date.now(),
): Promise<z.infer<typeof EventShape>> {
  if (!signature) throw new InvalidError("The Stripe-Signature header is missing.");
  let parsed: unknown;
  try {
    parsed = await webhookVerifier().webhooks.constructEventAsync(
      rawBody,
      signature,
      account.webhookSecret,
      config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
      undefined,
      nowMs,
    );
  } catch {
    throw new InvalidError("The Stripe signature does not match this body, or it is too old.");
  }
  const t = /(?:^|,)t=(\d+)/.exec(signature)?.[1];
  if (!t || Number(t) > Math.floor(nowMs / 1000) + FUTURE_TOLERANCE_SECONDS) {
    throw new InvalidError("The Stripe signature is dated in the future.");
  }
  const event = EventShape.safeParse(parsed);
  if (!event.success) throw new InvalidError("The signed body is not a Stripe event.");
  return event.data;
}

const PAYING = new Set(["checkout.session.completed", "checkout.session.async_payment_succeeded"]);

/**
 * Applies one verified event to tenant `tenantId`'s database, exactly once per event id: a paid
 * Checkout Session of this tenant becomes a receivable payment on its invoice, dated `today`.
 */
export async function applyPortalStripeEvent(
  db: Client,
  tenantId: string,
  event: z.infer<typeof EventShape>,
  at: { today: string; now: Date },
): Promise<PortalEventOutcome> {
  const session = SessionShape.safeParse(event.data.object);
  const meta = session.success ? session.data.metadata ?? {} : {};
  const invoiceId = meta.invoice_id ?? null;
  const paid = session.success && PAYING.has(event.type) &&
    session.data.payment_status === "paid" && meta.tenant_id === tenantId && invoiceId !== null;
  return await inWriteTransaction(db, async (tx) => {
    const claimed = await tx.execute({
      sql: `INSERT INTO portal_stripe_events (event_id, type, invoice_id, received_at)
            VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING`,
      args: [event.id, event.type, invoiceId, at.now.toISOString()],
    });
    if (claimed.rowsAffected === 0) return { outcome: "duplicate", eventId: event.id, invoiceId };
    if (!paid || !session.success) return { outcome: "ignored", eventId: event.id, invoiceId };
    const s = session.data;
    const intent = typeof s.payment_intent === "string" ? s.payment_intent : s.payment_intent?.id;
    const ach = event.type === "checkout.session.async_payment_succeeded" ||
      (s.payment_method_types?.length === 1 && s.payment_method_types[0] === "us_bank_account");
    const values = createSchema(payments).parse({
      direction: "receivable",
      amount_cents: s.amount_total ?? 0,
      paid_on: at.today,
      method: ach ? "ACH" : "Credit card",
      reference: intent ?? s.id,
      invoice_id: invoiceId,
      notes: `Paid through the customer portal (Stripe ${s.id}, event ${event.id}).`,
    });
    // Paid twice (two open Checkout tabs) or voided meanwhile: kept for the broker to refund,
    // never forced onto the invoice past what it owes.
    const target = await tx.execute({
      sql: "SELECT state, outstanding_cents FROM invoices WHERE id = ?",
      args: [invoiceId],
    });
    const owed = target.rows[0];
    const amount = Number(values.amount_cents);
    if (!owed || owed.state !== "sent" || amount <= 0 || amount > Number(owed.outstanding_cents)) {
      await tx.execute({
        sql: "UPDATE portal_stripe_events SET amount_cents = ? WHERE event_id = ?",
        args: [amount, event.id],
      });
      return {
        outcome: "unapplied",
        eventId: event.id,
        invoiceId: invoiceId!,
        amountCents: amount,
      };
    }
    // Stamped with the event's time by the app's clock, as its receipt above.
    const write = { db, userId: null, role: null, clock: { now: () => at.now } };
    const payment = await createRecordIn(tx, write, payments, values);
    await tx.execute({
      sql: "UPDATE portal_stripe_events SET payment_id = ?, amount_cents = ? WHERE event_id = ?",
      args: [String(payment.id), Number(payment.amount_cents), event.id],
    });
    return { outcome: "paid", eventId: event.id, invoiceId: invoiceId!, payment };
  });
}
