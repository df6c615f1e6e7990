import { Hono } from "hono";
import type { ComponentChildren } from "preact";
import { z } from "zod";
import { renderSVG } from "uqr";
import type { AppContext, AppEnv } from "../../../http/env.ts";
import { principalOf } from "../../../http/env.ts";
import { memberPage, readBody } from "../../../http/guards.ts";
import { renderApp } from "../../../http/page.tsx";
import { pendingTotpEnrolment, startTotpEnrolment } from "../../../auth/totp.ts";
import {
  confirmSecondFactor,
  regenerateRecoveryCodes,
  turnOffSecondFactor,
} from "../../../auth/second_factor_enrolment.ts";
import { hasSecondFactor, secondFactorStatus } from "../../../auth/second_factor.ts";
import { recoveryCodesLeft } from "../../../auth/recovery_codes.ts";
import { accountHasPassword, confirmPassword } from "../../../auth/confirm_password.ts";
import { AppError } from "../../../domain/errors.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import {
  RecoveryCodes,
  SecondFactorPage,
  type SecondFactorView,
} from "../../../components/SecondFactorCard.tsx";
import { SettingsNav } from "../../../components/SettingsNav.tsx";
import { tOf } from "../../../i18n/middleware.ts";

const CodeForm = z.object({ code: z.string().trim().min(1, "Type the code.").max(20) });
const PasswordForm = z.object({ password: z.string().min(1, "Enter your password.").max(200) });

async function currentView(c: AppContext): Promise<SecondFactorView> {
  const services = c.get("services");
  const auth = principalOf(c);
  if (await hasSecondFactor(services.control, auth.userId)) {
    return {
      state: "on",
      recoveryCodesLeft: await recoveryCodesLeft(services.control, auth.userId),
    };
  }
  const { required } = await secondFactorStatus(
    services.control,
    auth.userId,
    c.get("tenant")?.id ?? null,
  );
  const pending = await pendingTotpEnrolment(services, { id: auth.userId, email: auth.email });
  if (!pending) {
    return { state: "off", required, askPassword: await accountHasPassword(services, auth.userId) };
  }
  return { state: "enrolling", ...pending, qrSvg: renderSVG(pending.uri), required };
}

function page(c: AppContext, body: ComponentChildren, status = 200) {
  return renderApp(
    c,
    tOf(c)("two_step.page_title"),
    <>
      <h1>{tOf(c)("settings.title")}</h1>
      <SettingsNav current="/settings/profile" role={principalOf(c).role} />
      {body}
    </>,
    status,
  );
}

async function show(c: AppContext, error?: { message: string; field?: string }, status = 200) {
  return page(
    c,
    <SecondFactorPage
      csrf={c.get("csrfToken")}
      view={await currentView(c)}
      error={error?.message}
      field={error?.field}
    />,
    status,
  );
}

const BASE = "/settings/profile/second-factor";
const app = new Hono<AppEnv>();
app.use(BASE, memberPage());
app.use(`${BASE}/*`, memberPage());

app.get(BASE, (c) => show(c));

// Starting asks for the password (auth/confirm_password.ts): an authenticator app someone else
// holds would lock the owner out of every workspace.
app.post(`${BASE}/start`, async (c) => {
  const auth = principalOf(c);
  const body = await readBody(c);
  const password = typeof body.password === "string" ? body.password.slice(0, 200) : undefined;
  try {
    await confirmPassword(c.get("services"), auth.userId, password);
    await startTotpEnrolment(c.get("services"), { id: auth.userId, email: auth.email });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return show(c, { message: err.message, field: "start" }, err.status);
  }
  return show(c);
});

app.post(`${BASE}/confirm`, async (c) => {
  const parsed = CodeForm.safeParse(await readBody(c));
  if (!parsed.success) {
    return show(c, { message: tOf(c)("two_step.type_the_code"), field: "code" }, 422);
  }
  try {
    const codes = await confirmSecondFactor(
      c.get("services"),
      principalOf(c).userId,
      parsed.data.code,
    );
    await recordSecurityEvent(c, {
      action: "auth.second_factor.enabled",
      details: { method: "totp" },
    });
    return page(c, <RecoveryCodes codes={codes} />);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return show(c, { message: err.message, field: "code" }, err.status);
  }
});

app.post(`${BASE}/disable`, async (c) => {
  const parsed = PasswordForm.safeParse(await readBody(c));
  if (!parsed.success) {
    return show(c, { message: tOf(c)("two_step.enter_password"), field: "disable" }, 422);
  }
  try {
    await turnOffSecondFactor(c.get("services"), principalOf(c).userId, parsed.data.password);
    await recordSecurityEvent(c, {
      action: "auth.second_factor.disabled",
      details: { method: "totp" },
    });
    return c.redirect("/settings/profile", 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return show(c, { message: err.message, field: "disable" }, err.status);
  }
});

app.post(`${BASE}/recovery-codes`, async (c) => {
  const parsed = PasswordForm.safeParse(await readBody(c));
  if (!parsed.success) {
    return show(c, { message: tOf(c)("two_step.enter_password"), field: "recovery" }, 422);
  }
  try {
    const codes = await regenerateRecoveryCodes(
      c.get("services"),
      principalOf(c).userId,
      parsed.data.password,
    );
    await recordSecurityEvent(c, { action: "auth.recovery_codes.regenerated" });
    return page(c, <RecoveryCodes codes={codes} />);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return show(c, { message: err.message, field: "recovery" }, err.status);
  }
});

export default app;
