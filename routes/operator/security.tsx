import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { renderPublic } from "../../http/page.tsx";
import { operatorOnly } from "../../auth/middleware.ts";
import { securityLogExport, securityLogPanel } from "../_security_log.tsx";
import { OPERATORS_CHAIN } from "../../security/chain_tail.ts";

const app = new Hono<AppEnv>();
app.use("/operator/security", operatorOnly());
app.use("/operator/security/*", operatorOnly());

app.get("/operator/security", async (c) => {
  const { control } = c.get("services");
  const panel = await securityLogPanel(c, {
    base: "/operator/security",
    db: control,
    timeZone: "UTC",
    chain: OPERATORS_CHAIN,
  });
  return renderPublic(
    c,
    "Security log · Operator",
    <section class="operator">
      <h1>Operators' security log</h1>
      <p class="muted">
        Events with no workspace: operators' job retries and billing commands, sign-ins on the bare
        domain. Times in UTC. Each workspace's own log is in its Settings → Security.
      </p>
      {panel}
    </section>,
  );
});

for (const format of ["csv", "json"] as const) {
  app.get(`/operator/security/export.${format}`, (c) => {
    const name = `security-log-operators-${
      c.get("services").clock.now().toISOString().slice(0, 10)
    }`;
    return securityLogExport(
      c,
      { db: c.get("services").control, timeZone: "UTC", name, operator: true },
      format,
    );
  });
}

export default app;
