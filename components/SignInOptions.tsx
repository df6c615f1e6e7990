/**
 * @module components/SignInOptions
 * The workspace login page's other ways in, under the password form: a passkey (the island asks
 * the browser; no e-mail typed) and, when the workspace has it, its identity provider.
 */
import { Island } from "../framework/island.tsx";
import PasskeyButton from "../islands/PasskeyButton.tsx";

/** Passkey and single sign-on buttons; `next` is the same-site path to return to. */
export function SignInOptions(props: { csrf: string; next: string; sso: boolean }) {
  return (
    <div class="sign-in-options" aria-label="Other ways to sign in" role="group">
      <p class="muted">Or</p>
      <Island
        name="PasskeyButton"
        component={PasskeyButton}
        props={{ mode: "sign-in" as const, csrf: props.csrf, next: props.next }}
      />
      {props.sso
        ? (
          <a
            class="button secondary"
            id="sso-sign-in"
            href={`/auth/sso/start?next=${encodeURIComponent(props.next)}`}
          >
            Sign in with SSO
          </a>
        )
        : null}
    </div>
  );
}
