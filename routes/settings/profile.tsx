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
import { accountHasPassword } from "../../auth/confirm_password.ts";
import { accountSecurityCards } from "./_account_security_cards.tsx";
import { acceptedLanguages, isLanguage, LANGUAGE_NAMES, LANGUAGES } from "../../i18n/mod.ts";
import { languageOf, tOf } from "../../i18n/middleware.ts";
import { savedLanguage, saveLanguage } from "../../i18n/user_language.ts";

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
  const t = tOf(c);
  const control = c.get("services").control;
  const [passkeys, saved, askPassword] = await Promise.all([
    listPasskeys(control, tenantOf(c).id, auth.userId),
    savedLanguage(control, auth.userId),
    accountHasPassword(c.get("services"), auth.userId),
  ]);
  const browser = acceptedLanguages(c.req.header("accept-language"))[0] ?? languageOf(c);
  const securityCards = await accountSecurityCards(c);
  const e = extra.errors ?? {};
  return renderApp(
    c,
    t("profile.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/profile" role={principalOf(c).role} />
      {extra.notice ? <p class="flash success" role="status">{extra.notice}</p> : null}
      <section class="card">
        <h2>{t("profile.title")}</h2>
        <dl class="facts">
          <dt>{t("profile.name")}</dt>
          <dd>{auth.name}</dd>
          <dt>{t("profile.email")}</dt>
          <dd>
            {auth.email}{" "}
            {auth.emailVerified
              ? <span class="badge ok">{t("profile.confirmed")}</span>
              : <span class="badge warn">{t("profile.not_confirmed")}</span>}
          </dd>
          <dt>{t("profile.role")}</dt>
          <dd>
            <span class="badge">{auth.role ? t(`role.${auth.role}`) : ""}</span>
          </dd>
        </dl>
        {auth.emailVerified
          ? null
          : (
            <form method="post" action="/settings/profile/resend-verification">
              <CsrfInput token={csrf} />
              <button class="button secondary" type="submit">
                {t("profile.resend_confirmation")}
              </button>
            </form>
          )}
      </section>
      <section class="card" aria-labelledby="language-title">
        <h2 id="language-title">{t("profile.language")}</h2>
        <p class="muted">{t("profile.language_intro")}</p>
        <form method="post" action="/settings/profile/language">
          <CsrfInput token={csrf} />
          <div class="field">
            <label for="profile-language">{t("profile.language")}</label>
            <select id="profile-language" name="language">
              <option value="" selected={saved === null}>
                {t("profile.language_browser", { language: LANGUAGE_NAMES[browser] })}
              </option>
              {LANGUAGES.map((language) => (
                <option
                  key={language}
                  value={language}
                  lang={language}
                  selected={saved === language}
                >
                  {LANGUAGE_NAMES[language]}
                </option>
              ))}
            </select>
          </div>
          <button class="button secondary" type="submit">{t("profile.language_save")}</button>
        </form>
      </section>
      <section class="card">
        <h2>{t("profile.change_password")}</h2>
        <FormErrors message={extra.error} />
        <form method="post" action="/settings/profile/password">
          <CsrfInput token={csrf} />
          <Field
            label={t("profile.current_password")}
            name="current_password"
            type="password"
            error={e.current_password?.[0]}
            required
            autocomplete="current-password"
          />
          <Field
            label={t("profile.new_password")}
            name="new_password"
            type="password"
            error={e.new_password?.[0]}
            required
            autocomplete="new-password"
            hint={t("profile.new_password_hint")}
          />
          <button class="button primary" type="submit">{t("profile.change_password")}</button>
        </form>
      </section>
      <PasskeysCard
        csrf={csrf}
        host={new URL(c.req.url).hostname}
        passkeys={passkeys}
        outcome={c.req.query("passkey")}
        askPassword={askPassword}
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
    return showProfile(c, { notice: tOf(c)("profile.password_changed") });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showProfile(
      c,
      { error: err.message, errors: err.details as Record<string, string[]> },
      err.status,
    );
  }
});

app.post("/settings/profile/language", async (c) => {
  const body = await readBody(c);
  const chosen = isLanguage(body.language) ? body.language : null;
  await saveLanguage(
    c.get("services").control,
    principalOf(c).userId,
    chosen,
    c.get("services").clock.now(),
  );
  // This page already answers in the new language.
  c.set(
    "language",
    chosen ?? acceptedLanguages(c.req.header("accept-language"))[0] ?? languageOf(c),
  );
  return showProfile(c, { notice: tOf(c)("profile.language_saved") });
});

app.post("/settings/profile/resend-verification", async (c) => {
  try {
    await resendVerificationEmail(
      c.get("services"),
      principalOf(c).userId,
      requestOrigin(c),
      c.get("tenant")?.id ?? null,
    );
    return showProfile(c, { notice: tOf(c)("profile.confirmation_sent") });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showProfile(c, { error: err.message }, err.status);
  }
});

export default app;
