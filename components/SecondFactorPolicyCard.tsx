/**
 * @module components/SecondFactorPolicyCard
 * Settings → Members, for owners: require two-step sign-in of every member of the workspace.
 */
import { CsrfInput, FormErrors } from "./Form.tsx";
import { useT } from "./Words.tsx";

export interface SecondFactorPolicyView {
  required: boolean;
  /** Members with no second factor yet (they will be asked to set one up). */
  membersWithout: number;
}

/** The policy's state and the form that turns it on or off. */
export function SecondFactorPolicyCard(
  props: { csrf: string; policy: SecondFactorPolicyView; error?: string },
) {
  const { policy } = props;
  const t = useT();
  return (
    <section class="card" aria-labelledby="policy-title">
      <h2 id="policy-title">{t("policy.title")}</h2>
      <FormErrors message={props.error} />
      <p>
        {policy.required
          ? <span class="badge ok">{t("policy.required")}</span>
          : <span class="badge">{t("policy.optional")}</span>}{" "}
        {policy.required ? t("policy.required_text") : t("policy.optional_text")}
      </p>
      <p class="muted">
        {t("policy.members_without")} <strong>{policy.membersWithout}</strong>
      </p>
      <form method="post" action="/settings/members/second-factor-policy">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="required" value={policy.required ? "0" : "1"} />
        <button class="button secondary" type="submit">
          {policy.required ? t("policy.stop") : t("policy.require")}
        </button>
      </form>
    </section>
  );
}
