import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../../http/env.ts";
import { principalOf, tenantOf } from "../../../http/env.ts";
import { memberPage, readBody } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import {
  hasSecondFactor,
  membersWithoutSecondFactor,
  secondFactorRequired,
  setSecondFactorRequired,
} from "../../../auth/second_factor.ts";
import { can } from "../../../auth/roles.ts";
import { InvalidError } from "../../../domain/errors.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import { SecondFactorPolicyCard } from "../../../components/SecondFactorPolicyCard.tsx";

const PolicyForm = z.object({ required: z.enum(["0", "1"]) });

/** The policy card for Settings → Members; nothing for members who may not change it. */
export async function secondFactorPolicyCard(c: AppContext, error?: string) {
  const auth = principalOf(c);
  if (!auth.role || !can(auth.role, "security:policy")) return null;
  const { control } = c.get("services");
  const tenantId = tenantOf(c).id;
  const [required, membersWithout] = await Promise.all([
    secondFactorRequired(control, tenantId),
    membersWithoutSecondFactor(control, tenantId),
  ]);
  return (
    <SecondFactorPolicyCard
      csrf={c.get("csrfToken")}
      policy={{ required, membersWithout }}
      error={error}
    />
  );
}

const app = new Hono<AppEnv>();
app.use("/settings/members/second-factor-policy", memberPage());

app.post(
  "/settings/members/second-factor-policy",
  requirePermission("security:policy"),
  async (c) => {
    const parsed = PolicyForm.safeParse(await readBody(c));
    if (!parsed.success) throw new InvalidError("Choose whether to require two-step sign-in.");
    const services = c.get("services");
    const auth = principalOf(c);
    const required = parsed.data.required === "1";
    // The owner goes first: requiring it without having it would lock the owner's own pages.
    if (required && !(await hasSecondFactor(services.control, auth.userId))) {
      throw new InvalidError(
        "Set up two-step sign-in for yourself first (Settings → Profile), then require it.",
      );
    }
    await setSecondFactorRequired(services.control, tenantOf(c).id, required);
    services.authCache.clear();
    await recordSecurityEvent(c, {
      action: required ? "workspace.second_factor.required" : "workspace.second_factor.optional",
    });
    const notice = required
      ? "Two-step sign-in is now required of every member."
      : "Two-step sign-in is no longer required.";
    return c.redirect(`/settings/members?notice=${encodeURIComponent(notice)}`, 303);
  },
);

export default app;
