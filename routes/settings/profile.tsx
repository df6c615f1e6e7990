import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { changePassword, resendVerificationEmail } from "../../auth/email_tokens.ts";
import { AppError } from "../../domain/errors.ts";
import { requestOrigin } from "../../mail/links.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { PasskeysCard } from "../../components/PasskeysCard.tsx";
import { listPasskeys } from "../../auth/passkeys.ts";
import { accountSecurityCards } from "./_account_security_cards.tsx";

const app = new Hono<AppEnv>();
app.use("/settings", memberPage());
app.use("/settings/profile", memberPage());
app.use("/settings/profile/*", memberPage());

app.get("/settings", (c) => c.redirect("/settings/profile", 303));

async function showProfile(
  c: AppContext,
  extra: { notice?: string; error?: string; errors?: Record<string, string[]> } = {},
  status = 200,
) {
  const auth = principalOf(c);
  const csrf = c.get("csrfToken");
  const passkeys = await listPasskeys(c.get("services").control, tenantOf(c).id, auth.userId);
  const securityCards = await accountSecurityCards(c);
  const e = extra.errors ?? {};
  return renderApp(
    c,
    "Profile",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/profile" role={principalOf(c).role} />
      {extra.notice ? <p class="flash success" role="status">{extra.notice}</p> : null}
      <section class="card">
        <h2>Profile</h2>
        <dl class="facts">
          <dt>Name</dt>
          <dd>{auth.name}</dd>
          <dt>E-mail</dt>
          <dd>
            {auth.email}{" "}
            {auth.emailVerified
              ? <span class="badge ok">confirmed</span>
              : <span class="badge warn">not confirmed</span>}
          </dd>
          <dt>Role</dt>
          <dd>
            <span class="badge">{auth.role}</span>
          </dd>
        </dl>
        {auth.emailVerified
          ? null
          : (
            <form method="post" action="/settings/profile/resend-verification">
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">
                Send the confirmation e-mail again
              </button>
            </form>
          )}
      </section>
      <section class="card">
        <h2>Change password</h2>
        <FormErrors message={extra.error} />
        <form method="post" action="/settings/profile/password">
          <CsrfInput token={csrf} />
          <Field
            label="Current password"
            name="current_password"
            type="password"
            error={e.current_password?.[0]}
            required
            autocomplete="current-password"
          />
          <Field
            label="New password"
            name="new_password"
            type="password"
            error={e.new_password?.[0]}
            required
            autocomplete="new-password"
            hint="At least 10 characters. Other sessions will be signed out."
          />
          <button class="button primary" type="submit">Change password</button>
        </form>
      </section>
      <PasskeysCard
        csrf={csrf}
        host={new URL(c.req.url).hostname}
        passkeys={passkeys}
        outcome={c.req.query("passkey")}
      />
      {securityCards}
    </>,
    status,
  );
}

app.get("/settings/profile", (c) => showProfile(c));

app.post("/settings/profile/password", async (c) => {
  const body = await readBody(c);
  const auth = principalOf(c);
  try {
    await changePassword(
      c.get("services"),
      auth.userId,
      String(body.current_password ?? ""),
      String(body.new_password ?? ""),
      auth.sessionToken,
    );
    await recordSecurityEvent(c, { action: "auth.password_changed" });
    return showProfile(c, { notice: "Your password was changed. Other sessions were signed out." });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showProfile(
      c,
      { error: err.message, errors: err.details as Record<string, string[]> },
      err.status,
    );
  }
});

app.post("/settings/profile/resend-verification", async (c) => {
  try {
    await resendVerificationEmail(
      c.get("services"),
      principalOf(c).userId,
      requestOrigin(c.get("services").config, c.req.url),
      c.get("tenant")?.id ?? null,
    );
    return showProfile(c, { notice: "We sent you a new confirmation e-mail." });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showProfile(c, { error: err.message }, err.status);
  }
});

export default app;
