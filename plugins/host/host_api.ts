/**
 * @module plugins/host/host_api
 * The functions behind `host.*` inside a plugin, for one installed plugin in one tenant. Every
 * record call names a record type and is checked against the permissions the workspace approved
 * (`read:<type>`, `write:<type>`, write implying read); records are read and written through the
 * same repository as the app's own pages, on the database of the tenant context the call runs in,
 * so an id of another workspace is simply not found. Writes are refused where the call runs
 * inside another write (a `beforeSave` hook gets a read-only host).
 *
 * A call made for a member (an action, a view's bridge) also carries that
 * member as its `actor`: the host then refuses what the member's role (and, for a scoped token,
 * its scopes) may not do, exactly as the record API would (`records:read` to read, the record
 * type's own permission, `records:write` or `money:write`, to write). A plugin never lets a
 * member do more than they could do themselves.
 */
import type { Executor } from "../../db/transaction.ts";
import { recordType } from "../../domain/catalog.ts";
import { AppError, ForbiddenError } from "../../domain/errors.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import type { RecordContext } from "../../domain/records/context.ts";
import {
  createRecord,
  getRecord,
  listRecords,
  updateRecord,
} from "../../domain/records/repository.ts";
import { createSchema, issuesByField, updateSchema } from "../../domain/records/schema.ts";
import { listQuerySchema, toListQuery } from "../../domain/records/query.ts";
import { permits } from "../api/manifest.ts";
import { can, type Role } from "../../auth/roles.ts";
import { hasScope, roleGrants } from "../../auth/scopes.ts";
import type { HostFunction } from "./sandbox.ts";
import { NETWORK, safeFetch, type SafeFetchDeps } from "./safe_fetch.ts";

/** The member a call runs for: their role, and a scoped token's scopes (null: not narrowed). */
export interface PluginActor {
  role: Role | null;
  scopes?: readonly string[] | null;
  /**
   * The refusals of this call, kept even when the plugin catches the error, so the route can
   * answer 403 instead of the plugin's own message (plugins/host/actions.ts).
   */
  refused?: string[];
}

/** Where and with what rights a plugin call runs. */
export interface PluginScope {
  /** The tenant database to read from: the request's client, or the open write transaction. */
  read: Executor;
  /** The record context writes go through; null makes the host read-only. */
  write: RecordContext | null;
  permissions: readonly string[];
  domains: readonly string[];
  network?: SafeFetchDeps;
  log?: (line: string) => void;
  /**
   * The member the call runs for; absent for the system's own calls (afterSave reactions,
   * scheduled tasks, beforeSave checks of a write the member was already allowed to make).
   */
  actor?: PluginActor;
}

function typeFor(collection: unknown, verb: "read" | "write", scope: PluginScope): RecordDef {
  const name = String(collection);
  const def = recordType(name);
  if (!def) throw new Error(`There is no record type ${name}.`);
  if (!permits(scope.permissions, verb, def.collection)) {
    throw new Error(
      `This plugin may not ${verb} ${def.collection}: its manifest lacks ${verb}:${def.collection}.`,
    );
  }
  if (scope.actor) {
    const permission = verb === "read" ? "records:read" : def.permission;
    const token = `${def.table}:${verb}`;
    const { role, scopes } = scope.actor;
    if (
      !role || !can(role, permission) ||
      (scopes && !(hasScope(scopes, token) && roleGrants(role, token)))
    ) {
      const message = `You may not ${verb === "read" ? "see" : "change"} ` +
        `${def.plural.toLowerCase()}, so a plugin may not do it for you.`;
      scope.actor.refused?.push(message);
      throw new ForbiddenError(message);
    }
  }
  return def;
}

function messageOf(err: unknown): never {
  if (err instanceof AppError) {
    const details = err.details && typeof err.details === "object"
      ? ` ${JSON.stringify(err.details)}`
      : "";
    throw new Error(`${err.message}${details}`);
  }
  throw err;
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${what} must be an object.`);
  }
  return value as Record<string, unknown>;
}

/** The host functions of one call. */
export function hostFunctions(scope: PluginScope): Record<string, HostFunction> {
  return {
    "records.get": async ([collection, id]) => {
      const def = typeFor(collection, "read", scope);
      return await getRecord(scope.read, def, String(id)).catch(messageOf);
    },
    "records.list": async ([collection, query]) => {
      const def = typeFor(collection, "read", scope);
      const params = Object.fromEntries(
        Object.entries(object(query, "The query")).map(([k, v]) => [k, String(v)]),
      );
      const parsed = listQuerySchema(def).safeParse(params);
      if (!parsed.success) {
        throw new Error(`The query has problems: ${JSON.stringify(issuesByField(parsed.error))}`);
      }
      const list = toListQuery(parsed.data as Record<string, unknown>);
      return await listRecords(scope.read, def, list).catch(messageOf);
    },
    "records.create": async ([collection, values]) => {
      const def = typeFor(collection, "write", scope);
      if (!scope.write) throw new Error("Records cannot be written from a beforeSave hook.");
      const parsed = createSchema(def).safeParse(object(values, "The values"));
      if (!parsed.success) {
        throw new Error(
          `Some fields need attention: ${JSON.stringify(issuesByField(parsed.error))}`,
        );
      }
      return await createRecord(scope.write, def, parsed.data).catch(messageOf);
    },
    "records.update": async ([collection, id, values]) => {
      const def = typeFor(collection, "write", scope);
      if (!scope.write) throw new Error("Records cannot be written from a beforeSave hook.");
      const parsed = updateSchema(def).safeParse(object(values, "The values"));
      if (!parsed.success) {
        throw new Error(
          `Some fields need attention: ${JSON.stringify(issuesByField(parsed.error))}`,
        );
      }
      return await updateRecord(scope.write, def, String(id), parsed.data).catch(messageOf);
    },
    fetch: ([url, init]) => safeFetch(url, init, scope.domains, scope.network ?? NETWORK),
    log: (parts) => {
      scope.log?.(parts.map(String).join(" ").slice(0, 2000));
      return Promise.resolve(null);
    },
  };
}
