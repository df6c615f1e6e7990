import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../../http/env.ts";
import { principalOf, tenantOf } from "../../../http/env.ts";
import { memberPage, readBody } from "../../../http/guards.ts";
import { flashParams } from "../../../http/flash.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { hasSecondFactor, setSecondFactorRequired } from "../../../auth/second_factor.ts";
import { InvalidError } from "../../../domain/errors.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import { tOf } from "../../../i18n/middleware.ts";

const PolicyForm = z.object({ required: z.enum(["0", "1"]) });

const app = new Hono<AppEnv>();
app.use("/settings/members/second-factor-policy", memberPage());

app.post(
  "/settings/members/second-factor-policy",
  requirePermission("security:policy"),
  async (c) => {
    const parsed = PolicyForm.safeParse(await readBody(c));
    if (!parsed.success) throw new InvalidError(tOf(c)("policy.choose"));
    const services = c.get("services");
    const auth = principalOf(c);
    const required = parsed.data.required === "1";
    // The owner goes first: requiring it without having it would lock the owner's own pages.
    if (required && !(await hasSecondFactor(services.control, auth.userId))) {
      throw new InvalidError(tOf(c)("policy.yourself_first"));
    }
    await setSecondFactorRequired(services, tenantOf(c).id, required);
    await recordSecurityEvent(c, {
      action: required ? "workspace.second_factor.required" : "workspace.second_factor.optional",
    });
    const notice = required ? tOf(c)("policy.now_required") : tOf(c)("policy.no_longer");
    return c.redirect(
      `/settings/members?${new URLSearchParams(flashParams(c, "notice", notice))}`,
      303,
    );
  },
);

export default app;
