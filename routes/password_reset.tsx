import { Hono } from "hono";
import { recordSecurityEvent } from "../security/events.ts";
import type { AppContext, AppEnv } from "../http/env.ts";
import { clientIp } from "../http/env.ts";
import { readBody } from "../http/guards.ts";
import { renderPublic } from "../http/page.tsx";
import { requestPasswordReset, resetPassword } from "../auth/email_tokens.ts";
import { AppError } from "../domain/errors.ts";
import { appOrigin, requestOrigin } from "../mail/links.ts";
import { CsrfInput, Field, FormErrors } from "../components/Form.tsx";
import { useT } from "../components/Words.tsx";
import { tOf } from "../i18n/middleware.ts";

const app = new Hono<AppEnv>();

function ForgotForm(props: { csrf: string; sent?: boolean; error?: string }) {
  const t = useT();
  return (
    <section class="auth-card">
      <h1>{t("reset.forgot_title")}</h1>
      {props.sent
        ? <p class="flash success" role="status">{t("reset.sent")}</p>
        : <p class="muted">{t("reset.forgot_intro")}</p>}
      <FormErrors message={props.error} />
      <form method="post" action="/forgot-password">
        <CsrfInput token={props.csrf} />
        <Field
          label={t("reset.email")}
          name="email"
          type="email"
          required
          autocomplete="username"
        />
        <button class="button primary" type="submit">{t("reset.send_link")}</button>
      </form>
      <p class="muted">
        <a href="/login">{t("reset.back_to_sign_in")}</a>
      </p>
    </section>
  );
}

app.get(
  "/forgot-password",
  (c) => renderPublic(c, tOf(c)("reset.forgot_title"), <ForgotForm csrf={c.get("csrfToken")} />),
);

app.post("/forgot-password", async (c) => {
  const body = await readBody(c);
  try {
    await requestPasswordReset(
      c.get("services"),
      String(body.email ?? ""),
      { workspace: requestOrigin(c), app: appOrigin(c) },
      clientIp(c),
      c.get("tenant")?.id ?? null,
    );
    return renderPublic(
      c,
      tOf(c)("reset.forgot_title"),
      <ForgotForm csrf={c.get("csrfToken")} sent />,
    );
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return renderPublic(
      c,
      tOf(c)("reset.forgot_title"),
      <ForgotForm csrf={c.get("csrfToken")} error={err.message} />,
      err.status,
    );
  }
});

function ResetForm(props: { csrf: string; token: string; error?: string }) {
  const t = useT();
  return (
    <section class="auth-card">
      <h1>{t("reset.choose_title")}</h1>
      <FormErrors message={props.error} />
      <form method="post" action="/reset-password">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <Field
          label={t("reset.new_password")}
          name="password"
          type="password"
          required
          autocomplete="new-password"
          hint={t("reset.new_password_hint")}
        />
        <button class="button primary" type="submit">{t("reset.save")}</button>
      </form>
    </section>
  );
}

function showReset(c: AppContext, token: string, error?: string, status = 200) {
  return renderPublic(
    c,
    tOf(c)("reset.choose_title"),
    <ResetForm csrf={c.get("csrfToken")} token={token} error={error} />,
    status,
  );
}

app.get("/reset-password", (c) => showReset(c, c.req.query("token") ?? ""));

app.post("/reset-password", async (c) => {
  const body = await readBody(c);
  const token = String(body.token ?? "");
  try {
    const { userId } = await resetPassword(c.get("services"), token, String(body.password ?? ""));
    await recordSecurityEvent(c, { action: "auth.password_reset", actor: { userId } });
    return c.redirect("/login?reset=1", 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return showReset(c, token, err.message, err.status);
  }
});

export default app;
