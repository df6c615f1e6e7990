/**
 * @module components/SecondFactorPolicyCard
 * Settings → Members, for owners: require two-step sign-in of every member of the workspace.
 */
import { CsrfInput, FormErrors } from "./Form.tsx";

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
  return (
    <section class="card" aria-labelledby="policy-title">
      <h2 id="policy-title">Two-step sign-in for everyone</h2>
      <FormErrors message={props.error} />
      <p>
        {policy.required
          ? <span class="badge ok">required</span>
          : <span class="badge">optional</span>} {policy.required
          ? "Every member must use an authenticator app. Members without one are asked to set " +
            "it up right after their password, before anything else; their API tokens are " +
            "refused until they do."
          : "When required, members without an authenticator app must set one up the next time " +
            "they use the workspace."}
      </p>
      <p class="muted">
        Members without two-step sign-in: <strong>{policy.membersWithout}</strong>
      </p>
      <form method="post" action="/settings/members/second-factor-policy">
        <CsrfInput token={props.csrf} />
        <input type="hidden" name="required" value={policy.required ? "0" : "1"} />
        <button class="button secondary" type="submit">
          {policy.required ? "Stop requiring two-step sign-in" : "Require two-step sign-in"}
        </button>
      </form>
    </section>
  );
}
