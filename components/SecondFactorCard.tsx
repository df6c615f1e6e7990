/**
 * @module components/SecondFactorCard
 * Settings → Profile → Two-step sign-in: the authenticator app's state and its forms. Enrolment
 * shows the secret as text, as an otpauth:// link and as a QR code (an SVG made on the server),
 * then asks for a first code; the recovery codes are shown once, right after.
 */
import { CsrfInput, Field, FormErrors } from "./Form.tsx";
import { useT } from "./Words.tsx";

export type SecondFactorView =
  /** `askPassword`: starting asks for the password (none for an account made by single sign-on). */
  | { state: "off"; required: boolean; askPassword: boolean }
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
  const t = useT();
  return (
    <form method="post" action={props.action}>
      <CsrfInput token={props.csrf} />
      <Field
        label={t("two_step.your_password")}
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
  const t = useT();
  return (
    <section class="card" aria-labelledby="recovery-title">
      <h2 id="recovery-title">{t("two_step.codes_title")}</h2>
      <p>{t("two_step.codes_text")}</p>
      <ol class="recovery-codes">
        {props.codes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <a class="button primary" href="/settings/profile">{t("two_step.saved_them")}</a>
    </section>
  );
}

/** The forms of the two-step sign-in page for each state. */
export function SecondFactorPage(
  props: { csrf: string; view: SecondFactorView; error?: string; field?: string },
) {
  const { view, csrf } = props;
  const t = useT();
  if (view.state === "on") {
    return (
      <section class="card" aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">{t("two_step.is_on")}</h2>
        <FormErrors message={props.error} />
        <p>
          {t("two_step.codes_left")} <strong>{view.recoveryCodesLeft}</strong>{" "}
          {t("two_step.of_ten")}
        </p>
        <h3>{t("two_step.new_codes")}</h3>
        <p class="muted">{t("two_step.old_stop")}</p>
        <PasswordForm
          csrf={csrf}
          action="/settings/profile/second-factor/recovery-codes"
          label={t("two_step.new_codes")}
          error={props.field === "recovery" ? props.error : undefined}
        />
        <h3>{t("two_step.turn_off_heading")}</h3>
        <PasswordForm
          csrf={csrf}
          action="/settings/profile/second-factor/disable"
          label={t("two_step.turn_off")}
          error={props.field === "disable" ? props.error : undefined}
        />
      </section>
    );
  }
  if (view.state === "off") {
    return (
      <section class="card" aria-labelledby="second-factor-title">
        <h2 id="second-factor-title">{t("two_step.set_up")}</h2>
        {view.required
          ? (
            <p class="flash warn" role="status">
              {t("two_step.required")}
            </p>
          )
          : null}
        <FormErrors message={props.error} />
        <p>{t("two_step.need_app")}</p>
        {view.askPassword
          ? (
            <PasswordForm
              csrf={csrf}
              action="/settings/profile/second-factor/start"
              label={t("two_step.start")}
              error={props.field === "start" ? props.error : undefined}
            />
          )
          : (
            <form method="post" action="/settings/profile/second-factor/start">
              <CsrfInput token={csrf} />
              <button class="button primary" type="submit">{t("two_step.start")}</button>
            </form>
          )}
      </section>
    );
  }
  return (
    <section class="card" aria-labelledby="second-factor-title">
      <h2 id="second-factor-title">{t("two_step.add_title")}</h2>
      <FormErrors message={props.error} />
      <ol>
        <li>
          {t("two_step.scan")} <a href={view.uri}>{t("two_step.open_link")}</a>{" "}
          {t("two_step.scan_tail")}
          <p>
            <img
              src={`data:image/svg+xml;base64,${btoa(view.qrSvg)}`}
              width="200"
              height="200"
              alt={t("two_step.qr_alt")}
            />
          </p>
          <p>
            {t("two_step.key")}{" "}
            <code id="totp-secret">{view.secret.replace(/(.{4})/g, "$1 ").trim()}</code>
          </p>
        </li>
        <li>{t("two_step.type_code")}</li>
      </ol>
      <form method="post" action="/settings/profile/second-factor/confirm">
        <CsrfInput token={csrf} />
        <Field
          label={t("two_step.code")}
          name="code"
          required
          autocomplete="one-time-code"
          inputMode="numeric"
          error={props.field === "code" ? props.error : undefined}
        />
        <button class="button primary" type="submit">{t("two_step.turn_on")}</button>
      </form>
    </section>
  );
}
