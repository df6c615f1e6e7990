import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { apexOnly } from "../../http/guards.ts";
import { receiveStripeWebhook } from "../../billing/webhook.ts";

const app = new Hono<AppEnv>();

app.post("/webhooks/stripe", apexOnly(), async (c) => {
  const services = c.get("services");
  const events = services.metrics.webhookEvents;
  let received;
  try {
    received = await receiveStripeWebhook(
      services,
      await c.req.text(),
      c.req.header("stripe-signature"),
    );
  } catch (err) {
    // Unsigned or unreadable: its type cannot be trusted, so it is not a label.
    events.inc({ type: "unknown", outcome: "rejected" });
    throw err;
  }
  events.inc({ type: received.type, outcome: received.duplicate ? "duplicate" : "accepted" });
  return c.json({ received: true, duplicate: received.duplicate });
});

export default app;
