import { Hono } from "hono";
import { type AppEnv, clientIp } from "../../../http/env.ts";
import { bindHandoffToBrowser } from "../../../auth/handoff_cookie.ts";
import { apexOnly, readJson } from "../../../http/guards.ts";
import { signup } from "../../../tenants/provision.ts";
import { welcomeNewTenant } from "../../../tenants/welcome.ts";
import { SignupSchema } from "../../../tenants/signup_schema.ts";
import { describeRoute } from "../../../http/openapi.ts";
import { z } from "zod";

const signUp = describeRoute({
  operationId: "signUp",
  tag: "Account",
  summary: "Sign up a company: its workspace, database and owner (bare app domain only)",
  auth: "none",
  body: {
    schema: SignupSchema,
    example: {
      company_name: "Acme Meats",
      slug: "acme-meats",
      owner_name: "Dana Broker",
      email: "dana@acme-meats.example",
      password: "correct horse battery",
      time_zone: "America/Chicago",
    },
  },
  responses: {
    201: {
      description: "Created; sign in at `login_url`, a one-time link (one minute) that opens " +
        "only in the client holding the `pm_handoff` cookie set on this answer",
      schema: z.object({
        tenant: z.object({ id: z.string(), slug: z.string(), name: z.string(), url: z.url() }),
        user: z.object({ id: z.string(), email: z.email(), name: z.string() }),
        login_url: z.url(),
      }),
      example: {
        tenant: {
          id: "01jd8x7k3m5n9p2q4r6s8t0v1x",
          slug: "acme-meats",
          name: "Acme Meats",
          url: "https://acme-meats.projectmeats.example",
        },
        user: {
          id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
          email: "dana@acme-meats.example",
          name: "Dana Broker",
        },
        login_url: "https://acme-meats.projectmeats.example/login",
      },
    },
  },
  errors: [400, 404, 409, 415, 422, 429],
});

const app = new Hono<AppEnv>();

app.post("/api/v1/signup", signUp, apexOnly(), async (c) => {
  const services = c.get("services");
  // Counted per client IP and per address (tenants/signup_limits.ts); 429 past the limit.
  const result = await signup(services, await readJson(c), { ip: clientIp(c) });
  const { origin, loginUrl } = await welcomeNewTenant(
    services,
    result,
    c.req.url,
    bindHandoffToBrowser(c),
  );
  return c.json({
    tenant: { ...result.tenant, url: origin },
    user: { id: result.user.id, email: result.user.email, name: result.user.name },
    login_url: loginUrl,
  }, 201);
});

export default app;
