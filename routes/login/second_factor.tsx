import { Hono } from "hono";
import { z } from "zod";
import type { AppContext, AppEnv } from "../../http/env.ts";
import { readBody, safeNext } from "../../http/guards.ts";
import { renderPublic } from "../../http/page.tsx";
import { clearPendingSignInCookie, pendingSignInToken, startSession } from "../../auth/cookies.ts";
import { completePendingSignIn, findPendingSignIn } from "../../auth/second_factor.ts";
import { recoveryCodesLeft } from "../../auth/recovery_codes.ts";
import { findUserById } from "../../auth/users.ts";
import { AppError } from "../../domain/errors.ts";
import { recordSecurityEvent, recordSignIn } from "../../security/events.ts";
import { CsrfInput, Field, FormErrors } from "../../components/Form.tsx";

const CodeForm = z.object({
  code: z.string().trim().min(1, "Type the code.").max(40),
  next: z.string().max(2000).optional(),
});

function SecondStep(props: { csrf: string; next: string; message?: string; dead?: boolean }) {
  return (
    <section class="auth-card">
      <h1>Second step</h1>
      <FormErrors message={props.message} />
      {props.dead
        ? (
          <p>
            <a class="button primary" href="/login">Sign in again</a>
          </p>
        )
        : (
          <form method="post" action="/login/second-factor">
            <CsrfInput token={props.csrf} />
            <input type="hidden" name="next" value={props.next} />
            <Field
              label="Code"
              name="code"
              required
              autocomplete="one-time-code"
              hint="The 6-digit code your authenticator app shows now, or one of your recovery codes."
            />
            <button class="button primary" type="submit">Continue</button>
          </form>
        )}
      <p class="muted">
        Lost your phone and your recovery codes? Ask your workspace's owner, who can remove you and
        invite you again.
      </p>
    </section>
  );
}

function show(c: AppContext, status = 200, message?: string, dead = false) {
  return renderPublic(
    c,
    "Second step",
    <SecondStep
      csrf={c.get("csrfToken")}
      next={safeNext(c.req.query("next"))}
      message={message}
      dead={dead}
    />,
    status,
  );
}

const app = new Hono<AppEnv>();

app.get("/login/second-factor", async (c) => {
  const token = pendingSignInToken(c);
  const pending = token
    ? await findPendingSignIn(c.get("services"), token, c.get("tenant")?.id ?? null)
    : null;
  if (!pending) {
    clearPendingSignInCookie(c);
    return c.redirect("/login", 303);
  }
  return show(c);
});

app.post("/login/second-factor", async (c) => {
  const services = c.get("services");
  const tenant = c.get("tenant");
  const parsed = CodeForm.safeParse(await readBody(c));
  if (!parsed.success) return show(c, 422, "Type the code your app shows, or a recovery code.");
  const token = pendingSignInToken(c) ?? "";
  try {
    const { userId, method } = await completePendingSignIn(
      services,
      token,
      tenant?.id ?? null,
      parsed.data.code,
    );
    const user = await findUserById(services.control, userId);
    if (!user) return show(c, 401, "Sign in again.", true);
    clearPendingSignInCookie(c);
    await startSession(c, user.id);
    if (method === "recovery_code") {
      await recordSecurityEvent(c, {
        action: "auth.recovery_code.used",
        actor: { userId: user.id, email: user.email },
        details: { left: await recoveryCodesLeft(services.control, user.id) },
      });
    }
    await recordSignIn(c, user, `form+${method}`);
    if (tenant) return c.redirect(safeNext(parsed.data.next), 303);
    return c.redirect("/workspaces", 303);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    await recordSecurityEvent(c, {
      action: err.status === 429 ? "auth.second_factor.throttled" : "auth.second_factor.failed",
      details: { status: err.status },
    });
    if (err.status === 401) {
      clearPendingSignInCookie(c);
      return show(c, 401, err.message, true);
    }
    if (err.status === 429) {
      c.header("Retry-After", String((err.details as { retry_after: number }).retry_after));
    }
    return show(c, err.status, err.message);
  }
});

export default app;
