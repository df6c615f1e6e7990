/**
 * @module domain/records/context
 * Who writes, and to which tenant database: what every record write and rule is handed. Kept
 * apart from the repository so the rules it calls can name it without importing it back.
 */
import type { Client } from "../../db/client.ts";
import type { Role } from "../../auth/roles.ts";
import type { Executor } from "../../db/transaction.ts";
import type { RecordValues } from "./rows.ts";
import { type Clock, systemClock } from "../clock.ts";

/** A record write as extensions see it (plugins' hooks). */
export interface WriteEvent {
  collection: string;
  action: "create" | "update";
  /** The values to store (the whole record on update), lines when the write carries them. */
  values: RecordValues;
  lines: RecordValues[] | undefined;
  existing: RecordValues | null;
}

/**
 * Hooks the repository calls around a write, from outside the domain (the tenant's plugins).
 * `beforeSave` runs inside the write transaction, after the built-in rules, and throws to refuse
 * the write; `afterSave` runs after the commit, and never throws (the write has happened).
 */
export interface WriteHooks {
  beforeSave(tx: Executor, event: WriteEvent): Promise<void>;
  afterSave(event: WriteEvent & { record: RecordValues }): Promise<void>;
}

/** The tenant database of the request or job, and the person (or null for the system) acting. */
export interface RecordContext {
  db: Client;
  userId: string | null;
  userName?: string;
  role: Role | null;
  /** The tenant's extension hooks (plugins); none for system writes that skip them. */
  hooks?: WriteHooks;
  /** Where the write comes from: "document" runs the rules of the `document_accepted` event. */
  source?: "document";
  /** Rule effects that need more than the tenant database (notices, jobs), sent after commit. */
  ruleEffects?: RuleEffectSink;
  /**
   * The app's clock (`Services.clock`), which stamps created_at, updated_at and history, so a
   * record written "today" under a moved clock (TEST_TODAY, a test's FixedClock) carries that day.
   * The machine's clock when absent.
   */
  clock?: Clock;
}

/** The instant a write happens by the context's clock, as stored (ISO 8601, UTC). */
export function writeTime(ctx: { clock?: Clock }): string {
  return (ctx.clock ?? systemClock).now().toISOString();
}

/** What a tenant rule asks to happen outside the write's transaction (domain/rules/engine.ts). */
export type RuleEffect =
  | {
    type: "notify";
    rule: string;
    roles: string[];
    users: string[];
    message: string;
    link: string;
  }
  | { type: "start_job"; rule: string; kind: string; collection: string; recordId: string };

/** Collects a write's rule effects; the repository hands them to `deliver` once committed. */
export interface RuleEffectSink {
  pending: RuleEffect[];
  deliver(effects: RuleEffect[]): Promise<void>;
}
