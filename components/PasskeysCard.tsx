/**
 * @module components/PasskeysCard
 * Settings → Profile: the member's passkeys in this workspace (name, created, last used), a remove
 * form for each and the island that adds one, both asking for the password (auth/confirm_password.ts)
 * unless the account has none (made by single sign-on).
 */
import type { PasskeySummary } from "../auth/passkeys.ts";
import { Island } from "../framework/island.tsx";
import PasskeyButton from "../islands/PasskeyButton.tsx";
import { CsrfInput, FormErrors } from "./Form.tsx";
import { ListTable } from "./ListTable.tsx";
import { useLanguage, useT } from "./Words.tsx";
import { messagesFor } from "../i18n/mod.ts";
import type { Translate } from "../i18n/mod.ts";

function when(instant: string | null, t: Translate): string {
  return instant ? instant.slice(0, 16).replace("T", " ") + " UTC" : t("passkeys.never");
}

/** The messages the passkey button island shows. */
export const PASSKEY_BUTTON_MESSAGES = [
  "passkey_button.closed",
  "passkey_button.unsupported",
  "passkey_button.name",
  "passkey_button.name_placeholder",
  "passkey_button.sign_in",
  "passkey_button.add",
  "passkey_button.password",
] as const;

/** The Passkeys card of the profile page; `host` is the address the passkeys belong to. */
export function PasskeysCard(props: {
  csrf: string;
  host: string;
  passkeys: PasskeySummary[];
  /** The outcome of the last change, from the `passkey` query parameter. */
  outcome?: string;
  /** The account has a password to confirm changes with (one made by single sign-on has none). */
  askPassword: boolean;
}) {
  const t = useT();
  const language = useLanguage();
  const notice = props.outcome === "added"
    ? t("passkeys.added")
    : props.outcome === "removed"
    ? t("passkeys.removed")
    : undefined;
  const error = props.outcome === "wrong-password"
    ? t("passkeys.wrong_password")
    : props.outcome === "wait"
    ? t("passkeys.wait")
    : undefined;
  return (
    <section class="card" id="passkeys">
      <h2>{t("passkeys.title")}</h2>
      <p class="muted">{t("passkeys.intro", { host: props.host })}</p>
      {notice ? <p class="flash success" role="status">{notice}</p> : null}
      <FormErrors message={error} />
      <ListTable
        id="passkey-list"
        caption={t("passkeys.caption")}
        columns={[t("passkeys.name"), t("passkeys.created"), t("passkeys.last_used"), null]}
        empty={t("passkeys.empty")}
        rows={props.passkeys.map((p) => (
          <tr key={p.id}>
            <td>{p.name}</td>
            <td>{when(p.created_at, t)}</td>
            <td>{when(p.last_used_at, t)}</td>
            <td>
              <form
                method="post"
                action={`/settings/profile/passkeys/${p.id}/remove`}
                class="inline-form"
              >
                <CsrfInput token={props.csrf} />
                {props.askPassword
                  ? (
                    <>
                      <label class="visually-hidden" for={`remove-${p.id}`}>
                        {t("passkeys.remove_password", { name: p.name })}
                      </label>
                      <input
                        id={`remove-${p.id}`}
                        name="password"
                        type="password"
                        required
                        autocomplete="current-password"
                        placeholder={t("passkeys.password")}
                      />
                    </>
                  )
                  : null}
                <button
                  class="button danger small"
                  type="submit"
                  aria-label={t("passkeys.remove_named", { name: p.name })}
                >
                  {t("passkeys.remove")}
                </button>
              </form>
            </td>
          </tr>
        ))}
      />
      <Island
        name="PasskeyButton"
        component={PasskeyButton}
        props={{
          mode: "register" as const,
          csrf: props.csrf,
          askPassword: props.askPassword,
          language,
          messages: messagesFor(language, PASSKEY_BUTTON_MESSAGES),
        }}
      />
    </section>
  );
}
