/**
 * @module routes/api/v1/alert_rules
 * The workspace's business alert rules (ops/business_alerts_rules.ts), as Settings → Alerts
 * manages them: list, add, read, change, remove. Owners and admins (`settings:manage`); scoped
 * tokens need `alerts:read` / `alerts:write`. The same schema as the page checks every rule; a
 * webhook's signing secret is never answered back. Every change is in the security log. A rule
 * that e-mails an address no member of the workspace has needs the acting member's (or token
 * user's) own address confirmed to add or change, unless the change only turns it off (403
 * `email_unconfirmed`, nothing saved).
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute, listOf } from "../../../http/openapi.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import {
  addBusinessAlertRule,
  BusinessAlertApiInput,
  BusinessAlertPatch,
  type BusinessAlertRule,
  getBusinessAlertRule,
  listBusinessAlertRules,
  removeBusinessAlertRule,
  updateBusinessAlertRule,
} from "../../../ops/business_alerts.ts";

const RuleJson = z.object({
  id: z.string(),
  metric: z.string(),
  threshold: z.int(),
  channel: z.enum(["email", "webhook", "slack"]),
  target: z.string(),
  enabled: z.boolean(),
  signed: z.boolean().meta({ description: "Whether webhook calls carry a signature" }),
  firing: z.boolean(),
  firing_since: z.string().nullable(),
  last_value: z.int().nullable(),
});

const RULE = {
  id: "01jdb2c4e6g8j0k2m4p6r8t0v2",
  metric: "customer_over_credit_limit",
  threshold: 0,
  channel: "webhook" as const,
  target: "https://ops.acme-meats.example/hooks/alerts",
  enabled: true,
  signed: true,
  firing: false,
  firing_since: null,
  last_value: 0,
};

const Params = z.object({ id: z.string().max(40).meta({ example: RULE.id }) });

function ruleJson(r: BusinessAlertRule) {
  return {
    id: r.id,
    metric: r.metric,
    threshold: r.threshold,
    channel: r.channel,
    target: r.target,
    enabled: r.enabled,
    signed: r.hasSecret,
    firing: r.firingSince !== null,
    firing_since: r.firingSince,
    last_value: r.lastValue,
  };
}

const routes = {
  list: describeRoute({
    operationId: "listAlertRules",
    tag: "Settings",
    summary: "The workspace's business alert rules, with whether each is firing",
    responses: {
      200: {
        description: "Oldest first",
        schema: listOf(RuleJson),
        example: { data: [RULE], next_cursor: null },
      },
    },
    errors: [403],
  }),
  create: describeRoute({
    operationId: "createAlertRule",
    tag: "Settings",
    summary: "Add a business alert rule: a figure, the level above which it fires, a channel",
    description:
      "`metric` is one of `documents_failed`, `overdue_ar`, `invoices_60_days_overdue`, " +
      "`loads_late` and `customer_over_credit_limit` (told per customer, when its open invoices " +
      "and orders go over its credit limit by more than `threshold` whole currency units). " +
      "`target` is an e-mail address (`email`) or a public https:// address (`webhook`, signed " +
      "with `secret` when given; `slack`, a Slack-compatible incoming webhook). An `email` " +
      "target that is no member's address needs the caller's own address confirmed (403 " +
      "`email_unconfirmed`).",
    body: {
      schema: BusinessAlertApiInput,
      example: {
        metric: "customer_over_credit_limit",
        threshold: 0,
        channel: "webhook",
        target: RULE.target,
        secret: "s3cret-shared-with-the-receiver",
      },
    },
    responses: {
      201: {
        description: "Added; evaluated within a quarter-hour",
        schema: RuleJson,
        example: RULE,
      },
    },
    errors: [403, 415, 422],
  }),
  get: describeRoute({
    operationId: "getAlertRule",
    tag: "Settings",
    summary: "One business alert rule",
    params: Params,
    responses: { 200: { description: "The rule", schema: RuleJson, example: RULE } },
    errors: [403, 404],
  }),
  update: describeRoute({
    operationId: "updateAlertRule",
    tag: "Settings",
    summary: "Change a rule, or turn it off or on; a new figure starts its state afresh",
    description: 'The rule as changed is checked like a new one. `secret: ""` stops signing. ' +
      "A rule e-mailing an address no member has needs the caller's own address confirmed " +
      "(403 `email_unconfirmed`) unless the change only turns it off.",
    params: Params,
    body: { schema: BusinessAlertPatch, example: { threshold: 500, enabled: false } },
    responses: {
      200: {
        description: "As stored",
        schema: RuleJson,
        example: { ...RULE, threshold: 500, enabled: false },
      },
    },
    errors: [403, 404, 415, 422],
  }),
  remove: describeRoute({
    operationId: "deleteAlertRule",
    tag: "Settings",
    summary: "Remove a business alert rule",
    params: Params,
    responses: { 204: { description: "Removed" } },
    errors: [403, 404],
  }),
};

const PATH = "/api/v1/alert-rules";
const app = new Hono<AppEnv>();
app.use(PATH, tenantOnly(), requirePermission("settings:manage"));
app.use(`${PATH}/*`, tenantOnly(), requirePermission("settings:manage"));

app.get(PATH, routes.list, async (c) => {
  const data = (await listBusinessAlertRules(tenantOf(c).db)).map(ruleJson);
  return c.json({ data, next_cursor: null });
});

app.post(PATH, routes.create, async (c) => {
  const input = parseWith(BusinessAlertApiInput, await readJson(c));
  const tenant = tenantOf(c);
  const id = await addBusinessAlertRule(
    c.get("services"),
    tenant.id,
    tenant.db,
    input,
    principalOf(c).userId,
  );
  await recordSecurityEvent(c, {
    action: "settings.alert_added",
    target: id,
    details: { metric: input.metric, threshold: input.threshold, channel: input.channel },
  });
  return c.json(ruleJson(await getBusinessAlertRule(tenant.db, id)), 201);
});

app.get(`${PATH}/:id`, routes.get, async (c) => {
  return c.json(ruleJson(await getBusinessAlertRule(tenantOf(c).db, c.req.param("id"))));
});

app.patch(`${PATH}/:id`, routes.update, async (c) => {
  const patch = parseWith(BusinessAlertPatch, await readJson(c));
  const tenant = tenantOf(c);
  const rule = await updateBusinessAlertRule(
    c.get("services"),
    tenant.id,
    tenant.db,
    c.req.param("id"),
    patch,
    principalOf(c).userId,
  );
  await recordSecurityEvent(c, {
    action: "settings.alert_changed",
    target: rule.id,
    // Which fields changed, never the secret's value.
    details: { fields: Object.keys(patch).sort() },
  });
  return c.json(ruleJson(rule));
});

app.delete(`${PATH}/:id`, routes.remove, async (c) => {
  const tenant = tenantOf(c);
  const id = c.req.param("id");
  await removeBusinessAlertRule(c.get("services").control, tenant.id, tenant.db, id);
  await recordSecurityEvent(c, { action: "settings.alert_removed", target: id });
  return c.body(null, 204);
});

export default app;
