/**
 * @module components/PasskeysCard
 * Settings → Profile: the member's passkeys in this workspace (name, created, last used), a remove
 * form for each that asks for the password, and the island that adds one.
 */
import type { PasskeySummary } from "../auth/passkeys.ts";
import { Island } from "../framework/island.tsx";
import PasskeyButton from "../islands/PasskeyButton.tsx";
import { CsrfInput, FormErrors } from "./Form.tsx";
import { ListTable } from "./ListTable.tsx";

function when(instant: string | null): string {
  return instant ? instant.slice(0, 16).replace("T", " ") + " UTC" : "never";
}

/** The Passkeys card of the profile page; `host` is the address the passkeys belong to. */
export function PasskeysCard(props: {
  csrf: string;
  host: string;
  passkeys: PasskeySummary[];
  /** The outcome of the last change, from the `passkey` query parameter. */
  outcome?: string;
}) {
  const notice = props.outcome === "added"
    ? "The passkey was added. You can sign in with it on this address."
    : props.outcome === "removed"
    ? "The passkey was removed."
    : undefined;
  const error = props.outcome === "wrong-password"
    ? "Your password is not right, so the passkey was kept."
    : props.outcome === "wait"
    ? "Too many wrong passwords. Wait a few minutes and try again."
    : undefined;
  return (
    <section class="card" id="passkeys">
      <h2>Passkeys</h2>
      <p class="muted">
        Sign in with your fingerprint, face or device PIN instead of your password. A passkey
        belongs to this address (<strong>{props.host}</strong>): it does not work at another address
        of this workspace.
      </p>
      {notice ? <p class="flash success" role="status">{notice}</p> : null}
      <FormErrors message={error} />
      <ListTable
        id="passkey-list"
        caption="Your passkeys"
        columns={["Name", "Created", "Last used", null]}
        empty="No passkeys yet."
        rows={props.passkeys.map((p) => (
          <tr key={p.id}>
            <td>{p.name}</td>
            <td>{when(p.created_at)}</td>
            <td>{when(p.last_used_at)}</td>
            <td>
              <form
                method="post"
                action={`/settings/profile/passkeys/${p.id}/remove`}
                class="inline-form"
              >
                <CsrfInput token={props.csrf} />
                <label class="visually-hidden" for={`remove-${p.id}`}>
                  Your password, to remove {p.name}
                </label>
                <input
                  id={`remove-${p.id}`}
                  name="password"
                  type="password"
                  required
                  autocomplete="current-password"
                  placeholder="Password"
                />
                <button class="button danger small" type="submit" aria-label={`Remove ${p.name}`}>
                  Remove
                </button>
              </form>
            </td>
          </tr>
        ))}
      />
      <Island
        name="PasskeyButton"
        component={PasskeyButton}
        props={{ mode: "register" as const, csrf: props.csrf }}
      />
    </section>
  );
}
