import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { readBody } from "../../http/guards.ts";
import { renderPublic } from "../../http/page.tsx";
import { peekEmailToken } from "../../auth/email_tokens.ts";
import { unlockAccount } from "../../auth/unlock.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import { CsrfInput, FormErrors } from "../../components/Form.tsx";

const TokenForm = z.object({ token: z.string().min(20).max(100) });
const DEAD = "This link has expired or was already used. Wait a few minutes, or reset your " +
  "password, which also lifts the wait.";

function UnlockCard(props: { csrf: string; token?: string; message?: string; done?: boolean }) {
  return (
    <section class="auth-card">
      <h1>Lift the sign-in wait</h1>
      <FormErrors message={props.message} />
      {props.done
        ? (
          <>
            <p role="status">Done: you can sign in now.</p>
            <a class="button primary" href="/login">Sign in</a>
          </>
        )
        : props.token
        ? (
          <form method="post" action="/login/unlock">
            <CsrfInput token={props.csrf} />
            <input type="hidden" name="token" value={props.token} />
            <p>Failed sign-ins slowed your account. If they were yours, lift the wait now.</p>
            <button class="button primary" type="submit">Lift the wait</button>
          </form>
        )
        : <a class="button secondary" href="/forgot-password">Reset your password</a>}
    </section>
  );
}

function show(
  c: AppContext,
  props: { token?: string; message?: string; done?: boolean },
  status = 200,
) {
  return renderPublic(
    c,
    "Lift the sign-in wait",
    <UnlockCard csrf={c.get("csrfToken")} {...props} />,
    status,
  );
}

const app = new Hono<AppEnv>();

// A page with a button, not an action on GET: mail scanners open links.
app.get("/login/unlock", async (c) => {
  const token = c.req.query("token") ?? "";
  const live = await peekEmailToken(c.get("services").control, token, "unlock");
  return live ? show(c, { token }) : show(c, { message: DEAD }, 400);
});

app.post("/login/unlock", async (c) => {
  const parsed = TokenForm.safeParse(await readBody(c));
  const user = parsed.success ? await unlockAccount(c.get("services"), parsed.data.token) : null;
  if (!user) return show(c, { message: DEAD }, 400);
  await recordSecurityEvent(c, {
    action: "auth.throttle.lifted",
    actor: { userId: user.id, email: user.email },
    details: { via: "unlock_link" },
  });
  return show(c, { done: true });
});

export default app;
