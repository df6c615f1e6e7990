import { Hono } from "hono";
import { type AppContext, type AppEnv, clientIp } from "../http/env.ts";
import { readBody, safeNext } from "../http/guards.ts";
import { renderPublic } from "../http/page.tsx";
import { checkCredentials, LoginSchema } from "../auth/login.ts";
import { clearSessionCookie, startSecondStep, startSession } from "../auth/cookies.ts";
import { deleteSession } from "../auth/sessions.ts";
import { listWorkspaces } from "../auth/users.ts";
import { createHandoff, tenantOrigin } from "../auth/handoff.ts";
import { bindHandoffToBrowser } from "../auth/handoff_cookie.ts";
import { sessionMayLeave } from "../auth/workspace_switch.ts";
import { AppError } from "../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../components/Form.tsx";
import { SignInOptions } from "../components/SignInOptions.tsx";
import { ssoOffered } from "../auth/sso.ts";
import { failedSignIn, recordSecurityEvent, recordSignIn } from "../security/events.ts";
import { hasSecondFactor } from "../auth/second_factor.ts";
import { useT } from "../components/Words.tsx";
import { tOf } from "../i18n/middleware.ts";

const app = new Hono<AppEnv>();

function LoginForm(props: {
  csrf: string;
  email?: string;
  next: string;
  workspace?: string;
  message?: string;
  /** The workspace offers single sign-on. */
  sso?: boolean;
}) {
  const t = useT();
  return (
    <section class="auth-card">
      <h1>
        {props.workspace
          ? t("login.title_workspace", { workspace: props.workspace })
          : t("login.title")}
      </h1>
      <FormErrors message={props.message} />
      <form method="post" action="/login">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="next" value={props.next} />
        <Field
          label={t("login.email")}
          name="email"
          type="email"
          value={props.email}
          required
          autocomplete="username"
        />
        <Field
          label={t("login.password")}
          name="password"
          type="password"
          required
          autocomplete="current-password"
        />
        <button class="button primary" type="submit">{t("login.submit")}</button>
      </form>
      {props.workspace
        ? <SignInOptions csrf={props.csrf} next={props.next} sso={props.sso ?? false} />
        : null}
      <p class="muted">
        <a href="/forgot-password">{t("login.forgot")}</a>
        {props.workspace ? null : (
          <>
            {" · "}
            <a href="/signup">{t("login.start_trial")}</a>
          </>
        )}
      </p>
    </section>
  );
}

async function showLogin(c: AppContext, status = 200, message?: string, email?: string) {
  const next = safeNext(c.req.query("next"));
  const tenant = c.get("tenant");
  const sso = tenant ? await ssoOffered(c.get("services"), tenant.id) : false;
  return renderPublic(
    c,
    tOf(c)("login.title"),
    <LoginForm
      csrf={c.get("csrfToken")}
      next={next}
      email={email}
      workspace={c.get("tenant")?.name}
      message={message}
      sso={sso}
    />,
    status,
  );
}

app.get("/login", (c) => {
  if (c.get("auth")) return c.redirect(c.get("tenant") ? "/" : "/workspaces", 303);
  return showLogin(c);
});

app.post("/login", async (c) => {
  const body = await readBody(c);
  const parsed = LoginSchema.safeParse(body);
  const email = typeof body.email === "string" ? body.email : "";
  if (!parsed.success) return showLogin(c, 422, tOf(c)("login.enter_email_password"), email);
  const tenant = c.get("tenant");
  try {
    const { user } = await checkCredentials(c.get("services"), {
      ...parsed.data,
      ip: clientIp(c),
      tenantId: tenant?.id ?? null,
    });
    if (await hasSecondFactor(c.get("services").control, user.id)) {
      // The password alone opens nothing: the second step completes this pending sign-in.
      await startSecondStep(c, user);
      const next = tenant ? `?next=${encodeURIComponent(safeNext(String(body.next ?? "")))}` : "";
      return c.redirect(`/login/second-factor${next}`, 303);
    }
    await startSession(c, user.id);
    await recordSignIn(c, user, "form");
    if (tenant) return c.redirect(safeNext(String(body.next ?? "")), 303);
    return c.redirect("/workspaces", 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    await failedSignIn(c, parsed.data.email, err).catch(() => {});
    if (err.status === 429) {
      c.header("Retry-After", String((err.details as { retry_after: number }).retry_after));
    }
    return showLogin(c, err.status, err.message, email);
  }
});

app.post("/logout", async (c) => {
  const auth = c.get("auth");
  if (auth?.sessionToken) await deleteSession(c.get("services"), auth.sessionToken);
  if (auth) await recordSecurityEvent(c, { action: "auth.sign_out" });
  clearSessionCookie(c);
  // The installable app's cached pages and queued actions leave the device with the user
  // (docs/offline.md): the browser empties this workspace's caches and storage.
  if (c.get("tenant")) c.header("Clear-Site-Data", '"cache", "storage"');
  return c.redirect(c.get("tenant") ? "/login" : "/", 303);
});

function WorkspaceList(props: {
  csrf: string;
  name: string;
  workspaces: Array<{ tenantId: string; name: string; slug: string; role: string }>;
}) {
  const t = useT();
  return (
    <section class="auth-card">
      <h1>{t("workspaces.title")}</h1>
      <p class="muted">{t("workspaces.signed_in_as", { name: props.name })}</p>
      {props.workspaces.length === 0
        ? (
          <p>
            {t("workspaces.none")} <a href="/signup">{t("workspaces.create")}</a>.
          </p>
        )
        : (
          <ul class="workspace-list">
            {props.workspaces.map((w) => (
              <li key={w.tenantId}>
                <form method="post" action="/workspaces/enter">
                  <CsrfInput token={props.csrf} />
                  <input type="hidden" name="tenant_id" value={w.tenantId} />
                  <button class="button secondary" type="submit">
                    <strong>{w.name}</strong>{" "}
                    <span class="muted">{w.slug} · {t(`role.${w.role}`)}</span>
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
      <form method="post" action="/logout">
        <CsrfInput token={props.csrf} />
        <button class="button link" type="submit">{t("workspaces.sign_out")}</button>
      </form>
    </section>
  );
}

app.get("/workspaces", async (c) => {
  const auth = c.get("auth");
  if (c.get("tenant")) return c.redirect("/", 303);
  if (!auth) return c.redirect("/login", 303);
  const workspaces = await listWorkspaces(c.get("services").control, auth.userId);
  return renderPublic(
    c,
    tOf(c)("workspaces.title"),
    <WorkspaceList csrf={c.get("csrfToken")} name={auth.name} workspaces={workspaces} />,
  );
});

app.post("/workspaces/enter", async (c) => {
  const auth = c.get("auth");
  if (c.get("tenant") || !auth) return c.redirect("/login", 303);
  const body = await readBody(c);
  const services = c.get("services");
  const workspaces = await listWorkspaces(services.control, auth.userId);
  const target = workspaces.find((w) => w.tenantId === body.tenant_id);
  if (!target) throw new AppError("not_found", 404, "You are not a member of that workspace.");
  // Only a password (and second factor) sign-in here hands the account on (auth/workspace_switch.ts).
  if (!(await sessionMayLeave(services.control, auth.sessionToken, null))) {
    return c.redirect(`${tenantOrigin(target.slug, services.config, c.req.url)}/login`, 303);
  }
  // The link opens only in this browser (auth/handoff.ts): a link handed to someone else is dead.
  const token = await createHandoff(
    services.control,
    auth.userId,
    target.tenantId,
    "sign_in",
    bindHandoffToBrowser(c),
  );
  const origin = tenantOrigin(target.slug, services.config, c.req.url);
  return c.redirect(`${origin}/auth/handoff?token=${encodeURIComponent(token)}`, 303);
});

export default app;
