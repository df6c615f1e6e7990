/**
 * @module routes/portal/_webhook
 * `POST /portal/webhooks/stripe` on the tenant's host: the endpoint the tenant adds in its own
 * Stripe dashboard. Verified with that tenant's signing secret; a paid Checkout Session becomes a
 * payment on its invoice exactly once (portal/payments.ts). A forged, stale or other tenant's
 * event changes nothing and is written to the tenant's security log.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { readCapped } from "../../http/guards.ts";
import { AppError } from "../../domain/errors.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import { notify } from "../../notifications/mod.ts";
import { tenantStripe } from "../../portal/settings.ts";
import { applyPortalStripeEvent, verifyPortalEvent } from "../../portal/payments.ts";

const app = new Hono<AppEnv>();

app.post("/portal/webhooks/stripe", async (c) => {
  const tenant = tenantOf(c);
  const services = c.get("services");
  const account = await tenantStripe(tenant.db, services.tenantKeys, tenant.id);
  if (!account) {
    const message = "Card payments are not set up for this workspace.";
    return c.json({ error: { code: "not_found", message, details: null } }, 404);
  }
  const body = await readCapped(c, () => c.req.text(), 512 * 1024);
  let event;
  try {
    event = await verifyPortalEvent(
      services.config,
      account,
      body,
      c.req.header("stripe-signature"),
    );
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    await recordSecurityEvent(c, {
      action: "portal.webhook_refused",
      actor: { userId: null, email: null },
      details: { reason: err.message },
    });
    return c.json(
      { error: { code: err.code, message: err.message, details: err.details ?? null } },
      err.status as 400,
    );
  }
  const result = await applyPortalStripeEvent(tenant.db, tenant.id, event, {
    today: tenant.today,
    now: services.clock.now(),
  });
  if (result.outcome === "unapplied") {
    await notify({ services, tenantId: tenant.id, db: tenant.db }, {
      kind: "payment_received",
      title: { key: "notice.portal_unapplied", args: { amount: { money: result.amountCents } } },
      link: `/invoices/${result.invoiceId}`,
      entity: { collection: "invoices", id: result.invoiceId },
      dedupeKey: `portal_unapplied:${result.eventId}`,
    });
  }
  return c.json({ received: true, outcome: result.outcome });
});

export default app;
