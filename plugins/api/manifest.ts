/**
 * @module plugins/api/manifest
 * A plugin's manifest: who it is, which extension API versions it runs on, what it may touch
 * (permissions per record type, outbound domains), its settings as a declarative list the app
 * renders as a form, and its entry points (hooks, actions, cards, readers, scheduled tasks,
 * views). One zod schema is the contract; docs/plugins/api.md describes every field.
 */
import { z } from "zod";
import { RECORD_TYPES } from "../../domain/catalog.ts";
import { isValidRange, LAST_API_1X, PLUGIN_API_VERSION, satisfies } from "./version.ts";

const COLLECTIONS = RECORD_TYPES.map((t) => t.collection);
const name = z.string().regex(/^[a-z][a-z0-9-]{1,39}$/, "Lowercase letters, digits and dashes.");
const handler = z.string().regex(/^[A-Za-z_$][\w$]{0,63}$/, "The name of an exported function.");
const collection = z.enum(COLLECTIONS as [string, ...string[]]);

/** `read:<collection>` or `write:<collection>` (write implies read). */
export const permissionSchema = z.string().refine((p) => {
  const [verb, target] = p.split(":");
  return (verb === "read" || verb === "write") && COLLECTIONS.includes(target ?? "");
}, { message: "A permission is read:<record type> or write:<record type>." });

const domain = z.string().toLowerCase().regex(
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
  "A domain name such as api.example.com (no scheme, no IP address).",
);

/** One setting; the app renders these as the plugin's settings form. */
export const settingSchema = z.discriminatedUnion("type", [
  z.object({
    key: handler,
    label: z.string().min(1).max(80),
    help: z.string().max(300).optional(),
    type: z.literal("number"),
    default: z.number(),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
  z.object({
    key: handler,
    label: z.string().min(1).max(80),
    help: z.string().max(300).optional(),
    type: z.literal("string"),
    default: z.string().max(500),
    maxLength: z.number().int().positive().max(2000).optional(),
    /**
     * A credential (API 2.1): never shown again once saved, only whether it is set; left out of
     * workspace exports and of the security log. Its default must be empty.
     */
    secret: z.boolean().optional(),
  }).refine((s) => !s.secret || s.default === "", {
    message: "A secret setting's default must be empty.",
    path: ["default"],
  }),
  z.object({
    key: handler,
    label: z.string().min(1).max(80),
    help: z.string().max(300).optional(),
    type: z.literal("boolean"),
    default: z.boolean(),
  }),
  z.object({
    key: handler,
    label: z.string().min(1).max(80),
    help: z.string().max(300).optional(),
    type: z.literal("select"),
    default: z.string(),
    options: z.array(z.object({ value: z.string(), label: z.string() })).min(1).max(50),
  }),
]);
export type SettingDef = z.infer<typeof settingSchema>;

/**
 * Record events (`beforeSave`, `afterSave`) and business facts: `invoiceOverdue` (API 1.1, on
 * `invoices`) is told once per invoice and due date by the daily job (plugins/host/overdue.ts).
 */
export const hookSchema = z.object({
  event: z.enum(["beforeSave", "afterSave", "invoiceOverdue"]),
  collection,
  handler,
});
export const actionSchema = z.object({
  id: name,
  label: z.string().min(1).max(60),
  collection,
  handler,
});
export const cardSchema = z.object({ id: name, title: z.string().min(1).max(80), handler });
export const readerSchema = z.object({ id: name, label: z.string().min(1).max(80), handler });
export const taskSchema = z.object({
  id: name,
  every: z.enum(["hour", "day"]),
  handler,
});
export const viewSchema = z.object({
  id: name,
  title: z.string().min(1).max(80),
  /** The file of the plugin's bundle holding the view's HTML. */
  file: z.string().regex(/^[\w-]+\.html$/),
});

export const manifestSchema = z.object({
  name,
  title: z.string().min(1).max(80),
  version: z.string().regex(/^\d+\.\d+\.\d+$/, "A version such as 1.2.0."),
  description: z.string().max(500).default(""),
  apiVersion: z.string().refine(isValidRange, "A semver range such as ^1.0.0."),
  permissions: z.array(permissionSchema).max(40).default([]),
  allowedDomains: z.array(domain).max(10).default([]),
  settings: z.array(settingSchema).max(30).default([]),
  entryPoints: z.object({
    hooks: z.array(hookSchema).max(20).default([]),
    actions: z.array(actionSchema).max(20).default([]),
    cards: z.array(cardSchema).max(10).default([]),
    readers: z.array(readerSchema).max(10).default([]),
    tasks: z.array(taskSchema).max(10).default([]),
    views: z.array(viewSchema).max(5).default([]),
  }).strict().default({ hooks: [], actions: [], cards: [], readers: [], tasks: [], views: [] }),
}).strict().superRefine((m, ctx) => {
  // A hook is told every write of its record type: that is reading them.
  for (const [i, hook] of m.entryPoints.hooks.entries()) {
    if (!permits(m.permissions, "read", hook.collection)) {
      ctx.addIssue({
        code: "custom",
        path: ["entryPoints", "hooks", i, "collection"],
        message: `A hook on ${hook.collection} needs the permission read:${hook.collection}.`,
      });
    }
    if (hook.event === "invoiceOverdue" && hook.collection !== "invoices") {
      ctx.addIssue({
        code: "custom",
        path: ["entryPoints", "hooks", i, "collection"],
        message: "An invoiceOverdue hook is on the collection invoices.",
      });
    }
  }
});

export type PluginManifest = z.infer<typeof manifestSchema>;

/** Parses a manifest; throws zod's error with every problem. */
export function parseManifest(input: unknown): PluginManifest {
  return manifestSchema.parse(input);
}

/**
 * Why this API version cannot run the plugin, or null when it can. A plugin written for 1.x (its
 * range admits 1.2.0) still runs on 2.x unless it has an `afterSave` hook, the one thing 2.0
 * changed: refusing every 1.x plugin would strand those that rely on nothing of it.
 */
export function incompatibility(
  manifest: Pick<PluginManifest, "apiVersion" | "title" | "entryPoints">,
  apiVersion = PLUGIN_API_VERSION,
): string | null {
  if (satisfies(apiVersion, manifest.apiVersion)) return null;
  const base =
    `${manifest.title} needs extension API ${manifest.apiVersion}; this app offers ${apiVersion}`;
  if (!apiVersion.startsWith("2.") || !satisfies(LAST_API_1X, manifest.apiVersion)) {
    return `${base}.`;
  }
  if (!manifest.entryPoints.hooks.some((h) => h.event === "afterSave")) return null;
  return `${base}, where afterSave runs after the response and may be told an event twice: ` +
    "declare ^2.0.0 once its afterSave hook is idempotent.";
}

/** Whether `granted` (the approved permissions) allow `verb` on `target`. */
export function permits(granted: readonly string[], verb: "read" | "write", target: string) {
  return granted.includes(`write:${target}`) ||
    (verb === "read" && granted.includes(`read:${target}`));
}

/** The zod schema of a plugin's settings, built from its declarative list. */
export function settingsSchema(settings: readonly SettingDef[]): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const s of settings) {
    if (s.type === "number") {
      let n = z.coerce.number({ error: `${s.label} must be a number.` });
      if (s.min !== undefined) n = n.min(s.min, `${s.label} must be at least ${s.min}.`);
      if (s.max !== undefined) n = n.max(s.max, `${s.label} must be at most ${s.max}.`);
      shape[s.key] = n.default(s.default);
    } else if (s.type === "string") {
      shape[s.key] = z.string().max(s.maxLength ?? 500).default(s.default);
    } else if (s.type === "boolean") {
      shape[s.key] = z.preprocess((v) => v === true || v === "on" || v === "true", z.boolean())
        .default(s.default);
    } else {
      shape[s.key] = z.enum(s.options.map((o) => o.value) as [string, ...string[]]).default(
        s.default,
      );
    }
  }
  return z.object(shape).strip();
}

/** A human sentence for each permission, shown for approval before install. */
export function describePermission(permission: string): string {
  const [verb, target] = permission.split(":");
  const def = RECORD_TYPES.find((t) => t.collection === target);
  const label = def?.plural.toLowerCase() ?? target;
  return verb === "write" ? `Read, create and change ${label}` : `Read ${label}`;
}
