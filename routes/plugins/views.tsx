/**
 * @module routes/plugins/views
 * A plugin's page: the app's page frames the plugin's view document (sandboxed, its own CSP; see
 * plugins/host/views.ts) and forwards its `postMessage` calls to the bridge, which answers with the
 * plugin's approved read permissions in this workspace.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readJson } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { pageNonce, PLUGIN_FRAME_PREFIX } from "../../http/middleware.ts";
import { mayUse } from "../../billing/entitlements.ts";
import { entitlementError } from "../../billing/errors.ts";
import { NotFoundError } from "../../domain/errors.ts";
import { findInstalled } from "../../plugins/host/installations.ts";
import { bridgeCall, VIEW_CSP } from "../../plugins/host/views.ts";
import { lockedDownView } from "../../plugins/host/view_lockdown.ts";

const app = new Hono<AppEnv>();
app.use("/plugins/*", memberPage());
app.use(`${PLUGIN_FRAME_PREFIX}*`, memberPage());

/** The installed, enabled plugin and its view, while the plan includes plugins. */
async function viewOf(c: AppContext, name: string, id?: string) {
  const tenant = tenantOf(c);
  const decision = await mayUse(c.get("services"), tenant.id, "plugins");
  if (!decision.allowed) throw entitlementError(decision);
  const plugin = await findInstalled(tenant.db, name);
  if (!plugin?.enabled) throw new NotFoundError("That plugin is not installed or is disabled.");
  const view = id === undefined
    ? undefined
    : plugin.manifest.entryPoints.views.find((v) => v.id === id);
  if (id !== undefined && (!view || plugin.views[view.file] === undefined)) {
    throw new NotFoundError("That plugin has no such view.");
  }
  return { plugin, view };
}

// Forwards the framed view's messages to the bridge, a few at a time and a bounded number per page.
const BRIDGE_SCRIPT = `(() => {
  const frame = document.getElementById("plugin-view");
  const url = frame.dataset.bridge, token = frame.dataset.csrf;
  let sent = 0, inFlight = 0;
  addEventListener("message", async (e) => {
    if (e.source !== frame.contentWindow) return;
    const m = e.data;
    if (!m || typeof m !== "object" || typeof m.call !== "string") return;
    const reply = (body) => frame.contentWindow.postMessage({ id: m.id, ...body }, "*");
    if (++sent > 300 || inFlight >= 4) return reply({ ok: false, error: "Too many messages." });
    inFlight++;
    try {
      const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": token }, body: JSON.stringify({ call: m.call, args: m.args }) });
      reply(await res.json());
    } catch { reply({ ok: false, error: "The bridge did not answer." }); } finally { inFlight--; }
  });
})();`;

app.get("/plugins/:name/views/:id", async (c) => {
  const { plugin, view } = await viewOf(c, c.req.param("name"), c.req.param("id"));
  return renderApp(
    c,
    view!.title,
    <>
      <h1>{view!.title}</h1>
      <p class="muted">{plugin.manifest.title} {plugin.version}</p>
      <iframe
        id="plugin-view"
        class="plugin-view"
        title={view!.title}
        sandbox="allow-scripts"
        referrerpolicy="no-referrer"
        src={`${PLUGIN_FRAME_PREFIX}${plugin.name}/${view!.id}`}
        data-bridge={`/plugins/${plugin.name}/bridge`}
        data-csrf={c.get("csrfToken")}
      />
      <script nonce={pageNonce(c)} dangerouslySetInnerHTML={{ __html: BRIDGE_SCRIPT }} />
    </>,
  );
});

app.get(`${PLUGIN_FRAME_PREFIX}:name/:id`, async (c) => {
  const { plugin, view } = await viewOf(c, c.req.param("name"), c.req.param("id"));
  // The lockdown runs before the plugin's code: no WebRTC, frames or link hints (CSP misses them).
  return c.body(lockedDownView(plugin.views[view!.file]!), 200, {
    "content-type": "text/html; charset=utf-8",
    "content-security-policy": VIEW_CSP,
    "x-dns-prefetch-control": "off",
    "x-frame-options": "SAMEORIGIN",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
    "cache-control": "no-store",
  });
});

app.post("/plugins/:name/bridge", async (c) => {
  const { plugin } = await viewOf(c, c.req.param("name"));
  const body = (await readJson(c)) as { call?: unknown; args?: unknown };
  const { role, scopes } = principalOf(c);
  // The bridge reads with the member's rights as well as the plugin's.
  return c.json(
    await bridgeCall(plugin, tenantOf(c).db, body?.call, body?.args, { role, scopes }),
  );
});

export default app;
