import { Hono } from "hono";
import type { AppContext, AppEnv } from "../http/env.ts";
import { tenantOrigin } from "../auth/handoff.ts";
import { apexOnly, readBody } from "../http/guards.ts";
import { renderPublic } from "../http/page.tsx";
import { signup } from "../tenants/provision.ts";
import { welcomeNewTenant } from "../tenants/welcome.ts";
import { AppError } from "../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../components/Form.tsx";

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
  return (
    <section class="auth-card">
      <h1>Start your free trial</h1>
      <p class="muted">
        Your company gets its own workspace and its own database. No card needed for 14 days.
      </p>
      <FormErrors message={props.message} />
      <form method="post" action="/signup" novalidate>
        <CsrfInput token={props.csrf} />
        <Field
          label="Company name"
          name="company_name"
          value={props.values.company_name}
          error={e.company_name?.[0]}
          required
          autocomplete="organization"
        />
        <Field
          label="Workspace address"
          name="slug"
          value={props.values.slug}
          error={e.slug?.[0]}
          required
          hint={`Lower-case letters, digits and hyphens: acme becomes ${props.example}.`}
          autocomplete="off"
        />
        <Field
          label="Your name"
          name="owner_name"
          value={props.values.owner_name}
          error={e.owner_name?.[0]}
          required
          autocomplete="name"
        />
        <Field
          label="Work e-mail"
          name="email"
          type="email"
          value={props.values.email}
          error={e.email?.[0]}
          required
          autocomplete="email"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          error={e.password?.[0]}
          required
          hint="At least 10 characters. Avoid common passwords."
          autocomplete="new-password"
        />
        <button class="button primary" type="submit">Create my workspace</button>
      </form>
      <p class="muted">
        Already have an account? <a href="/login">Sign in</a>
      </p>
    </section>
  );
}

app.get("/signup", (c) =>
  renderPublic(
    c,
    "Start your free trial",
    <SignupForm csrf={c.get("csrfToken")} values={{}} errors={{}} example={exampleHost(c)} />,
  ));

app.post("/signup", async (c) => {
  const services = c.get("services");
  const body = await readBody(c);
  const values: Values = Object.fromEntries(
    Object.entries(body).filter(([k, v]) => k !== "password" && typeof v === "string"),
  ) as Values;
  try {
    const result = await signup(services, body);
    const { loginUrl } = await welcomeNewTenant(services, result, c.req.url);
    // A new owner was sent a confirmation link: the workspace's first page says so.
    return c.redirect(result.user.created ? `${loginUrl}&welcome=1` : loginUrl, 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    const errors = (err.details ?? {}) as Record<string, string[]>;
    return renderPublic(
      c,
      "Start your free trial",
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
