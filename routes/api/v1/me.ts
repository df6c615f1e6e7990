import { Hono } from "hono";
import type { AppEnv } from "../../../http/env.ts";
import { principalOf } from "../../../http/env.ts";
import { requireAuth } from "../../../auth/middleware.ts";
import { ROLES } from "../../../auth/roles.ts";
import { describeRoute } from "../../../http/openapi.ts";
import { z } from "zod";

const getMe = describeRoute({
  operationId: "getMe",
  tag: "Account",
  summary: "Who is calling: the user, the workspace and the role",
  responses: {
    200: {
      description: "The caller",
      schema: z.object({
        user: z.object({
          id: z.string(),
          email: z.email(),
          name: z.string(),
          email_verified: z.boolean(),
        }),
        tenant: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
        role: z.enum(ROLES).nullable(),
        via: z.enum(["session", "token"]),
        scopes: z.array(z.string()).nullable().meta({
          description: "A scoped token's scopes; null for a session or a full-access token.",
        }),
      }),
      example: {
        user: {
          id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
          email: "dana@acme-meats.example",
          name: "Dana Broker",
          email_verified: true,
        },
        tenant: { id: "01jd8x7k3m5n9p2q4r6s8t0v1x", slug: "acme", name: "Acme Meats" },
        role: "owner",
        via: "token",
        scopes: ["purchase_orders:read", "loads:write"],
      },
    },
  },
});

const getCsrf = describeRoute({
  operationId: "getCsrfToken",
  tag: "Account",
  summary: "The CSRF token of your session, for writes made with the session cookie",
  responses: {
    200: {
      description: "The token; send it as X-CSRF-Token",
      schema: z.object({ csrf_token: z.string() }),
      example: { csrf_token: "c2VjcmV0LWNzcmYtdG9rZW4" },
    },
  },
});

const app = new Hono<AppEnv>();

app.get("/api/v1/me", getMe, (c) => {
  const auth = principalOf(c);
  const tenant = c.get("tenant");
  return c.json({
    user: {
      id: auth.userId,
      email: auth.email,
      name: auth.name,
      email_verified: auth.emailVerified,
    },
    tenant: tenant ? { id: tenant.id, slug: tenant.slug, name: tenant.name } : null,
    role: auth.role,
    via: auth.via,
    scopes: auth.scopes ?? null,
  });
});

// The CSRF token of the current session, for scripts and islands that call the API with cookies.
app.get(
  "/api/v1/auth/csrf",
  getCsrf,
  requireAuth(),
  (c) => c.json({ csrf_token: c.get("csrfToken") }),
);

export default app;
