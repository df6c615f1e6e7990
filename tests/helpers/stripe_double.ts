/**
 * @module tests/helpers/stripe_double
 * A loopback HTTP server that answers the parts of the Stripe API the app uses (customers,
 * products, prices, Checkout Sessions, Customer Portal sessions, subscriptions), records every
 * request, and plays Stripe's hosted Checkout page: "paying" there creates the subscription,
 * sends the signed webhooks to the app and redirects back, as Stripe does. A Checkout Session in
 * payment mode (the invoice portal, on a tenant's own account) is paid the same way, its event
 * sent to `paymentWebhook` (the tenant's endpoint, signed with the tenant's secret).
 */
import { type Clock, systemClock } from "../../domain/clock.ts";
import Stripe from "stripe";
import { hostFetch } from "./http.ts";

// deno-lint-ignore no-explicit-any
type Obj = Record<string, any>;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Obj;
  body: Obj;
  idempotencyKey: string | null;
  /** The secret key the call was made with (the Bearer credential). */
  apiKey: string | null;
}

/** Where and how an event is delivered: the app's port, the Host, the path and the secret. */
export interface WebhookTarget {
  port: number;
  host: string;
  path: string;
  secret: string;
}

/** Parses Stripe's bracket form encoding (`a[b][0][c]=x`) into nested objects and arrays. */
export function parseStripeForm(params: URLSearchParams): Obj {
  const root: Obj = {};
  for (const [rawKey, value] of params) {
    const parts = rawKey.replace(/\]/g, "").split("[");
    let node: Obj = root;
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      const nextIsIndex = !last && /^\d+$/.test(parts[i + 1]!);
      if (last) node[part] = value;
      else node = node[part] ??= nextIsIndex ? [] : {};
    });
  }
  return root;
}

export interface StripeDouble {
  origin: string;
  port: number;
  requests: RecordedRequest[];
  customers: Map<string, Obj>;
  prices: Map<string, Obj>;
  products: Map<string, Obj>;
  sessions: Map<string, Obj>;
  subscriptions: Map<string, Obj>;
  /** Where "paid" checkouts send their webhooks (the app's port; host is the bare domain). */
  webhookTarget: { port: number; host: string; secret: string } | null;
  /** Stripe's time, as the app's clock has it (set it to the test server's clock). */
  clock: Clock;
  /** Builds, signs and posts an event to the app; returns the HTTP status. */
  sendEvent(type: string, object: Obj, created?: number): Promise<Response>;
  /** Where paid payment-mode sessions send `checkout.session.completed` (a tenant's endpoint). */
  paymentWebhook: WebhookTarget | null;
  /** Builds, signs with `target.secret` and posts an event to `target`; returns the response. */
  sendEventTo(target: WebhookTarget, event: Obj): Promise<Response>;
  /** Builds an event without sending it. */
  event(type: string, object: Obj, created?: number): Obj;
  close(): Promise<void>;
}

const signer = new Stripe("sk_test_double", { telemetry: false });

/** Signs a payload as Stripe does (Stripe-Signature header value). */
export function signPayload(payload: string, secret: string, timestamp?: number) {
  return signer.webhooks.generateTestHeaderStringAsync({ payload, secret, timestamp });
}

/** Starts the double on a random loopback port. */
export function startStripeDouble(): StripeDouble {
  let n = 0;
  const next = (prefix: string) => `${prefix}_${(++n).toString().padStart(6, "0")}`;
  const now = () => Math.floor(double.clock.now().getTime() / 1000);
  const customers = new Map<string, Obj>();
  const prices = new Map<string, Obj>();
  const products = new Map<string, Obj>();
  const sessions = new Map<string, Obj>();
  const subscriptions = new Map<string, Obj>();
  const idempotent = new Map<string, Obj>();
  const requests: RecordedRequest[] = [];

  const notFound = (what: string) =>
    Response.json({
      error: {
        type: "invalid_request_error",
        code: "resource_missing",
        message: `No such ${what}`,
      },
    }, { status: 404 });

  function makeEvent(type: string, object: Obj, created = now()): Obj {
    return {
      id: next("evt"),
      object: "event",
      api_version: "2026-10-28.endive",
      created,
      type,
      livemode: false,
      pending_webhooks: 1,
      data: { object },
    };
  }

  const double: StripeDouble = {
    origin: "",
    port: 0,
    requests,
    customers,
    prices,
    products,
    sessions,
    subscriptions,
    webhookTarget: null,
    paymentWebhook: null,
    clock: systemClock,
    async sendEventTo(target, event) {
      const payload = JSON.stringify(event);
      return await hostFetch(target.port, target.host, target.path, {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": await signPayload(payload, target.secret),
        },
        body: payload,
      });
    },
    event: makeEvent,
    async sendEvent(type, object, created) {
      const target = double.webhookTarget;
      if (!target) throw new Error("webhookTarget is not set");
      const payload = JSON.stringify(makeEvent(type, object, created));
      return await hostFetch(target.port, target.host, "/webhooks/stripe", {
        method: "POST",
        headers: {
          "content-type": "application/json; charset=utf-8",
          "stripe-signature": await signPayload(payload, target.secret),
        },
        body: payload,
      });
    },
    close: () => server.shutdown(),
  };

  function subscriptionFor(session: Obj): Obj {
    const price = prices.get(session.line_items[0].price)!;
    const id = next("sub");
    const start = now();
    const sub = {
      id,
      object: "subscription",
      customer: session.customer,
      status: "active",
      metadata: session.subscription_data?.metadata ?? {},
      cancel_at_period_end: false,
      trial_end: null,
      created: start,
      items: {
        object: "list",
        data: [{
          id: next("si"),
          object: "subscription_item",
          price,
          quantity: 1,
          current_period_start: start,
          current_period_end: start + (price.recurring.interval === "year" ? 365 : 30) * 86400,
        }],
      },
    };
    subscriptions.set(id, sub);
    return sub;
  }

  async function api(req: Request, url: URL): Promise<Response> {
    const body = req.method === "GET" ? {} : parseStripeForm(new URLSearchParams(await req.text()));
    const query = parseStripeForm(url.searchParams);
    const key = req.headers.get("idempotency-key");
    const apiKey = /^Bearer\s+(\S+)$/.exec(req.headers.get("authorization") ?? "")?.[1] ?? null;
    requests.push({
      method: req.method,
      path: url.pathname,
      query,
      body,
      idempotencyKey: key,
      apiKey,
    });
    if (key && idempotent.has(key)) return Response.json(idempotent.get(key));
    const p = url.pathname;
    const remember = (o: Obj) => {
      if (key) idempotent.set(key, o);
      return Response.json(o);
    };
    let m: RegExpExecArray | null;
    if (req.method === "POST" && p === "/v1/customers") {
      const c = { id: next("cus"), object: "customer", ...body };
      customers.set(c.id, c);
      return remember(c);
    }
    if (req.method === "GET" && (m = /^\/v1\/products\/([\w-]+)$/.exec(p))) {
      return products.has(m[1]!) ? Response.json(products.get(m[1]!)) : notFound("product");
    }
    if (req.method === "POST" && p === "/v1/products") {
      const prod = { object: "product", active: true, ...body, id: body.id ?? next("prod") };
      products.set(prod.id, prod);
      return remember(prod);
    }
    if (req.method === "POST" && (m = /^\/v1\/products\/([\w-]+)$/.exec(p))) {
      const prod = products.get(m[1]!);
      if (!prod) return notFound("product");
      Object.assign(prod, body, {
        active: body.active === undefined ? prod.active : body.active === "true",
      });
      return Response.json(prod);
    }
    if (req.method === "GET" && p === "/v1/prices") {
      const keys: string[] = query.lookup_keys ?? [];
      const data = [...prices.values()].filter((x) =>
        keys.includes(x.lookup_key) &&
        (query.active === undefined || String(x.active) === query.active)
      );
      return Response.json({ object: "list", data, has_more: false, url: "/v1/prices" });
    }
    if (req.method === "POST" && p === "/v1/prices") {
      if (body.transfer_lookup_key === "true") {
        for (const other of prices.values()) {
          if (other.lookup_key === body.lookup_key) other.lookup_key = null;
        }
      }
      const price = {
        id: next("price"),
        object: "price",
        active: true,
        product: body.product,
        currency: body.currency,
        unit_amount: Number(body.unit_amount),
        recurring: { interval: body.recurring.interval, interval_count: 1 },
        lookup_key: body.lookup_key,
        metadata: body.metadata ?? {},
      };
      prices.set(price.id, price);
      return remember(price);
    }
    if (req.method === "POST" && (m = /^\/v1\/prices\/([\w-]+)$/.exec(p))) {
      const price = prices.get(m[1]!);
      if (!price) return notFound("price");
      if (body.active !== undefined) price.active = body.active === "true";
      return Response.json(price);
    }
    if (req.method === "POST" && p === "/v1/checkout/sessions") {
      const id = next("cs");
      const s = {
        id,
        object: "checkout.session",
        mode: body.mode,
        customer: body.customer,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        subscription_data: body.subscription_data ?? {},
        line_items: body.line_items,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
        payment_status: "unpaid",
        status: "open",
        subscription: null,
        payment_intent: null,
        currency: body.line_items?.[0]?.price_data?.currency ?? null,
        amount_total: body.mode === "payment"
          ? (body.line_items ?? []).reduce(
            (sum: number, li: Obj) =>
              sum + Number(li.price_data?.unit_amount ?? 0) * Number(li.quantity ?? 1),
            0,
          )
          : null,
        url: `${double.origin}/checkout/${id}`,
      };
      sessions.set(id, s);
      return remember(s);
    }
    if (req.method === "POST" && p === "/v1/billing_portal/sessions") {
      const id = next("bps");
      return remember({
        id,
        object: "billing_portal.session",
        customer: body.customer,
        return_url: body.return_url,
        flow: body.flow_data ?? null,
        url: `${double.origin}/portal/${id}`,
      });
    }
    if (req.method === "GET" && (m = /^\/v1\/subscriptions\/([\w-]+)$/.exec(p))) {
      return subscriptions.has(m[1]!)
        ? Response.json(subscriptions.get(m[1]!))
        : notFound("subscription");
    }
    return notFound(`route ${req.method} ${p}`);
  }

  function page(title: string, body: string) {
    return new Response(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>` +
        // No favicon request (a 404 a browser test would see as an error).
        `<link rel="icon" href="data:,"></head>` +
        `<body><main><h1>${title}</h1>${body}</main></body></html>`,
      { headers: { "content-type": "text/html; charset=utf-8" } },
    );
  }

  async function hosted(req: Request, url: URL): Promise<Response> {
    let m: RegExpExecArray | null;
    if ((m = /^\/checkout\/([\w-]+)$/.exec(url.pathname)) && req.method === "GET") {
      const s = sessions.get(m[1]!);
      if (!s) return new Response("no such session", { status: 404 });
      const price = prices.get(s.line_items[0].price);
      const what = s.mode === "payment"
        ? `${s.line_items[0].price_data?.product_data?.name} ${s.amount_total} ${s.currency}`
        : `${price?.lookup_key} ${price?.unit_amount}`;
      return page(
        "Stripe test checkout",
        `<p id="checkout-price">${what}</p>` +
          `<form method="post" action="/checkout/${s.id}/pay"><button id="pay" type="submit">Pay</button></form>` +
          `<a href="${s.cancel_url}">Cancel</a>`,
      );
    }
    if ((m = /^\/checkout\/([\w-]+)\/pay$/.exec(url.pathname)) && req.method === "POST") {
      const s = sessions.get(m[1]!);
      if (!s) return new Response("no such session", { status: 404 });
      if (s.mode === "payment") {
        Object.assign(s, {
          status: "complete",
          payment_status: "paid",
          payment_intent: next("pi"),
        });
        if (double.paymentWebhook) {
          const res = await double.sendEventTo(
            double.paymentWebhook,
            makeEvent("checkout.session.completed", s),
          );
          await res.body?.cancel();
        }
        return new Response(null, { status: 303, headers: { location: s.success_url } });
      }
      const sub = subscriptionFor(s);
      Object.assign(s, { status: "complete", payment_status: "paid", subscription: sub.id });
      await double.sendEvent("customer.subscription.created", sub);
      await double.sendEvent("checkout.session.completed", s);
      return new Response(null, { status: 303, headers: { location: s.success_url } });
    }
    if (/^\/portal\/[\w-]+$/.test(url.pathname)) return page("Stripe test portal", "<p>Portal</p>");
    return new Response("not found", { status: 404 });
  }

  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, (req) => {
    const url = new URL(req.url);
    return url.pathname.startsWith("/v1/") ? api(req, url) : hosted(req, url);
  });
  double.port = server.addr.port;
  double.origin = `http://127.0.0.1:${server.addr.port}`;
  return double;
}
