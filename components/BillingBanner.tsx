/**
 * @module components/BillingBanner
 * The notice at the top of every workspace page while payment needs attention: a warning during
 * the grace period, an error once the workspace is read-only. Plain data in, no billing logic.
 */

export interface BillingBannerProps {
  mode: "grace" | "read_only";
  message: string;
  /** Link to the billing page, for members who may pay; null for the others. */
  billingUrl: string | null;
}

/** The grace or read-only banner. */
export function BillingBanner(props: BillingBannerProps) {
  return (
    <div
      class={props.mode === "grace" ? "flash warning" : "flash error"}
      role="status"
      id="billing-banner"
    >
      <p>
        <strong>{props.mode === "grace" ? "Payment problem." : "Read-only workspace."}</strong>{" "}
        {props.message}
      </p>
      {props.billingUrl
        ? <a href={props.billingUrl}>Update billing</a>
        : <span>Ask the workspace owner to update billing.</span>}
    </div>
  );
}
