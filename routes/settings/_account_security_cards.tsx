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
import { tOf } from "../../i18n/middleware.ts";
import type { Translate } from "../../i18n/mod.ts";

/** The profile page's cards for two-step sign-in and sessions (routes/settings/profile.tsx). */
export async function accountSecurityCards(c: AppContext) {
  const auth = principalOf(c);
  const t = tOf(c);
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
        sessions={sessions.map((s) => ({ ...s, device: deviceIn(t, describeDevice(s.userAgent)) }))}
      />
    </>
  );
}

/** A device as auth/device.ts names it ("Chrome on macOS"), in the reader's words. */
function deviceIn(t: Translate, device: string): string {
  if (device === "Unknown device") return t("session.unknown_device");
  const both = /^(.+) on (.+)$/.exec(device);
  return both ? t("session.device_on", { browser: both[1]!, system: both[2]! }) : device;
}
