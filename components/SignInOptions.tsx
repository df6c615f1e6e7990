/**
 * @module components/SignInOptions
 * The workspace login page's other ways in, under the password form: a passkey (the island asks
 * the browser; no e-mail typed) and, when the workspace has it, its identity provider.
 */
import { Island } from "../framework/island.tsx";
import PasskeyButton from "../islands/PasskeyButton.tsx";
import { PASSKEY_BUTTON_MESSAGES } from "./PasskeysCard.tsx";
import { useLanguage, useT } from "./Words.tsx";
import { messagesFor } from "../i18n/mod.ts";

/** Passkey and single sign-on buttons; `next` is the same-site path to return to. */
export function SignInOptions(props: { csrf: string; next: string; sso: boolean }) {
  const t = useT();
  const language = useLanguage();
  return (
    <div class="sign-in-options" aria-label={t("login.other_ways")} role="group">
      <p class="muted">{t("login.or")}</p>
      <Island
        name="PasskeyButton"
        component={PasskeyButton}
        props={{
          mode: "sign-in" as const,
          csrf: props.csrf,
          next: props.next,
          language,
          messages: messagesFor(language, PASSKEY_BUTTON_MESSAGES),
        }}
      />
      {props.sso
        ? (
          <a
            class="button secondary"
            id="sso-sign-in"
            href={`/auth/sso/start?next=${encodeURIComponent(props.next)}`}
          >
            {t("login.sso")}
          </a>
        )
        : null}
    </div>
  );
}
