import { Hono } from "hono";
import { type AppContext, type AppEnv, clientIp } from "../http/env.ts";
import { tenantOrigin } from "../auth/handoff.ts";
import { bindHandoffToBrowser } from "../auth/handoff_cookie.ts";
import { apexOnly, readBody } from "../http/guards.ts";
import { renderPublic } from "../http/page.tsx";
import { signup } from "../tenants/provision.ts";
import { welcomeNewTenant } from "../tenants/welcome.ts";
import { AppError } from "../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../components/Form.tsx";
import { useT } from "../components/Words.tsx";
import { tOf } from "../i18n/middleware.ts";

const app = new Hono<AppEnv>();
app.use("/signup", apexOnly());

type Values = Record<string, string>;

/** Where a workspace named "acme" would live on this server (the port only when it has one). */
function exampleHost(c: AppContext): string {
  return new URL(tenantOrigin("acme", c.get("services").config, c.req.url)).host;
}

function SignupForm(
  props: {
    csrf: string;
    values: Values;
    errors: Record<string, string[]>;
    message?: string;
    /** The address "acme" would get here, e.g. "acme.projectmeats.app" or "acme.localhost:8000". */
    example: string;
  },
) {
  const e = props.errors;
  const t = useT();
  return (
    <section class="auth-card">
      <h1>{t("signup.title")}</h1>
      <p class="muted">{t("signup.intro")}</p>
      <FormErrors message={props.message} />
      <form method="post" action="/signup" novalidate>
        <CsrfInput token={props.csrf} />
        <Field
          label={t("signup.company_name")}
          name="company_name"
          value={props.values.company_name}
          error={e.company_name?.[0]}
          required
          autocomplete="organization"
        />
        <Field
          label={t("signup.slug")}
          name="slug"
          value={props.values.slug}
          error={e.slug?.[0]}
          required
          hint={t("signup.slug_hint", { example: props.example })}
          autocomplete="off"
        />
        <Field
          label={t("signup.owner_name")}
          name="owner_name"
          value={props.values.owner_name}
          error={e.owner_name?.[0]}
          required
          autocomplete="name"
        />
        <Field
          label={t("signup.email")}
          name="email"
          type="email"
          value={props.values.email}
          error={e.email?.[0]}
          required
          autocomplete="email"
        />
        <Field
          label={t("signup.password")}
          name="password"
          type="password"
          error={e.password?.[0]}
          required
          hint={t("signup.password_hint")}
          autocomplete="new-password"
        />
        <button class="button primary" type="submit">{t("signup.submit")}</button>
      </form>
      <p class="muted">
        {t("signup.have_account")} <a href="/login">{t("signup.sign_in")}</a>
      </p>
    </section>
  );
}

app.get("/signup", (c) =>
  renderPublic(
    c,
    tOf(c)("signup.title"),
    <SignupForm csrf={c.get("csrfToken")} values={{}} errors={{}} example={exampleHost(c)} />,
  ));

app.post("/signup", async (c) => {
  const services = c.get("services");
  const body = await readBody(c);
  const values: Values = Object.fromEntries(
    Object.entries(body).filter(([k, v]) => k !== "password" && typeof v === "string"),
  ) as Values;
  try {
    // Counted per client IP and per address (tenants/signup_limits.ts); the sign-in link opens
    // only in this browser (auth/handoff.ts).
    const result = await signup(services, body, { ip: clientIp(c) });
    const { loginUrl } = await welcomeNewTenant(
      services,
      result,
      c.req.url,
      bindHandoffToBrowser(c),
    );
    // A new owner was sent a confirmation link: the workspace's first page says so.
    return c.redirect(result.user.created ? `${loginUrl}&welcome=1` : loginUrl, 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const errors = (err.details ?? {}) as Record<string, string[]>;
    if (err.status === 429) {
      c.header("Retry-After", String((err.details as { retry_after: number }).retry_after));
    }
    return renderPublic(
      c,
      tOf(c)("signup.title"),
      <SignupForm
        csrf={c.get("csrfToken")}
        values={values}
        errors={errors}
        message={err.message}
        example={exampleHost(c)}
      />,
      err.status,
    );
  }
});

export default app;
