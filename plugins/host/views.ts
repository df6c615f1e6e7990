/**
 * @module plugins/host/views
 * A plugin's own page. It is served as its own document, framed by the app's page in an iframe
 * with `sandbox="allow-scripts"` and a CSP whose `sandbox` directive applies even when the frame
 * is opened on its own: the document gets a unique opaque origin, so it can read neither the
 * app's cookies nor its DOM or storage, cannot navigate the top window, submit forms, open
 * popups, or fetch anything (`connect-src` is not allowed). WebRTC and link hints, which CSP does
 * not cover, are taken away by a script that runs before the plugin's own (view_lockdown.ts);
 * navigating its own frame cannot be prevented (docs/plugins/api.md). It talks to the host only
 * through `postMessage`; the app's page forwards each message to the bridge below, which answers
 * with the same permission checks as the sandbox's host (reads only, in the installing workspace,
 * and never more than the member viewing it may read).
 */
import type { Executor } from "../../db/transaction.ts";
import { hostFunctions, type PluginActor } from "./host_api.ts";
import type { Installation } from "./installations.ts";
import { TRUSTED_TYPES_POLICIES } from "./view_lockdown.ts";

/**
 * The view document's policy: inline script and style of its own, nothing else; no child frame
 * or worker; HTML strings only through the lockdown's Trusted Types policies (view_lockdown.ts).
 */
export const VIEW_CSP = [
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src data:",
  "frame-src 'none'",
  "child-src 'none'",
  "worker-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "require-trusted-types-for 'script'",
  `trusted-types ${TRUSTED_TYPES_POLICIES.join(" ")}`,
  "sandbox allow-scripts",
].join("; ");

/** What a view may ask through the bridge in API 1.0. */
export const BRIDGE_CALLS = ["records.get", "records.list"] as const;

/** Answers one bridge message: `{ ok: true, value }` or `{ ok: false, error }`. */
export async function bridgeCall(
  plugin: Installation,
  db: Executor,
  call: unknown,
  args: unknown,
  actor?: PluginActor,
): Promise<{ ok: true; value: unknown } | { ok: false; error: string }> {
  if (!(BRIDGE_CALLS as readonly unknown[]).includes(call)) {
    return { ok: false, error: `A view may call ${BRIDGE_CALLS.join(" and ")} only.` };
  }
  if (!Array.isArray(args) || args.length > 2) return { ok: false, error: "Bad arguments." };
  const host = hostFunctions({
    read: db,
    write: null,
    permissions: plugin.permissions,
    domains: [],
    actor,
  });
  try {
    return { ok: true, value: await host[call as string]!(args) };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
