/**
 * @module routes/api/v1/domains
 * A workspace's custom domains: list, claim, verify (DNS TXT) and remove. Owners and admins, on a
 * plan with the `customDomain` entitlement (402 otherwise).
 */
import { Hono } from "hono";
import { recordSecurityEvent } from "../../../security/events.ts";
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
import { describeRoute, listOf } from "../../../http/openapi.ts";

const DomainJson = z.object({
  domain: z.string().meta({ format: "hostname" }),
  verified: z.boolean(),
  created_at: z.iso.datetime(),
  verified_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable().meta({
    description: "When an unverified claim lapses (7 days after it was added); null once verified",
  }),
  txt_name: z.string().meta({ description: "The TXT record to create" }),
  txt_value: z.string().meta({ description: "Its value" }),
});

const DOMAIN_EXAMPLE = {
  domain: "portal.acme-meats.example",
  verified: false,
  created_at: "2026-03-31T14:05:09.000Z",
  verified_at: null,
  expires_at: "2026-04-07T14:05:09.000Z",
  txt_name: "_projectmeats.portal.acme-meats.example",
  txt_value: "projectmeats-verify=3kq8Zx0b1Yt7Kd2Lm4Pw6Rs9",
};

const DomainParams = z.object({
  domain: z.string().max(253).meta({ format: "hostname", example: "portal.acme-meats.example" }),
});

const list = describeRoute({
  operationId: "listDomains",
  tag: "Settings",
  summary: "The workspace's custom domains (owners and admins)",
  responses: {
    200: {
      description: "The domains",
      schema: listOf(DomainJson),
      example: { data: [DOMAIN_EXAMPLE], next_cursor: null },
    },
  },
  errors: [403],
});

const claim = describeRoute({
  operationId: "claimDomain",
  tag: "Settings",
  summary: "Claim a custom domain; it is served once its TXT record is verified",
  body: {
    schema: z.object({ domain: z.string().max(253).meta({ format: "hostname" }) }),
    example: { domain: "portal.acme-meats.example" },
  },
  responses: { 201: { description: "Claimed", schema: DomainJson, example: DOMAIN_EXAMPLE } },
  errors: [400, 402, 403, 409, 415, 422],
});

const verify = describeRoute({
  operationId: "verifyDomain",
  tag: "Settings",
  summary: "Check the domain's TXT record and start serving it",
  params: DomainParams,
  responses: {
    200: {
      description: "The domain, verified",
      schema: DomainJson,
      example: { ...DOMAIN_EXAMPLE, verified: true, verified_at: "2026-03-31T14:15:00.000Z" },
    },
  },
  errors: [402, 403, 404, 422],
});

const remove = describeRoute({
  operationId: "removeDomain",
  tag: "Settings",
  summary: "Stop serving and remove a custom domain",
  params: DomainParams,
  responses: { 204: { description: "Removed" } },
  errors: [403, 404],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/domains", tenantOnly(), requirePermission("settings:manage"));
app.use("/api/v1/domains/*", tenantOnly(), requirePermission("settings:manage"));

/** The `:domain` path parameter, or 404 when it is no domain name at all. */
function domainParam(c: AppContext): string {
  const parsed = domainSchema(c.get("services").config.APP_DOMAIN).safeParse(c.req.param("domain"));
  if (!parsed.success) throw new NotFoundError("No such domain in this workspace.");
  return parsed.data;
}

app.get("/api/v1/domains", list, async (c) => {
  const services = c.get("services");
  const data = await listDomains(services.control, tenantOf(c).id, services.clock.now());
  return c.json({ data, next_cursor: null });
});

app.post("/api/v1/domains", claim, requireEntitlement("customDomain"), async (c) => {
  const body = z.object({ domain: domainSchema(c.get("services").config.APP_DOMAIN) });
  const { domain } = parseWith(body, await readJson(c));
  const services = c.get("services");
  const claimed = await claimDomain(services.control, tenantOf(c).id, domain, services.clock.now());
  await recordSecurityEvent(c, { action: "domain.added", target: domain });
  return c.json(claimed, 201);
});

app.post(
  "/api/v1/domains/:domain/verify",
  verify,
  requireEntitlement("customDomain"),
  async (c) => {
    const services = c.get("services");
    const d = await verifyDomain(services, tenantOf(c).id, domainParam(c), services.clock.now());
    await recordSecurityEvent(c, { action: "domain.verified", target: domainParam(c) });
    return c.json(d);
  },
);

app.delete("/api/v1/domains/:domain", remove, async (c) => {
  await removeDomain(c.get("services"), tenantOf(c).id, domainParam(c));
  await recordSecurityEvent(c, { action: "domain.removed", target: domainParam(c) });
  return c.body(null, 204);
});

export default app;
