/**
 * @module routes/plugins/actions
 * A plugin action's button posts here with the selected records: the answer is the plugin's file
 * (an export) as a download, or a page with its message and a link back. The plugin acts with
 * the member's rights too (plugins/host/host_api.ts): what their role may not do answers 403.
 */
import { Hono } from "hono";
import { type AppEnv, principalOf, tenantOf } from "../../http/env.ts";
import { memberPage } from "../../http/guards.ts";
import { recordContext } from "../../http/records.ts";
import { renderApp } from "../../http/page.tsx";
import { mayUse } from "../../billing/entitlements.ts";
import { entitlementError } from "../../billing/errors.ts";
import { AppError, ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { findInstalled } from "../../plugins/host/installations.ts";
import { runAction } from "../../plugins/host/actions.ts";
import { PluginError } from "../../plugins/host/sandbox.ts";
import { recordType } from "../../domain/catalog.ts";

const app = new Hono<AppEnv>();
app.use("/plugins/*", memberPage());

app.post("/plugins/:name/actions/:action", async (c) => {
  const services = c.get("services");
  const tenant = tenantOf(c);
  const decision = await mayUse(services, tenant.id, "plugins");
  if (!decision.allowed) throw entitlementError(decision);
  const plugin = await findInstalled(tenant.db, c.req.param("name"));
  if (!plugin) throw new NotFoundError("That plugin is not installed.");
  const body = await c.req.parseBody({ all: true });
  const ids = [body.id ?? []].flat().map(String).filter((id) => /^[\w-]{1,64}$/.test(id));
  const action = plugin.manifest.entryPoints.actions.find((a) => a.id === c.req.param("action"));
  const back = `/${recordType(action?.collection ?? "")?.collection ?? ""}`;
  let message: string;
  try {
    const result = await runAction(
      services.plugins,
      tenant.id,
      tenant.today,
      plugin,
      c.req.param("action"),
      ids,
      recordContext(c),
      principalOf(c).scopes ?? null,
    );
    if (result.file) {
      return new Response(result.file.content, {
        headers: {
          "content-type": `${result.file.type}; charset=utf-8`,
          "content-disposition": `attachment; filename="${result.file.name}"`,
        },
      });
    }
    message = result.message ?? "Done.";
  } catch (err) {
    if (err instanceof PluginError) message = err.message;
    // The member's role may not do what the plugin tried for them: 403, as the API answers.
    else if (err instanceof ForbiddenError) throw err;
    else if (err instanceof AppError && err.status < 500 && err.status !== 404) {
      message = err.message;
    } else throw err;
  }
  return renderApp(
    c,
    plugin.manifest.title,
    <>
      <h1>{plugin.manifest.title}</h1>
      <p role="status">{message}</p>
      <p>
        <a href={back}>Back</a>
      </p>
    </>,
  );
});

export default app;
