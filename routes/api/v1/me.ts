import { Hono } from "hono";
import type { AppEnv } from "../../../http/env.ts";
import { principalOf } from "../../../http/env.ts";
import { requireAuth } from "../../../auth/middleware.ts";

const app = new Hono<AppEnv>();

app.get("/api/v1/me", (c) => {
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
  });
});

// The CSRF token of the current session, for scripts and islands that call the API with cookies.
app.get("/api/v1/auth/csrf", requireAuth(), (c) => c.json({ csrf_token: c.get("csrfToken") }));

export default app;
