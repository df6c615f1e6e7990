/**
 * @module billing/apply_event
 * The worker job that applies a stored Stripe event to a tenant's billing state. It is safe to run
 * twice (an applied event is skipped) and safe in any order: every change records the event's
 * `created` second and a rank within that second (created < updated < deleted), and an UPDATE
 * only lands when it is not older than what the row already holds. So an `updated` that arrives
 * before its `created`, or a `past_due` that arrives after the `canceled`, changes nothing.
 */
import type { Client, InStatement } from "../db/client.ts";
import type { Logger } from "../http/log.ts";
import type { Stripe } from "./stripe.ts";
import { isPaidPlanId, parseLookupKey } from "./plans.ts";
import { isSubscriptionStatus, loadBillingState, tenantForCustomer } from "./state.ts";

export type ApplyOutcome =
  | "applied"
  | "stale"
  | "ignored"
  | "no_tenant"
  | "already_applied"
  | "other_subscription";

const RANK: Record<string, number> = {
  "checkout.session.completed": 0,
  "customer.subscription.created": 0,
  "customer.subscription.updated": 1,
  "invoice.paid": 1,
  "invoice.payment_failed": 1,
  "customer.subscription.deleted": 2,
};

function idOf(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && "id" in v) return String((v as { id: unknown }).id);
  return null;
}

function iso(seconds: number | null | undefined): string | null {
  return typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : null;
}

async function tenantExists(control: Client, id: string | null | undefined) {
  if (!id) return null;
  const rs = await control.execute({ sql: "SELECT id FROM tenants WHERE id = ?", args: [id] });
  return rs.rows[0] ? id : null;
}

/** Finds the tenant: our metadata first, then the customer already linked to a tenant. */
async function resolveTenant(
  control: Client,
  metadataTenant: string | null | undefined,
  customer: string | null,
): Promise<string | null> {
  return await tenantExists(control, metadataTenant) ??
    (customer ? await tenantForCustomer(control, customer) : null);
}

/** A guarded UPDATE: lands only when (created, rank) is not older than the row's. */
function guardedUpdate(
  tenantId: string,
  created: number,
  rank: number,
  sets: Array<[string, unknown]>,
): InStatement {
  const all: Array<[string, unknown]> = [
    ...sets,
    ["stripe_synced_at", created],
    ["stripe_synced_rank", rank],
    ["updated_at", new Date().toISOString()],
  ];
  return {
    sql: `UPDATE tenant_billing SET ${all.map(([k]) => `${k} = ?`).join(", ")}
          WHERE tenant_id = ? AND (stripe_synced_at < ? OR (stripe_synced_at = ? AND
            stripe_synced_rank <= ?))`,
    args: [...all.map(([, v]) => v as string | number | null), tenantId, created, created, rank],
  };
}

const TERMINAL = new Set(["canceled", "incomplete_expired"]);
const PAST_DUE = new Set(["past_due", "unpaid"]);

async function applySubscription(
  control: Client,
  event: Stripe.Event,
  sub: Stripe.Subscription,
  rank: number,
): Promise<{ outcome: ApplyOutcome; tenantId: string | null }> {
  const customer = idOf(sub.customer);
  const tenantId = await resolveTenant(control, sub.metadata?.tenant_id, customer);
  if (!tenantId) return { outcome: "no_tenant", tenantId: null };
  const state = await loadBillingState(control, tenantId);
  if (!state) return { outcome: "no_tenant", tenantId: null };
  const status = event.type === "customer.subscription.deleted" ? "canceled" : sub.status;
  // A late event about an older, finished subscription must not end the current one.
  if (
    state.stripeSubscriptionId && state.stripeSubscriptionId !== sub.id && TERMINAL.has(status) &&
    !TERMINAL.has(state.status)
  ) {
    return { outcome: "other_subscription", tenantId };
  }
  const item = sub.items?.data?.[0] as
    | (Stripe.SubscriptionItem & { current_period_end?: number })
    | undefined;
  const fromPrice = parseLookupKey(item?.price?.lookup_key);
  const plan = fromPrice?.plan ??
    (isPaidPlanId(sub.metadata?.plan) ? sub.metadata.plan : state.plan);
  const periodEnd = item?.current_period_end ??
    (sub as unknown as { current_period_end?: number }).current_period_end;
  const when = iso(event.created)!;
  const sets: Array<[string, unknown]> = [
    ["plan", plan],
    ["billing_interval", fromPrice?.interval ?? state.interval],
    ["status", isSubscriptionStatus(status) ? status : "incomplete"],
    ["trial_ends_at", sub.trial_end ? iso(sub.trial_end) : state.trialEndsAt],
    ["current_period_end", iso(periodEnd)],
    ["cancel_at_period_end", sub.cancel_at_period_end ? 1 : 0],
    ["stripe_subscription_id", sub.id],
    ["stripe_customer_id", state.stripeCustomerId ?? customer],
    [
      "past_due_since",
      PAST_DUE.has(status)
        ? (PAST_DUE.has(state.status) ? state.pastDueSince ?? when : when)
        : null,
    ],
  ];
  const rs = await control.execute(guardedUpdate(tenantId, event.created, rank, sets));
  return { outcome: rs.rowsAffected === 1 ? "applied" : "stale", tenantId };
}

function invoiceSubscription(invoice: Stripe.Invoice): string | null {
  const parent = (invoice as { parent?: { subscription_details?: { subscription?: unknown } } })
    .parent;
  return idOf(parent?.subscription_details?.subscription) ??
    idOf((invoice as unknown as { subscription?: unknown }).subscription);
}

async function applyInvoice(
  control: Client,
  event: Stripe.Event,
  invoice: Stripe.Invoice,
  rank: number,
): Promise<{ outcome: ApplyOutcome; tenantId: string | null }> {
  const customer = idOf(invoice.customer);
  const meta = (invoice as {
    parent?: { subscription_details?: { metadata?: Record<string, string> | null } };
  }).parent?.subscription_details?.metadata;
  const tenantId = await resolveTenant(control, meta?.tenant_id, customer);
  if (!tenantId) return { outcome: "no_tenant", tenantId: null };
  const state = await loadBillingState(control, tenantId);
  if (!state) return { outcome: "no_tenant", tenantId: null };
  const subId = invoiceSubscription(invoice);
  if (!subId || (state.stripeSubscriptionId && state.stripeSubscriptionId !== subId)) {
    return { outcome: "other_subscription", tenantId };
  }
  const when = iso(event.created)!;
  let sets: Array<[string, unknown]>;
  if (event.type === "invoice.paid") {
    // Paying restores full access at once; a paid invoice never revives a finished subscription.
    if (TERMINAL.has(state.status) || state.status === "paused") {
      return { outcome: "ignored", tenantId };
    }
    sets = [["status", "active"], ["past_due_since", null], ["stripe_subscription_id", subId]];
  } else {
    // A first payment that fails leaves the subscription incomplete, not past due.
    if (invoice.billing_reason === "subscription_create") return { outcome: "ignored", tenantId };
    if (TERMINAL.has(state.status)) return { outcome: "ignored", tenantId };
    sets = [
      ["status", state.status === "unpaid" ? "unpaid" : "past_due"],
      ["past_due_since", state.pastDueSince ?? when],
      ["stripe_subscription_id", subId],
    ];
  }
  const rs = await control.execute(guardedUpdate(tenantId, event.created, rank, sets));
  return { outcome: rs.rowsAffected === 1 ? "applied" : "stale", tenantId };
}

async function applyCheckout(
  control: Client,
  event: Stripe.Event,
  session: Stripe.Checkout.Session,
  rank: number,
): Promise<{ outcome: ApplyOutcome; tenantId: string | null }> {
  if (session.mode !== "subscription") return { outcome: "ignored", tenantId: null };
  const customer = idOf(session.customer);
  const tenantId = await resolveTenant(
    control,
    session.client_reference_id ?? session.metadata?.tenant_id,
    customer,
  );
  if (!tenantId) return { outcome: "no_tenant", tenantId: null };
  const state = await loadBillingState(control, tenantId);
  if (!state) return { outcome: "no_tenant", tenantId: null };
  const sets: Array<[string, unknown]> = [
    ["stripe_customer_id", state.stripeCustomerId ?? customer],
    ["stripe_subscription_id", idOf(session.subscription) ?? state.stripeSubscriptionId],
  ];
  const plan = session.metadata?.plan;
  if (isPaidPlanId(plan)) sets.push(["plan", plan]);
  const interval = session.metadata?.interval;
  if (interval === "month" || interval === "year") sets.push(["billing_interval", interval]);
  if (session.payment_status === "paid" || session.payment_status === "no_payment_required") {
    sets.push(["status", "active"], ["past_due_since", null]);
  }
  const rs = await control.execute(guardedUpdate(tenantId, event.created, rank, sets));
  return { outcome: rs.rowsAffected === 1 ? "applied" : "stale", tenantId };
}

/** Applies one stored event (by id); returns what happened and which tenant it touched. */
export async function applyStripeEvent(
  control: Client,
  eventId: string,
  log?: Logger,
): Promise<{ outcome: ApplyOutcome; tenantId: string | null }> {
  const rs = await control.execute({
    sql: "SELECT payload, applied_at FROM stripe_events WHERE id = ?",
    args: [eventId],
  });
  const row = rs.rows[0];
  if (!row) throw new Error(`No stored Stripe event ${eventId}.`);
  if (row.applied_at !== null) return { outcome: "already_applied", tenantId: null };
  const event = JSON.parse(String(row.payload)) as Stripe.Event;
  const rank = RANK[event.type];
  let result: { outcome: ApplyOutcome; tenantId: string | null } = {
    outcome: "ignored",
    tenantId: null,
  };
  const object = event.data?.object;
  if (rank !== undefined && object) {
    if (event.type.startsWith("customer.subscription.")) {
      result = await applySubscription(control, event, object as Stripe.Subscription, rank);
    } else if (event.type.startsWith("invoice.")) {
      result = await applyInvoice(control, event, object as Stripe.Invoice, rank);
    } else {
      result = await applyCheckout(control, event, object as Stripe.Checkout.Session, rank);
    }
  }
  if (result.outcome === "no_tenant") {
    log?.warn("stripe event names no known tenant", { event_id: eventId, type: event.type });
  }
  await control.execute({
    sql: "UPDATE stripe_events SET applied_at = ?, outcome = ? WHERE id = ?",
    args: [new Date().toISOString(), result.outcome, eventId],
  });
  return result;
}
