/**
 * @module components/AccountNotice
 * The one-time notices of an account's first steps, shown on whichever page the step lands on:
 * after signup, "check your e-mail" with the address the confirmation link went to; after the
 * link is opened, that the address is confirmed. Chosen by a fixed query flag, never by text
 * from the URL, so a crafted link cannot put words on the page.
 */

export type AccountNoticeKind = "welcome" | "email_verified";

/** Which notice a request's query asks for (`?welcome=1`, `?email_verified=1`), if any. */
export function accountNoticeOf(
  query: (name: string) => string | undefined,
): AccountNoticeKind | null {
  if (query("email_verified") === "1") return "email_verified";
  if (query("welcome") === "1") return "welcome";
  return null;
}

export function AccountNotice(props: { kind: AccountNoticeKind; email?: string | null }) {
  if (props.kind === "email_verified") {
    return (
      <div class="flash success" role="status" id="account-notice">
        <p>Your e-mail address is confirmed. Thank you.</p>
      </div>
    );
  }
  return (
    <div class="flash success" role="status" id="account-notice">
      <p>
        <strong>Your workspace is ready.</strong> Check your e-mail: we sent a link to{" "}
        {props.email ? <strong>{props.email}</strong> : "your address"}{" "}
        to confirm it. The link works for 24 hours; you can use the workspace meanwhile.
      </p>
    </div>
  );
}
