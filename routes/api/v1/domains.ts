/**
 * @module routes/api/v1/domains
 * A workspace's custom domains: list, claim, verify (DNS TXT) and remove. Owners and admins, on a
 * plan with the `customDomain` entitlement (402 otherwise).
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { requireEntitlement } from "../../../billing/middleware.ts";
import {
  claimDomain,
  domainSchema,
  listDomains,
  removeDomain,
  verifyDomain,
} from "../../../tenants/domains.ts";
import { NotFoundError } from "../../../domain/errors.ts";

const app = new Hono<AppEnv>();
app.use("/api/v1/domains", tenantOnly(), requirePermission("settings:manage"));
app.use("/api/v1/domains/*", tenantOnly(), requirePermission("settings:manage"));

/** The `:domain` path parameter, or 404 when it is no domain name at all. */
function domainParam(c: AppContext): string {
  const parsed = domainSchema(c.get("services").config.APP_DOMAIN).safeParse(c.req.param("domain"));
  if (!parsed.success) throw new NotFoundError("No such domain in this workspace.");
  return parsed.data;
}

app.get("/api/v1/domains", async (c) => {
  const data = await listDomains(c.get("services").control, tenantOf(c).id);
  return c.json({ data, next_cursor: null });
});

app.post("/api/v1/domains", requireEntitlement("customDomain"), async (c) => {
  const body = z.object({ domain: domainSchema(c.get("services").config.APP_DOMAIN) });
  const { domain } = parseWith(body, await readJson(c));
  return c.json(await claimDomain(c.get("services").control, tenantOf(c).id, domain), 201);
});

app.post("/api/v1/domains/:domain/verify", requireEntitlement("customDomain"), async (c) => {
  return c.json(await verifyDomain(c.get("services"), tenantOf(c).id, domainParam(c)));
});

app.delete("/api/v1/domains/:domain", async (c) => {
  await removeDomain(c.get("services"), tenantOf(c).id, domainParam(c));
  return c.body(null, 204);
});

export default app;
