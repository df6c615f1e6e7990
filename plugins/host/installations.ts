/**
 * @module plugins/host/installations
 * A workspace's plugins: install (after the permissions and domains were shown and approved),
 * configure, enable, disable, upgrade and uninstall. Each change is one row write in the tenant
 * database and one entry in the workspace's security log (the caller's `audit`). A plugin whose
 * `apiVersion` range this app does not satisfy is refused with the reason, at install, upgrade
 * and enable. The `plugins` entitlement is checked by the caller before any of these.
 */
import type { Client } from "../../db/client.ts";
import type { Executor } from "../../db/transaction.ts";
import { ConflictError, InvalidError, NotFoundError } from "../../domain/errors.ts";
import { issuesByField } from "../../domain/records/schema.ts";
import { incompatibility, type PluginManifest, settingsSchema } from "../api/manifest.ts";
import { compareVersions } from "../api/version.ts";
import type { PluginBundle } from "./bundle.ts";

/** A plugin installed in a workspace. */
export interface Installation {
  name: string;
  source: PluginBundle["source"];
  version: string;
  manifest: PluginManifest;
  code: string;
  views: Record<string, string>;
  permissions: string[];
  domains: string[];
  settings: Record<string, unknown>;
  enabled: boolean;
  installedAt: string;
  installedBy: string | null;
  updatedAt: string;
}

/** What a lifecycle change needs: the tenant database, who acts, when, and the audit line. */
export interface LifecycleDeps {
  db: Client;
  userId: string | null;
  now: Date;
  audit: (
    event: { action: string; target: string; details: Record<string, unknown> },
  ) => Promise<void>;
  /** Told after every change (the hook cache of this process forgets the tenant). */
  changed?: () => void;
  /** Told the plugin as it now is (null once uninstalled): its scheduled tasks follow it. */
  afterChange?: (name: string, installation: Installation | null) => Promise<void>;
}

/** What the person approved on the install page. */
export interface Approval {
  permissions: string[];
  domains: string[];
}

function fromRow(row: Record<string, unknown>): Installation {
  return {
    name: String(row.name),
    source: row.source === "private" ? "private" : "catalog",
    version: String(row.version),
    manifest: JSON.parse(String(row.manifest)),
    code: String(row.code),
    views: JSON.parse(String(row.views)),
    permissions: JSON.parse(String(row.approved_permissions)),
    domains: JSON.parse(String(row.approved_domains)),
    settings: JSON.parse(String(row.settings)),
    enabled: Number(row.enabled) === 1,
    installedAt: String(row.installed_at),
    installedBy: row.installed_by ? String(row.installed_by) : null,
    updatedAt: String(row.updated_at),
  };
}

/** Every plugin installed in the workspace, by name. */
export async function listInstalled(db: Executor): Promise<Installation[]> {
  const rs = await db.execute("SELECT * FROM plugin_installations ORDER BY name");
  return rs.rows.map((r) => fromRow(r as unknown as Record<string, unknown>));
}

/** One installed plugin, or null. */
export async function findInstalled(db: Executor, name: string): Promise<Installation | null> {
  const rs = await db.execute({
    sql: "SELECT * FROM plugin_installations WHERE name = ?",
    args: [name],
  });
  return rs.rows[0] ? fromRow(rs.rows[0] as unknown as Record<string, unknown>) : null;
}

async function requireInstalled(db: Executor, name: string): Promise<Installation> {
  const found = await findInstalled(db, name);
  if (!found) throw new NotFoundError("That plugin is not installed.");
  return found;
}

function refuseIncompatible(manifest: PluginManifest): void {
  const reason = incompatibility(manifest);
  if (reason) throw new ConflictError(reason, { reason: "incompatible_api_version" });
}

function requireApproval(manifest: PluginManifest, approval: Approval): void {
  const missing = [
    ...manifest.permissions.filter((p) => !approval.permissions.includes(p)),
    ...manifest.allowedDomains.filter((d) => !approval.domains.includes(d)),
  ];
  if (missing.length) {
    throw new InvalidError(
      "Approve every permission and domain the plugin asks for, or do not install it.",
      { approval: missing.map((m) => `Not approved: ${m}`) },
      422,
    );
  }
}

/** Installs `bundle` with its default settings, enabled. */
export async function installPlugin(
  deps: LifecycleDeps,
  bundle: PluginBundle,
  approval: Approval,
): Promise<Installation> {
  const { manifest } = bundle;
  refuseIncompatible(manifest);
  requireApproval(manifest, approval);
  if (await findInstalled(deps.db, manifest.name)) {
    throw new ConflictError(`${manifest.title} is already installed.`);
  }
  const now = deps.now.toISOString();
  const settings = settingsSchema(manifest.settings).parse({});
  await deps.db.execute({
    sql: `INSERT INTO plugin_installations (name, source, version, manifest, code, views,
      approved_permissions, approved_domains, settings, enabled, installed_at, installed_by,
      updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
    args: [
      manifest.name,
      bundle.source,
      manifest.version,
      JSON.stringify(manifest),
      bundle.code,
      JSON.stringify(bundle.views),
      JSON.stringify(manifest.permissions),
      JSON.stringify(manifest.allowedDomains),
      JSON.stringify(settings),
      now,
      deps.userId,
      now,
    ],
  });
  deps.changed?.();
  await deps.audit({
    action: "plugin.installed",
    target: manifest.name,
    details: {
      version: manifest.version,
      source: bundle.source,
      permissions: manifest.permissions,
      domains: manifest.allowedDomains,
    },
  });
  return await settled(deps, manifest.name);
}

/** The installation after a change, told to `afterChange`. */
async function settled(deps: LifecycleDeps, name: string): Promise<Installation> {
  const installation = (await findInstalled(deps.db, name))!;
  await deps.afterChange?.(name, installation);
  return installation;
}

/** Saves settings checked against the plugin's settings schema. */
export async function configurePlugin(
  deps: LifecycleDeps,
  name: string,
  input: Record<string, unknown>,
): Promise<Installation> {
  const installed = await requireInstalled(deps.db, name);
  const secrets = installed.manifest.settings.filter((s) => s.type === "string" && s.secret)
    .map((s) => s.key);
  // A secret is never shown back, so an empty or missing value keeps the one saved.
  const values = { ...input };
  for (const key of secrets) {
    if ((values[key] === undefined || values[key] === "") && key in installed.settings) {
      values[key] = installed.settings[key];
    }
  }
  const parsed = settingsSchema(installed.manifest.settings).safeParse(values);
  if (!parsed.success) {
    throw new InvalidError("Some settings need attention.", issuesByField(parsed.error), 422);
  }
  await deps.db.execute({
    sql: "UPDATE plugin_installations SET settings = ?, updated_at = ? WHERE name = ?",
    args: [JSON.stringify(parsed.data), deps.now.toISOString(), name],
  });
  deps.changed?.();
  // The security log says whether a secret is set, never what it is.
  const logged: Record<string, unknown> = { ...parsed.data };
  for (const key of secrets) logged[key] = logged[key] ? "(set)" : "(not set)";
  await deps.audit({
    action: "plugin.configured",
    target: name,
    details: { settings: logged },
  });
  return await settled(deps, name);
}

/** Turns a plugin on or off without losing its settings. */
export async function setPluginEnabled(
  deps: LifecycleDeps,
  name: string,
  enabled: boolean,
): Promise<Installation> {
  const installed = await requireInstalled(deps.db, name);
  if (enabled) refuseIncompatible(installed.manifest);
  await deps.db.execute({
    sql: "UPDATE plugin_installations SET enabled = ?, updated_at = ? WHERE name = ?",
    args: [enabled ? 1 : 0, deps.now.toISOString(), name],
  });
  deps.changed?.();
  await deps.audit({
    action: enabled ? "plugin.enabled" : "plugin.disabled",
    target: name,
    details: { version: installed.version },
  });
  return await settled(deps, name);
}

/** Replaces the code with a newer version; new permissions or domains need approval again. */
export async function upgradePlugin(
  deps: LifecycleDeps,
  bundle: PluginBundle,
  approval: Approval,
): Promise<Installation> {
  const { manifest } = bundle;
  const installed = await requireInstalled(deps.db, manifest.name);
  if (compareVersions(manifest.version, installed.version) <= 0) {
    throw new ConflictError(
      `${manifest.title} ${installed.version} is installed; ${manifest.version} is not newer.`,
    );
  }
  refuseIncompatible(manifest);
  requireApproval(manifest, approval);
  const settings = settingsSchema(manifest.settings).safeParse(installed.settings);
  await deps.db.execute({
    sql: `UPDATE plugin_installations SET source = ?, version = ?, manifest = ?, code = ?,
      views = ?, approved_permissions = ?, approved_domains = ?, settings = ?, updated_at = ?
      WHERE name = ?`,
    args: [
      bundle.source,
      manifest.version,
      JSON.stringify(manifest),
      bundle.code,
      JSON.stringify(bundle.views),
      JSON.stringify(manifest.permissions),
      JSON.stringify(manifest.allowedDomains),
      JSON.stringify(
        settings.success ? settings.data : settingsSchema(manifest.settings).parse({}),
      ),
      deps.now.toISOString(),
      manifest.name,
    ],
  });
  deps.changed?.();
  await deps.audit({
    action: "plugin.upgraded",
    target: manifest.name,
    details: {
      from: installed.version,
      to: manifest.version,
      permissions: manifest.permissions,
      domains: manifest.allowedDomains,
    },
  });
  return await settled(deps, manifest.name);
}

/** Removes the plugin and its settings. */
export async function uninstallPlugin(deps: LifecycleDeps, name: string): Promise<void> {
  const installed = await requireInstalled(deps.db, name);
  await deps.db.execute({ sql: "DELETE FROM plugin_installations WHERE name = ?", args: [name] });
  deps.changed?.();
  await deps.afterChange?.(name, null);
  await deps.audit({
    action: "plugin.uninstalled",
    target: name,
    details: { version: installed.version },
  });
}
