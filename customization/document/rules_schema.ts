/**
 * @module customization/document/rules_schema
 * The `rules` section of the configuration document: the built-in credit hold's settings, and
 * the tenant's own rules. A rule names a record type, the events it runs on, a condition (JSON
 * Logic, domain/rules/logic.ts) and its actions. domain/rules/engine.ts interprets them; nothing
 * a tenant writes is ever run as code.
 */
import { z } from "zod";
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { logicProblems } from "../../domain/rules/logic.ts";
import { ROLES } from "../../auth/roles.ts";

const COLLECTIONS = RECORD_TYPES.map((d) => d.collection) as [string, ...string[]];
const ROLE_NAMES = ROLES as unknown as [string, ...string[]];

export const RULE_EVENTS = [
  "create",
  "update",
  "status_change",
  "document_accepted",
  "schedule",
] as const;

export type RuleEvent = typeof RULE_EVENTS[number];

/** Jobs a rule may start: kinds whose handlers take only the tenant and the record. */
export const RULE_JOB_KINDS = ["rules.schedule"] as const;

const message = z.string().trim().min(1, "Write the message people will read.").max(300);

export const RuleActionSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("block"), message }),
  z.strictObject({
    type: z.literal("require_approval"),
    role: z.enum(ROLE_NAMES),
    message,
  }),
  z.strictObject({ type: z.literal("warn"), message }),
  z.strictObject({
    type: z.literal("set_field"),
    field: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "Name a field by its API key."),
    value: z.union([z.string().max(200), z.number(), z.boolean()]).nullable(),
  }),
  z.strictObject({
    type: z.literal("notify"),
    roles: z.array(z.enum(ROLE_NAMES)).default([]),
    users: z.array(z.email()).max(20).default([]),
    message,
  }),
  z.strictObject({ type: z.literal("start_job"), kind: z.enum(RULE_JOB_KINDS) }),
]);

export type RuleAction = z.infer<typeof RuleActionSchema>;

export const RecordRuleSchema = z.strictObject({
  name: z.string().trim().min(1, "Name the rule.").max(80),
  record_type: z.enum(COLLECTIONS),
  on: z.array(z.enum(RULE_EVENTS)).min(1, "Name at least one event.").default([
    "create",
    "update",
  ]),
  when: z.unknown().default(true).superRefine((logic, ctx) => {
    for (const problem of logicProblems(logic)) ctx.addIssue({ code: "custom", message: problem });
  }),
  actions: z.array(RuleActionSchema).min(1, "Give the rule at least one action.").max(10),
  enabled: z.boolean().default(true),
});

export type RecordRule = z.infer<typeof RecordRuleSchema>;

/** `rules`: the credit hold's settings and the tenant's own rules, in the order they run. */
export const RulesSchema = z.strictObject({
  credit_hold: z.strictObject({
    enabled: z.boolean().default(true).meta({
      description:
        "Refuse a sales order for a customer on hold, over its credit limit or with invoices long past due.",
      examples: [true],
    }),
    max_days_past_due: z.number().int().min(1).max(365).default(60).meta({
      description: "Invoices more than this many days past due put the customer on hold.",
      examples: [45],
    }),
    override_roles: z.array(z.enum(ROLE_NAMES)).default(["owner", "admin"]).meta({
      description: "Roles that may override the credit hold on an order (with a reason).",
      examples: [["owner"]],
    }),
  }).prefault({}).meta({ description: "The built-in credit hold on sales orders." }),
  record_rules: z.array(RecordRuleSchema).max(100).superRefine((rules, ctx) => {
    const seen = new Set<string>();
    for (const [i, rule] of rules.entries()) {
      if (seen.has(rule.name)) {
        ctx.addIssue({ code: "custom", path: [i, "name"], message: "Two rules have this name." });
      }
      seen.add(rule.name);
    }
  }).default([]).meta({
    description:
      "Rules: name, record_type, on (create, update, status_change, document_accepted, schedule), when (a JSON Logic condition over record, previous, user, event, today), actions (block, require_approval, warn, set_field, notify, start_job), enabled.",
    examples: [[{
      name: "Large PO approval",
      record_type: "purchase-orders",
      on: ["create", "update"],
      when: { ">": [{ var: "record.total_cents" }, 25000000] },
      actions: [{
        type: "require_approval",
        role: "admin",
        message: "A PO over $250,000 needs a second approver.",
      }],
      enabled: true,
    }]],
  }),
}).prefault({}).meta({ description: "Rules run on record events and on a schedule." });

export type RulesConfig = z.infer<typeof RulesSchema>;
