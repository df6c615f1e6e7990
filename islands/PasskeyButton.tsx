/**
 * @module islands/PasskeyButton
 * Adds a passkey (Settings → Profile) or signs in with one (the login page) through the browser's
 * WebAuthn prompt (@simplewebauthn/browser) and the passkey API. The server keeps the challenge
 * and checks everything; this only carries options and answers. Without WebAuthn (or without
 * JavaScript) the button says passkeys are not available here and password sign-in remains.
 */
import { useEffect, useState } from "preact/hooks";
import {
  browserSupportsWebAuthn,
  startAuthentication,
  startRegistration,
} from "@simplewebauthn/browser";
import { isLanguage, type Messages, translatorOf } from "../i18n/format.ts";

type Props = {
  mode: "register" | "sign-in";
  csrf: string;
  /** Where to go after signing in (a same-site path). */
  next?: string;
  /** Adding one asks for the account's password (none for an account made by single sign-on). */
  askPassword?: boolean;
  /** The page's language and the button's messages (components/PasskeysCard.tsx). */
  language: string;
  messages: Messages;
};

async function post(path: string, csrf: string, body?: unknown) {
  const res = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrf },
    body: JSON.stringify(body ?? {}),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(json?.error?.message ?? `The server answered ${res.status}.`);
  return json;
}

function cancelled(err: unknown): boolean {
  return err instanceof Error && err.name === "NotAllowedError";
}

export default function PasskeyButton(props: Props) {
  const t = translatorOf(isLanguage(props.language) ? props.language : "en", props.messages);
  const [supported, setSupported] = useState(true);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState("");
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  useEffect(() => setSupported(browserSupportsWebAuthn()), []);

  const run = async () => {
    setBusy(true);
    setMessage("");
    try {
      if (props.mode === "sign-in") {
        const options = await post("/api/v1/auth/passkeys/sign-in-options", props.csrf);
        const response = await startAuthentication({ optionsJSON: options });
        await post("/api/v1/auth/passkeys/sign-in", props.csrf, { response });
        location.assign(props.next ?? "/");
      } else {
        const options = await post(
          "/api/v1/auth/passkeys/registration-options",
          props.csrf,
          props.askPassword ? { password } : {},
        );
        const response = await startRegistration({ optionsJSON: options });
        await post("/api/v1/auth/passkeys", props.csrf, {
          name: name.trim() || "Passkey",
          response,
        });
        location.assign("/settings/profile?passkey=added");
      }
    } catch (err) {
      setMessage(
        cancelled(err) ? t("passkey_button.closed") : (err as Error).message,
      );
      setBusy(false);
    }
  };

  if (!supported) {
    return <p class="muted">{t("passkey_button.unsupported")}</p>;
  }
  return (
    <div class="passkey" data-passkey={props.mode}>
      {props.mode === "register"
        ? (
          <div class="field">
            <label for="passkey-name">{t("passkey_button.name")}</label>
            <input
              id="passkey-name"
              value={name}
              maxLength={60}
              placeholder={t("passkey_button.name_placeholder")}
              onInput={(e) => setName((e.target as HTMLInputElement).value)}
            />
          </div>
        )
        : null}
      {props.mode === "register" && props.askPassword
        ? (
          <div class="field">
            <label for="passkey-password">{t("passkey_button.password")}</label>
            <input
              id="passkey-password"
              type="password"
              autocomplete="current-password"
              value={password}
              onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
            />
          </div>
        )
        : null}
      <button
        type="button"
        class={`button ${props.mode === "sign-in" ? "secondary" : "primary"}`}
        onClick={run}
        disabled={busy}
        data-passkey-button
      >
        {props.mode === "sign-in" ? t("passkey_button.sign_in") : t("passkey_button.add")}
      </button>
      <p class="error" role="status" aria-live="polite" data-passkey-message>{message}</p>
    </div>
  );
}
