/**
 * @module components/DeletionBanner
 * The notice at the top of every workspace page while the owner's deletion is pending: the date
 * it will be deleted for good, and for owners a Cancel button. Plain data in.
 */
import { CsrfInput } from "./Form.tsx";
import { useT } from "./Words.tsx";

export interface DeletionBannerProps {
  /** The purge instant, already written in the workspace's time zone. */
  when: string;
  /** Owners may cancel; others are told to ask one. */
  canCancel: boolean;
  csrfToken: string;
}

/** "This workspace will be deleted on ..." with Cancel for owners. */
export function DeletionBanner(props: DeletionBannerProps) {
  const t = useT();
  return (
    <div class="flash error" role="status" id="deletion-banner">
      <p>
        <strong>{t("deletion_banner.will_be_deleted")}</strong>{" "}
        {t("deletion_banner.text", { when: props.when })}{" "}
        <a href="/settings/data">{t("deletion_banner.settings_data")}</a>.
      </p>
      {props.canCancel
        ? (
          <form method="post" action="/settings/data/deletion/cancel">
            <CsrfInput token={props.csrfToken} />
            <button type="submit" class="button">{t("deletion_banner.cancel")}</button>
          </form>
        )
        : <span>{t("deletion_banner.ask_owner")}</span>}
    </div>
  );
}

/** The purge instant in the workspace's time zone, e.g. "December 20, 2026 at 9:15 AM CST". */
export function deletionDate(purgeAfter: string, timeZone: string): string {
  return new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(purgeAfter));
}
