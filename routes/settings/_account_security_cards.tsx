/**
 * @module routes/settings/_account_security_cards
 * The profile page's cards for two-step sign-in and sessions; private to routes/settings/.
 */
import type { AppContext } from "../../http/env.ts";
import { principalOf } from "../../http/env.ts";
import { secondFactorStatus } from "../../auth/second_factor.ts";
import { listUserSessions } from "../../auth/sessions.ts";
import { describeDevice } from "../../auth/device.ts";
import { SecondFactorSummary } from "../../components/SecondFactorCard.tsx";
import { SessionsCard } from "../../components/SessionsCard.tsx";

/** The profile page's cards for two-step sign-in and sessions (routes/settings/profile.tsx). */
export async function accountSecurityCards(c: AppContext) {
  const auth = principalOf(c);
  const { control } = c.get("services");
  const [status, sessions] = await Promise.all([
    secondFactorStatus(control, auth.userId, c.get("tenant")?.id ?? null),
    listUserSessions(control, auth.userId, auth.sessionToken),
  ]);
  return (
    <>
      <SecondFactorSummary on={status.enrolled} required={status.required} />
      <SessionsCard
        csrf={c.get("csrfToken")}
        sessions={sessions.map((s) => ({ ...s, device: describeDevice(s.userAgent) }))}
      />
    </>
  );
}
