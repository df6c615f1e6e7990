import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { apexOnly } from "../../http/guards.ts";
import { receiveStripeWebhook } from "../../billing/webhook.ts";

const app = new Hono<AppEnv>();

app.post("/webhooks/stripe", apexOnly(), async (c) => {
  const services = c.get("services");
  const received = await receiveStripeWebhook(
    services,
    await c.req.text(),
    c.req.header("stripe-signature"),
  );
  return c.json({ received: true, duplicate: received.duplicate });
});

export default app;
