/**
 * @module components/BillingBanner
 * The notice at the top of every workspace page while payment needs attention: a warning during
 * the grace period, an error once the workspace is read-only. Plain data in, no billing logic.
 */
import { useT } from "./Words.tsx";
import { CATALOGUES } from "../i18n/mod.ts";
import { translateErrorText } from "../domain/error_text.ts";

export interface BillingBannerProps {
  mode: "grace" | "read_only";
  message: string;
  /** Link to the billing page, for members who may pay; null for the others. */
  billingUrl: string | null;
}

/** The grace or read-only banner, in the page's language (billing writes its message in English). */
export function BillingBanner(props: BillingBannerProps) {
  const t = useT();
  return (
    <div
      class={props.mode === "grace" ? "flash warning" : "flash error"}
      role="status"
      id="billing-banner"
    >
      <p>
        <strong>
          {t(
            props.mode === "grace" ? "service.banner.payment_problem" : "service.banner.read_only",
          )}
        </strong>{" "}
        {translateErrorText(props.message, CATALOGUES.en, t)}
      </p>
      {props.billingUrl
        ? <a href={props.billingUrl}>{t("service.banner.update_billing")}</a>
        : <span>{t("service.refusal.ask_owner")}</span>}
    </div>
  );
}
