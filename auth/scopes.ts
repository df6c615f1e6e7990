/**
 * @module auth/scopes
 * What a scoped API token may call. A scope is `<resource>:<verb>`: read or write per record type
 * (named by its table, `purchase_orders:read`), and for documents, reports, members (with
 * invitations), domains, option lists, the configuration (`config:`), billing, the security log,
 * the assistant, and `workspace:export` (the whole workspace's export through `/api/v1/exports`:
 * every record, file and log in one archive, so it is its own scope, owners only). `write`
 * implies `read` on the same resource.
 *
 * Two caps apply to every call, in one place (`tokenRefusal`, called by auth/middleware.ts for
 * each bearer request): the token must hold the scope the route family needs, and the creator's
 * role must grant what the scope stands for *now* (a later demotion narrows every token at once).
 * The route's own `requirePermission` still runs after this, as for any caller.
 *
 * Deny by default: a path this map does not name (pages, token and password management, sign-out,
 * the workspace's deletion) is closed to scoped tokens; full-access tokens and sessions are not affected by scopes at all.
 * Search and the assistant read across record types: search filters its hits to the types the
 * token may read; the assistant needs read on every record type (it cannot be told what to skip).
 */
import { RECORD_TYPES, recordType } from "../domain/catalog.ts";
import { ForbiddenError } from "../domain/errors.ts";
import { can, type Permission, type Role } from "./roles.ts";
import { ipAllowed } from "./ip_allow.ts";

export interface ScopeDef {
  name: string;
  label: string;
  /** What it is about, for a row of the settings page ("purchase orders"). */
  resource: string;
  group: string;
  /** The role permissions of which any one lets a role use the scope. */
  needs: readonly Permission[];
}

/** The scope of the workspace export API (`/api/v1/exports`): start, follow and download. */
export const EXPORT_SCOPE = "workspace:export";

const RECORD_WRITES: readonly Permission[] = [...new Set(RECORD_TYPES.map((d) => d.permission))];

function pair(
  resource: string,
  label: string,
  group: string,
  read: readonly Permission[],
  write?: readonly Permission[],
): ScopeDef[] {
  const scope = (verb: string, words: string, needs: readonly Permission[]) => ({
    name: `${resource}:${verb}`,
    label: `${words} ${label}`,
    resource: label,
    group,
    needs,
  });
  return write ? [scope("read", "Read", read), scope("write", "Change", write)] : [
    scope("read", "Read", read),
  ];
}

/** Every scope a token may carry, in the order the settings page groups them. */
export const SCOPES: readonly ScopeDef[] = [
  ...RECORD_TYPES.flatMap((def) =>
    pair(def.table, def.plural.toLowerCase(), "Records", ["records:read"], [def.permission])
  ),
  ...pair("documents", "documents", "Documents", ["records:read"], RECORD_WRITES),
  ...pair("reports", "reports (margin, receivables and payables aging)", "Reports", [
    "records:read",
  ]),
  ...pair("members", "members and invitations", "Team", ["records:read"], ["members:manage"]),
  ...pair("option_lists", "option lists", "Settings", ["records:read"], ["settings:manage"]),
  ...pair("domains", "custom domains", "Settings", ["settings:manage"], ["settings:manage"]),
  ...pair("config", "the configuration (branding, theme)", "Settings", ["records:read"], [
    "settings:manage",
  ]),
  ...pair("billing", "plan and usage", "Billing", ["records:read"]),
  ...pair("security", "the security log", "Settings", ["settings:manage"]),
  ...pair("webhooks", "webhook endpoints and their delivery logs", "Settings", [
    "settings:manage",
  ], ["settings:manage"]),
  ...pair("alerts", "business alert rules", "Settings", ["settings:manage"], [
    "settings:manage",
  ]),
  ...pair("approvals", "approvals (deciding needs the rule's role)", "Records", ["records:read"], [
    "records:write",
  ]),
  ...pair("activity", "follow-ups", "Records", ["records:read"], ["records:write"]),
  ...pair("notifications", "your notifications and their settings", "Notifications", [
    "records:read",
  ], ["records:read"]),
  ...pair("events", "the live stream of changes (ids, never values)", "Records", ["records:read"]),
  {
    name: "assistant:use",
    label: "Ask the assistant (also needs read on every record type)",
    resource: "the assistant",
    group: "Assistant",
    needs: ["records:read"],
  },
  {
    name: EXPORT_SCOPE,
    label: "Export the whole workspace (every record, file and log; owners only)",
    resource: "the workspace export",
    group: "Your data",
    needs: ["workspace:data"],
  },
];

const BY_NAME = new Map(SCOPES.map((s) => [s.name, s]));

/** Every scope's name, for schemas that list them (the API reference shows the list). */
export const SCOPE_NAMES = SCOPES.map((s) => s.name) as [string, ...string[]];

/** True when `name` is a scope a token may carry. */
export function isScope(name: string): boolean {
  return BY_NAME.has(name);
}

/** The read scope of every record type: "read everything" in settings, and the assistant's bar. */
export const RECORD_READ_SCOPES: readonly string[] = RECORD_TYPES.map((d) => `${d.table}:read`);

/** Every read scope (the "read everything" shortcut). */
export const ALL_READ_SCOPES: readonly string[] = SCOPES.filter((s) => s.name.endsWith(":read"))
  .map((s) => s.name);

/** True when the role grants what `scope` stands for; unknown scopes grant nothing. */
export function roleGrants(role: Role | null, scope: string): boolean {
  const def = BY_NAME.get(scope);
  return role !== null && def !== undefined && def.needs.some((p) => can(role, p));
}

/** True when the token's scopes include `scope` (a `write` also gives the `read`). */
export function hasScope(scopes: readonly string[], scope: string): boolean {
  if (scopes.includes(scope)) return true;
  return scope.endsWith(":read") && scopes.includes(scope.replace(/:read$/, ":write"));
}

/** The record collections a token may read, or null for a full-access caller. */
export function readableCollections(
  scopes: readonly string[] | null | undefined,
  role: Role | null,
): string[] | null {
  if (!scopes) return null;
  return RECORD_TYPES.filter((d) => {
    const scope = `${d.table}:read`;
    return hasScope(scopes, scope) && roleGrants(role, scope);
  }).map((d) => d.collection);
}

/** What a call needs: scopes (all of them), `open` to any token, or `closed` to scoped ones. */
export type Need = { scopes: string[] } | "open" | "closed";

const FAMILIES: Record<string, string> = {
  documents: "documents",
  reports: "reports",
  members: "members",
  invitations: "members",
  "option-lists": "option_lists",
  domains: "domains",
  config: "config",
  billing: "billing",
  security: "security",
  "webhook-endpoints": "webhooks",
  "alert-rules": "alerts",
  // Exchange rates are part of invoicing: whoever may issue invoices keeps the rates they freeze.
  "exchange-rates": "invoices",
  approvals: "approvals",
  "custom-fields": "config",
  "follow-ups": "activity",
  notifications: "notifications",
  events: "events",
};

/**
 * The flows between records (issue 17) that write another type than their path names: creating a
 * sales order from a PO needs `sales_orders:write`, not just the PO's scope.
 */
const FLOWS: ReadonlyArray<[RegExp, string[]]> = [
  [/^\/purchase-orders\/[^/]+\/sales-order$/, ["purchase_orders:read", "sales_orders:write"]],
  [/^\/(purchase|sales)-orders\/[^/]+\/load$/, [
    "purchase_orders:read",
    "sales_orders:read",
    "loads:write",
  ]],
  [/^\/loads\/[^/]+\/invoice$/, ["loads:read", "sales_orders:read", "invoices:write"]],
  [/^\/loads\/[^/]+\/invoice-draft$/, ["loads:read", "sales_orders:read"]],
  [/^\/customers\/[^/]+\/open-invoices$/, ["customers:read", "invoices:read"]],
  // Matching a remittance is the first half of recording the payment.
  [/^\/customers\/[^/]+\/remittance-match$/, ["invoices:read", "payments:write"]],
  [/^\/customers\/[^/]+\/payments$/, ["invoices:read", "payments:write"]],
  [/^\/customers\/[^/]+\/statement$/, ["customers:read", "invoices:write"]],
];

/** The scopes an API call needs, by its route family and method. */
export function scopesNeeded(method: string, path: string): Need {
  if (path === "/api/v1/me" || path === "/api/openapi.json") return "open";
  const m = /^\/api\/v1\/([a-z-]+)(\/.*)?$/.exec(path);
  if (!m) return "closed";
  const [, family = "", rest = ""] = m;
  const verb = method === "GET" || method === "HEAD" ? "read" : "write";
  const flow = FLOWS.find(([pattern]) => pattern.test(`/${family}${rest}`));
  if (flow) return { scopes: flow[1] };
  const def = recordType(family);
  if (def) return { scopes: [`${def.table}:${verb}`] };
  // The pickers' lookup reads the type it names; the carrier picker reads carriers and loads.
  if (family === "lookup") {
    const target = recordType(rest.slice(1));
    return { scopes: target ? [`${target.table}:read`] : [...RECORD_READ_SCOPES] };
  }
  if (family === "flows") return { scopes: ["carriers:read", "loads:read"] };
  if (family === "search") return "open"; // its hits are filtered to readable types
  if (family === "assistant") return { scopes: ["assistant:use", ...RECORD_READ_SCOPES] };
  if (family === "invitations" && /^\/(lookup|accept)$/.test(rest)) return "closed";
  // Seeing and revoking every member's tokens is credential management, like a member's own
  // tokens (/auth/tokens): a leaked scoped token must not end the workspace's other integrations
  // or list them, so no scope (members:write included) reaches it; a full-access token does.
  if (family === "workspace-tokens") return "closed";
  // Starting, following and downloading an export alike: the archive holds everything.
  if (family === "exports") return { scopes: [EXPORT_SCOPE] };
  if (family === "documents" && /^\/[^/]+\/(accept|attach)$/.test(rest)) {
    // Accepting creates, and attaching changes, records of whatever type the paper is.
    return { scopes: ["documents:write", ...RECORD_TYPES.map((d) => `${d.table}:write`)] };
  }
  const resource = FAMILIES[family];
  if (!resource) return "closed";
  const scope = `${resource}:${verb}`;
  return isScope(scope) ? { scopes: [scope] } : "closed";
}

/** What the middleware knows of a token when it is used. */
export interface TokenGrant {
  /** Null for a full-access token. */
  scopes: readonly string[] | null;
  /** Empty: any address. */
  allowedIps: readonly string[];
}

/** Why a token may not make this call (IP, scope, role), or null when it may. */
export function tokenRefusal(
  token: TokenGrant,
  role: Role | null,
  call: { method: string; path: string; ip: string },
): ForbiddenError | null {
  if (token.allowedIps.length > 0 && !ipAllowed(call.ip, token.allowedIps)) {
    return new ForbiddenError(
      `This API token may not be used from ${call.ip}: the address is not on its allow-list. ` +
        "Add it to a new token in Settings → API tokens, or call from an allowed address.",
      { reason: "ip_not_allowed", ip: call.ip },
    );
  }
  if (!token.scopes) return null;
  const need = scopesNeeded(call.method, call.path);
  if (need === "open") return null;
  if (need === "closed") {
    return new ForbiddenError(
      "A scoped API token cannot make this call. Use a full-access token, or sign in.",
      { reason: "scoped_token" },
    );
  }
  const missing = need.scopes.filter((s) => !hasScope(token.scopes!, s));
  if (missing.length > 0) {
    return new ForbiddenError(
      `This API token lacks the scope ${missing.join(", ")}. Create a token that has it.`,
      { reason: "missing_scope", missing_scopes: missing },
    );
  }
  const beyondRole = need.scopes.filter((s) => !roleGrants(role, s));
  if (beyondRole.length > 0) {
    return new ForbiddenError(
      `Your role (${role ?? "none"}) does not grant ${beyondRole.join(", ")}, so this token ` +
        "cannot use it. An owner or admin can change your role.",
      { reason: "role", scopes: beyondRole },
    );
  }
  return null;
}

/** One row of the settings page's scope picker: a resource with its read and change scopes. */
export interface ScopeRow {
  resource: string;
  read?: { name: string; label: string; allowed: boolean };
  write?: { name: string; label: string; allowed: boolean };
}

/** The scopes grouped for the settings page, each marked with whether `role` grants it. */
export function scopeGroups(role: Role | null): Array<{ group: string; rows: ScopeRow[] }> {
  const groups: Array<{ group: string; rows: ScopeRow[] }> = [];
  for (const def of SCOPES) {
    let group = groups.find((g) => g.group === def.group);
    if (!group) groups.push(group = { group: def.group, rows: [] });
    let row = group.rows.find((r) => r.resource === def.resource);
    if (!row) group.rows.push(row = { resource: def.resource });
    const choice = { name: def.name, label: def.label, allowed: roleGrants(role, def.name) };
    if (def.name.endsWith(":write")) row.write = choice;
    else row.read = choice;
  }
  return groups;
}
