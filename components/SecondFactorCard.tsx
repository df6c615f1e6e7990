/**
 * @module components/SecondFactorCard
 * Settings → Profile → Two-step sign-in: the authenticator app's state and its forms. Enrolment
 * shows the secret as text, as an otpauth:// link and as a QR code (an SVG made on the server),
 * then asks for a first code; the recovery codes are shown once, right after.
 */
import { CsrfInput, Field, FormErrors } from "./Form.tsx";
import { useT } from "./Words.tsx";

export type SecondFactorView =
  | { state: "off"; required: boolean }
  | { state: "enrolling"; secret: string; uri: string; qrSvg: string; required: boolean }
  | { state: "on"; recoveryCodesLeft: number };

/** The short status card on the profile page, linking to the page with the forms. */
export function SecondFactorSummary(props: { on: boolean; required: boolean }) {
  const t = useT();
  return (
    <section class="card" aria-labelledby="second-factor-title">
      <h2 id="second-factor-title">{t("second_factor.title")}</h2>
      <p>
        {props.on
          ? <span class="badge ok">{t("second_factor.on")}</span>
          : <span class="badge warn">{t("second_factor.off")}</span>}{" "}
        {props.on ? t("second_factor.on_text") : t("second_factor.off_text")}
        {props.required && !props.on ? ` ${t("second_factor.required")}` : ""}
      </p>
      <a class="button secondary" href="/settings/profile/second-factor">
        {props.on ? t("second_factor.manage") : t("second_factor.set_up")}
      </a>
    </section>
  );
}

function PasswordForm(props: { csrf: string; action: string; label: string; error?: string }) {
  return (
    <form method="post" action={props.action}>
      <CsrfInput token={props.csrf} />
      <Field
        label="Your password"
        name="password"
        type="password"
        error={props.error}
        required
        autocomplete="current-password"
      />
      <button class="button secondary" type="submit">{props.label}</button>
    </form>
  );
}

/** The recovery codes, shown once after enrolment or after making new ones. */
export function RecoveryCodes(props: { codes: string[] }) {
  return (
    <section class="card" aria-labelledby="recovery-title">
      <h2 id="recovery-title">Your recovery codes</h2>
      <p>
        Keep these somewhere safe, away from your phone: each one signs you in once if you lose your
        authenticator app. They are shown only now.
      </p>
      <ol class="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <a class="button primary" href="/settings/profile">I have saved them</a>
    </section>
  );
}

/** The forms of the two-step sign-in page for each state. */
export function SecondFactorPage(
  props: { csrf: string; view: SecondFactorView; error?: string; field?: string },
) {
  const { view, csrf } = props;
  if (view.state === "on") {
    return (
      <section class="card" aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">Two-step sign-in is on</h2>
        <FormErrors message={props.error} />
        <p>
          Recovery codes left: <strong>{view.recoveryCodesLeft}</strong> of 10.
        </p>
        <h3>Make new recovery codes</h3>
        <p class="muted">The old ones stop working.</p>
        <PasswordForm
          csrf={csrf}
          action="/settings/profile/second-factor/recovery-codes"
          label="Make new recovery codes"
          error={props.field === "recovery" ? props.error : undefined}
        />
        <h3>Turn off</h3>
        <PasswordForm
          csrf={csrf}
          action="/settings/profile/second-factor/disable"
          label="Turn off two-step sign-in"
          error={props.field === "disable" ? props.error : undefined}
        />
      </section>
    );
  }
  if (view.state === "off") {
    return (
      <section class="card" aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">Set up two-step sign-in</h2>
        {view.required
          ? (
            <p class="flash warn" role="status">
              This workspace requires two-step sign-in: set it up to continue.
            </p>
          )
          : null}
        <FormErrors message={props.error} />
        <p>
          You need an authenticator app on your phone (such as Google Authenticator, Microsoft
          Authenticator, 1Password or Aegis).
        </p>
        <form method="post" action="/settings/profile/second-factor/start">
          <CsrfInput token={csrf} />
          <button class="button primary" type="submit">Start</button>
        </form>
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="second-factor-title">
      <h2 id="second-factor-title">Add ProjectMeats to your authenticator app</h2>
      <FormErrors message={props.error} />
      <ol>
        <li>
          Scan this code with the app, or <a href={view.uri}>open the setup link</a>{" "}
          on this device, or type the key by hand:
          <p>
            <img
              src={`data:image/svg+xml;base64,${btoa(view.qrSvg)}`}
              width="200"
              height="200"
              alt="QR code of the setup link"
            />
          </p>
          <p>
            Key: <code id="totp-secret">{view.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
          </p>
        </li>
        <li>Type the 6-digit code the app now shows.</li>
      </ol>
      <form method="post" action="/settings/profile/second-factor/confirm">
        <CsrfInput token={csrf} />
        <Field
          label="Code from the app"
          name="code"
          required
          autocomplete="one-time-code"
          inputMode="numeric"
          error={props.field === "code" ? props.error : undefined}
        />
        <button class="button primary" type="submit">Turn on</button>
      </form>
    </section>
  );
}
