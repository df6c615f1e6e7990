/**
 * @module routes/settings/_second_factor_policy_card
 * The two-step sign-in policy card of Settings → Members; private to routes/settings/.
 */
import type { AppContext } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { membersWithoutSecondFactor, secondFactorRequired } from "../../auth/second_factor.ts";
import { can } from "../../auth/roles.ts";
import { SecondFactorPolicyCard } from "../../components/SecondFactorPolicyCard.tsx";

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
