/**
 * @module domain/rules/engine
 * Runs the tenant's own rules (the `rules.record_rules` of its configuration document) on a
 * record write, inside the write's transaction, after the built-in rules and totals: so a
 * condition sees the record as it will be stored (`record.total_cents` of a PO with its lines),
 * the record before (`previous`), who is acting (`user.role`), the `event` and `today`.
 *
 * Actions: `block` refuses the write (nothing is stored) with the rule's name in the message;
 * `require_approval` queues a request (domain/approvals/) and holds the record's status until it
 * is approved; `warn` and `set_field` are written beside the record (rule_activity) and shown on
 * its page; `notify` and `start_job` are handed to the request's effect sink and run after the
 * commit. Conditions are data interpreted by domain/rules/logic.ts; no tenant code is run.
 */
import type { Executor } from "../../db/transaction.ts";
import { BUSINESS_DAY } from "../../db/business_day.ts";
import { newId } from "../../db/ids.ts";
import type { RecordDef } from "../records/definition.ts";
import type { RecordValues } from "../records/rows.ts";
import { toApi, toStored } from "../records/rows.ts";
import { selectList } from "../records/query.ts";
import { type RecordContext, writeTime } from "../records/context.ts";
import { recordAudit } from "../records/audit.ts";
import { ConflictError, InvalidError } from "../errors.ts";
import { approvalsOf, requestApproval, waitingOn } from "../approvals/store.ts";
import { holds } from "./logic.ts";
import { inWriteTransaction } from "../../db/transaction.ts";
import { recordType } from "../catalog.ts";
import { markChanged } from "../records/changes.ts";
import { updateSchema } from "../records/schema.ts";
import type { z } from "zod";
import type {
  RecordRule,
  RuleEvent,
  RulesConfig,
} from "../../customization/document/rules_schema.ts";
import { RulesSchema } from "../../customization/document/rules_schema.ts";

const parsed = new Map<string, RulesConfig>();
const DEFAULT_RULES: RulesConfig = RulesSchema.parse({});

/**
 * The tenant's rules from its stored configuration (read in the caller's transaction, so a
 * write and a configuration change never cross), parsed once per distinct document.
 */
export async function rulesConfigOf(tx: Executor): Promise<RulesConfig> {
  const rs = await tx.execute("SELECT document FROM configuration WHERE id = 1");
  const text = rs.rows[0]?.document;
  if (text === undefined || text === null) return DEFAULT_RULES;
  const key = String(text);
  let rules = parsed.get(key);
  if (!rules) {
    const document = JSON.parse(key) as { rules?: unknown };
    const result = RulesSchema.safeParse(document.rules ?? {});
    rules = result.success ? result.data : DEFAULT_RULES;
    parsed.set(key, rules);
    if (parsed.size > 500) parsed.delete(parsed.keys().next().value!);
  }
  return rules;
}

/** The status field of a record type (`status`, or `state` for invoices and bills). */
function statusField(def: RecordDef): string | null {
  const names = def.fields.filter((f) => f.kind === "enum" && !f.computed && !f.sql).map((f) =>
    f.name
  );
  return names.find((n) => n === "state") ?? names.find((n) => n === "status") ?? null;
}

/** The events a write raises: create (and document_accepted), or update (and status_change). */
export function eventsOf(
  def: RecordDef,
  record: RecordValues,
  existing: RecordValues | null,
  source: RecordContext["source"],
): RuleEvent[] {
  if (!existing) return source === "document" ? ["create", "document_accepted"] : ["create"];
  const status = statusField(def);
  return status && existing[status] !== record[status] ? ["update", "status_change"] : ["update"];
}

/** What a condition reads: the record (custom fields flat and under custom_fields), and more. */
export function ruleData(
  def: RecordDef,
  record: RecordValues,
  existing: RecordValues | null,
  ctx: Pick<RecordContext, "userId" | "role" | "userName">,
  event: RuleEvent,
  today: string,
): Record<string, unknown> {
  const withCustom = (r: RecordValues | null) => {
    if (!r) return null;
    const custom: RecordValues = {};
    for (const f of def.fields) if (f.custom) custom[f.name] = r[f.name] ?? null;
    return { ...r, custom_fields: custom };
  };
  return {
    record: withCustom(record),
    previous: withCustom(existing),
    user: { id: ctx.userId, role: ctx.role, name: ctx.userName ?? null },
    event,
    today,
    collection: def.collection,
  };
}

/** The rules that run for these events on this record type, in the document's order. */
export function matchingRules(
  config: RulesConfig,
  collection: string,
  events: readonly RuleEvent[],
): RecordRule[] {
  return config.record_rules.filter((r) =>
    r.enabled && r.record_type === collection && r.on.some((e) => events.includes(e))
  );
}

async function note(
  tx: Executor,
  def: RecordDef,
  id: string,
  rule: string,
  action: string,
  message: string,
  by: Pick<RecordContext, "userId" | "clock">,
): Promise<void> {
  await tx.execute({
    sql: `INSERT INTO rule_activity (id, collection, record_id, rule_name, action, message, at,
            user_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [newId(), def.collection, id, rule, action, message, writeTime(by), by.userId],
  });
}

/** Why `value` cannot go into `field` as the API would take it, or null when it can. */
function unsettable(
  def: RecordDef,
  field: RecordDef["fields"][number],
  value: string | number | boolean | null,
): string | null {
  if (field.kind === "options") return value === null ? null : "it holds several choices";
  const schema = updateSchema(def).shape[field.name] as z.ZodType | undefined;
  if (!schema) return "it cannot be changed";
  const result = schema.safeParse(value);
  return result.success ? null : result.error.issues.map((i) => i.message).join(" ");
}

async function setField(
  tx: Executor,
  def: RecordDef,
  record: RecordValues,
  rule: string,
  name: string,
  value: string | number | boolean | null,
  by: Pick<RecordContext, "userId" | "clock">,
): Promise<boolean> {
  const field = def.fields.find((f) => f.name === name && (f.custom || (!f.computed && !f.sql)));
  if (!field) return false; // a field the record type no longer has: the rule does nothing
  if (record[name] === value) return false;
  const id = String(record.id);
  // A value the field cannot hold (a rule saved before the save-time check, customization/
  // save_check.ts, or a field changed since) is not written: a NOT NULL or CHECK failure would
  // refuse every write of the type with a 500. The record's page says why nothing was set.
  const refused = unsettable(def, field, value);
  if (refused) {
    await note(tx, def, id, rule, "warn", `${field.label} was not set: ${refused}`, by);
    return false;
  }
  if (field.custom) {
    await tx.execute({
      sql: `UPDATE ${def.table} SET custom_fields = json_set(custom_fields, '$.${name}', json(?))
            WHERE id = ?`,
      args: [JSON.stringify(value), id],
    });
  } else {
    await tx.execute({
      sql: `UPDATE ${def.table} SET ${field.name} = ? WHERE id = ?`,
      args: [toStored(field, value), id],
    });
  }
  await recordAudit(tx, {
    at: writeTime(by),
    userId: by.userId,
    action: "rule",
    entity: def.collection,
    entityId: id,
    changes: { [name]: [record[name] ?? null, value] },
  });
  await note(tx, def, id, rule, "set_field", `${field.label} set to ${String(value)}`, by);
  return true;
}

/** What a run of the rules did, for the caller to explain (warnings) and to re-read (fields). */
export interface RuleOutcome {
  warnings: Array<{ rule: string; message: string }>;
  approvals: Array<{ rule: string; role: string; message: string }>;
  fieldsSet: boolean;
}

/**
 * Runs the tenant's rules for a write of `record` (as stored, in `tx`); throws to refuse it.
 * A record that waits on an approval may not move its status on (but may be cancelled).
 */
export async function runRecordRules(
  tx: Executor,
  ctx: RecordContext,
  def: RecordDef,
  record: RecordValues,
  existing: RecordValues | null,
): Promise<RuleOutcome> {
  const outcome: RuleOutcome = { warnings: [], approvals: [], fieldsSet: false };
  const events = eventsOf(def, record, existing, ctx.source);
  if (events.includes("status_change")) {
    await refuseWhileWaiting(tx, def, record, WAITING_STATUSES);
  }
  const config = await rulesConfigOf(tx);
  const rules = matchingRules(config, def.collection, events);
  if (!rules.length) return outcome;
  const today = String((await tx.execute(`SELECT ${BUSINESS_DAY} AS d`)).rows[0]!.d);
  for (const rule of rules) {
    const event = events.find((e) => rule.on.includes(e))!;
    if (!holds(rule.when, ruleData(def, record, existing, ctx, event, today))) continue;
    await applyActions(tx, ctx, def, record, existing, rule, outcome);
  }
  // An approval this very write made necessary holds it too: a record created straight in a
  // later status, or moved on in the same write that made it need approval (a broker's
  // $1,000,000 PO created or patched to "approved" in one call), or one already past its first
  // status that a change now makes wait, is refused; nothing is stored.
  const status = statusField(def);
  if (status && outcome.approvals.length) {
    // Its first status (a load's "booked") is where a new record waits.
    const first = def.fields.find((f) => f.name === status)?.defaultValue;
    const allowed = [...WAITING_STATUSES, ...(first === undefined ? [] : [String(first)])];
    await refuseWhileWaiting(tx, def, record, allowed, true);
  }
  return outcome;
}

/** The statuses a record waiting on an approval may be in (or be moved to). */
const WAITING_STATUSES = ["draft", "cancelled", "void"];

/** Refuses (409) a record that waits on an approval while its status is not one of `allowed`. */
async function refuseWhileWaiting(
  tx: Executor,
  def: RecordDef,
  record: RecordValues,
  allowed: readonly string[],
  askedNow = false,
): Promise<void> {
  const status = statusField(def);
  if (!status || allowed.includes(String(record[status]))) return;
  const waiting = waitingOn(await approvalsOf(tx, def.collection, String(record.id)));
  if (!waiting.length) return;
  const a = waiting[0]!;
  const what = def.singular.toLowerCase();
  // A request made by this write is undone with it: only a stored one is named.
  if (askedNow) {
    const target = String(record[status]).replace(/_/g, " ");
    throw new ConflictError(
      `Needs approval: rule '${a.rule_name}' needs an ${a.role} to approve this ${what} before it can be ${target}. Save it as draft and the approval is asked for; nothing was saved.`,
      { rule: a.rule_name },
    );
  }
  throw new ConflictError(
    `Waiting for approval: rule '${a.rule_name}' needs an ${a.role} to approve this ${what} (${a.status}) before its status can change.`,
    { rule: a.rule_name, approval_id: a.id },
  );
}

/**
 * Whether a write changed what the rule's condition reads of the record (`record.<field>`, a
 * custom field under `record.custom_fields.<key>` too): an approval given before such a change
 * covered other values, so the rule asks again (a PO approved at $300,000 and grown to
 * $9,000,000 afterwards moved on under the old approval).
 */
export function changedForRule(
  when: unknown,
  record: RecordValues,
  existing: RecordValues | null,
): boolean {
  if (!existing) return false;
  const fields = new Set<string>();
  let whole = false;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "var") {
        const name = Array.isArray(value) ? value[0] : value;
        if (typeof name !== "string") continue;
        const path = name.split(".");
        if (path[0] !== "record") continue;
        const field = path[1] === "custom_fields" ? path[2] : path[1];
        if (field === undefined || field === "") whole = true;
        else fields.add(field);
      } else walk(value);
    }
  };
  walk(when);
  const same = (name: string) =>
    JSON.stringify(record[name] ?? null) === JSON.stringify(existing[name] ?? null);
  if (whole) {
    return [...new Set([...Object.keys(record), ...Object.keys(existing)])]
      .filter((k) => !["version", "updated_at", "updated_by"].includes(k))
      .some((k) => !same(k));
  }
  return [...fields].some((f) => !same(f));
}

/** Carries out a rule's actions on a record whose condition holds; `block` throws. */
async function applyActions(
  tx: Executor,
  ctx: RecordContext,
  def: RecordDef,
  record: RecordValues,
  existing: RecordValues | null,
  rule: RecordRule,
  outcome: RuleOutcome,
): Promise<void> {
  const id = String(record.id);
  for (const action of rule.actions) {
    switch (action.type) {
      case "block":
        throw new InvalidError(`Blocked by rule '${rule.name}': ${action.message}`, {
          _rule: [rule.name],
        }, 422);
      case "require_approval": {
        const asked = await requestApproval(tx, {
          collection: def.collection,
          recordId: id,
          rule: rule.name,
          role: action.role,
          message: action.message,
          userId: ctx.userId,
          now: writeTime(ctx),
          renew: changedForRule(rule.when, record, existing),
        });
        if (asked) {
          outcome.approvals.push({ rule: rule.name, role: action.role, message: action.message });
          ctx.ruleEffects?.pending.push({
            type: "notify",
            rule: rule.name,
            roles: [action.role],
            users: [],
            message: `Approval needed: ${action.message}`,
            link: "/approvals",
          });
        }
        break;
      }
      case "warn":
        outcome.warnings.push({ rule: rule.name, message: action.message });
        await note(tx, def, id, rule.name, "warn", action.message, ctx);
        break;
      case "set_field":
        if (await setField(tx, def, record, rule.name, action.field, action.value, ctx)) {
          outcome.fieldsSet = true;
        }
        break;
      case "notify":
        await note(tx, def, id, rule.name, "notify", action.message, ctx);
        ctx.ruleEffects?.pending.push({
          type: "notify",
          rule: rule.name,
          roles: action.roles,
          users: action.users,
          message: action.message,
          link: `/${def.collection}/${id}`,
        });
        break;
      case "start_job":
        await note(tx, def, id, rule.name, "start_job", action.kind, ctx);
        ctx.ruleEffects?.pending.push({
          type: "start_job",
          rule: rule.name,
          kind: action.kind,
          collection: def.collection,
          recordId: id,
        });
        break;
    }
  }
}

/** At most this many records of one type are visited by one scheduled run. */
const SCHEDULE_LIMIT = 5000;

/**
 * Runs the rules whose `on` lists `schedule` over the open records of their type, each record
 * in its own write transaction; `block` has nothing to refuse here and is skipped. `defFor`
 * gives the record type with the tenant's custom fields. False when there is no such rule.
 */
export async function runScheduledRules(
  ctx: RecordContext,
  config: RulesConfig,
  defFor: (def: RecordDef) => RecordDef,
): Promise<boolean> {
  const rules = config.record_rules.filter((r) => r.enabled && r.on.includes("schedule"));
  if (!rules.length) return false;
  const today = String((await ctx.db.execute(`SELECT ${BUSINESS_DAY} AS d`)).rows[0]!.d);
  for (const rule of rules) {
    const builtIn = recordType(rule.record_type);
    if (!builtIn) continue;
    const def = defFor(builtIn);
    const ids = await ctx.db.execute({
      sql: `SELECT id FROM ${def.table} WHERE archived_at IS NULL ORDER BY id LIMIT ?`,
      args: [SCHEDULE_LIMIT],
    });
    const acting = { ...rule, actions: rule.actions.filter((a) => a.type !== "block") };
    for (const row of ids.rows) {
      await inWriteTransaction(ctx.db, async (tx) => {
        const rs = await tx.execute({
          sql: `SELECT ${selectList(def)} FROM ${def.table} WHERE ${def.table}.id = ?`,
          args: [String(row.id)],
        });
        if (!rs.rows[0]) return;
        const record = toApi(def, rs.rows[0] as unknown as RecordValues);
        if (!holds(rule.when, ruleData(def, record, null, ctx, "schedule", today))) return;
        const outcome: RuleOutcome = { warnings: [], approvals: [], fieldsSet: false };
        await applyActions(tx, ctx, def, record, null, acting, outcome);
        if (outcome.fieldsSet || outcome.approvals.length) await markChanged(tx);
      });
    }
  }
  return true;
}
