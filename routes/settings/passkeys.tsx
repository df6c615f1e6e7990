import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { removePasskey } from "../../auth/passkeys.ts";
import { AppError } from "../../domain/errors.ts";
import { recordSecurityEvent } from "../../security/events.ts";

const RemoveForm = z.object({ password: z.string().min(1).max(200) });

const app = new Hono<AppEnv>();
app.use("/settings/profile/passkeys/*", memberPage());

// Adding a passkey needs the browser's WebAuthn prompt (islands/PasskeyButton.tsx and the passkey
// API); removing one is a plain form with the password.
app.post("/settings/profile/passkeys/:id/remove", async (c) => {
  const parsed = RemoveForm.safeParse(await readBody(c));
  const password = parsed.success ? parsed.data.password : "";
  let outcome = "removed";
  try {
    const removed = await removePasskey(
      c.get("services"),
      tenantOf(c).id,
      principalOf(c).userId,
      c.req.param("id").slice(0, 40),
      password,
    );
    await recordSecurityEvent(c, {
      action: "auth.passkey.removed",
      target: removed.name,
      details: { passkey_id: removed.id },
    });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    if (err.status === 404) throw err;
    outcome = err.status === 429 ? "wait" : "wrong-password";
  }
  return c.redirect(`/settings/profile?passkey=${outcome}#passkeys`, 303);
});

export default app;
