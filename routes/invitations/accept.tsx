import { Hono } from "hono";
import { recordSecurityEvent } from "../../security/events.ts";
import { getCookie } from "hono/cookie";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { tenantOf } from "../../http/env.ts";
import { readBody, tenantOnly } from "../../http/guards.ts";
import { renderPublic } from "../../http/page.tsx";
import {
  acceptInvitation,
  type InvitationPreview,
  lookupInvitation,
} from "../../auth/invitations.ts";
import { startSession } from "../../auth/cookies.ts";
import { hasSecondFactor } from "../../auth/second_factor.ts";
import { ssoRequiredFor } from "../../auth/sso.ts";
import { findUserById } from "../../auth/users.ts";
import { startSecondStep } from "../../auth/cookies.ts";
import { deleteSession, SESSION_COOKIE } from "../../auth/sessions.ts";
import { AppError } from "../../domain/errors.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";

const app = new Hono<AppEnv>();
app.use("/invitations/accept", tenantOnly());

function AcceptForm(
  props: {
    csrf: string;
    token: string;
    invite: InvitationPreview;
    signedInAs?: string;
    error?: string;
  },
) {
  const { invite } = props;
  const sameUser = props.signedInAs?.toLowerCase() === invite.email.toLowerCase();
  return (
    <section class="auth-card">
      <h1>Join {invite.tenant.name}</h1>
      <p>
        You were invited as <strong>{invite.role}</strong> with <strong>{invite.email}</strong>.
      </p>
      <FormErrors message={props.error} />
      <form method="post" action="/invitations/accept">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        {sameUser ? null : invite.account_exists
          ? (
            <Field
              label="Your password"
              name="password"
              type="password"
              required
              autocomplete="current-password"
              hint="You already have an account: enter its password."
            />
          )
          : (
            <>
              <Field label="Your name" name="name" required autocomplete="name" />
              <Field
                label="Choose a password"
                name="password"
                type="password"
                required
                autocomplete="new-password"
                hint="At least 10 characters."
              />
            </>
          )}
        <button class="button primary" type="submit">Accept and sign in</button>
      </form>
    </section>
  );
}

async function show(c: AppContext, token: string, error?: string, status = 200) {
  try {
    const invite = await lookupInvitation(c.get("services"), token, tenantOf(c).id);
    return renderPublic(
      c,
      `Join ${invite.tenant.name}`,
      <AcceptForm
        csrf={c.get("csrfToken")}
        token={token}
        invite={invite}
        signedInAs={c.get("auth")?.email}
        error={error}
      />,
      status,
    );
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return renderPublic(
      c,
      "Invitation",
      <section class="auth-card">
        <h1>This invitation cannot be used</h1>
        <p>{err.message}</p>
        <p>
          <a href="/login">Sign in</a>
        </p>
      </section>,
      err.status,
    );
  }
}

app.get("/invitations/accept", (c) => show(c, c.req.query("token") ?? ""));

app.post("/invitations/accept", async (c) => {
  const body = await readBody(c);
  const token = String(body.token ?? "");
  const services = c.get("services");
  const auth = c.get("auth");
  try {
    const password = typeof body.password === "string" && body.password !== ""
      ? body.password
      : undefined;
    const accepted = await acceptInvitation(
      services,
      token,
      tenantOf(c).id,
      auth && password === undefined
        ? { userId: auth.userId }
        : { name: String(body.name ?? ""), password: password ?? "" },
    );
    const byPassword = !(auth && password === undefined);
    if (byPassword && await ssoRequiredFor(services, tenantOf(c).id, accepted.role)) {
      // Joined, but where single sign-on is required a password opens no session: the provider.
      await recordSecurityEvent(c, {
        action: "invitation.accepted",
        actor: { userId: accepted.userId },
        details: { role: accepted.role, created_user: accepted.createdUser, sso_required: true },
      });
      return c.redirect("/auth/sso/start", 303);
    }
    const user = byPassword ? await findUserById(services.control, accepted.userId) : null;
    if (user && await hasSecondFactor(services.control, user.id)) {
      // The membership is made, but a password alone opens no session: the second step does.
      await recordSecurityEvent(c, {
        action: "invitation.accepted",
        actor: { userId: accepted.userId },
        details: { role: accepted.role, created_user: accepted.createdUser },
      });
      await startSecondStep(c, user);
      return c.redirect("/login/second-factor?next=%2F", 303);
    }
    const previous = getCookie(c, SESSION_COOKIE);
    if (previous) await deleteSession(services, previous);
    await startSession(c, accepted.userId);
    await recordSecurityEvent(c, {
      action: "invitation.accepted",
      actor: { userId: accepted.userId },
      details: { role: accepted.role, created_user: accepted.createdUser },
    });
    return c.redirect("/", 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    return show(c, token, err.message, err.status);
  }
});

export default app;
