/**
 * @module components/SessionsCard
 * Settings → Profile: the signed-in user's sessions (device, address, when signed in and last
 * used), each with a button that ends it, and one that ends every other session.
 */
import { CsrfInput } from "./Form.tsx";
import { useT } from "./Words.tsx";

export interface SessionView {
  id: string;
  device: string;
  workspace: string | null;
  ip: string | null;
  createdAt: string;
  lastUsedAt: string;
  current: boolean;
}

function when(iso: string): string {
  return new Date(iso).toISOString().replace("T", " ").slice(0, 16) + " UTC";
}

/** The sessions table with revoke buttons. */
export function SessionsCard(props: { csrf: string; sessions: SessionView[] }) {
  const others = props.sessions.filter((s) => !s.current).length;
  const t = useT();
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">{t("sessions.title")}</h2>
      <p class="muted">
        {t("sessions.intro")}
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">{t("sessions.device")}</th>
              <th scope="col">{t("sessions.where")}</th>
              <th scope="col">{t("sessions.address")}</th>
              <th scope="col">{t("sessions.signed_in")}</th>
              <th scope="col">{t("sessions.last_used")}</th>
              <th scope="col">
                <span class="visually-hidden">{t("sessions.action")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.device}{" "}
                  {s.current ? <span class="badge ok">{t("sessions.this_session")}</span> : null}
                </td>
                <td>{s.workspace ?? t("sessions.your_account")}</td>
                <td>{s.ip ?? t("sessions.unknown")}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastUsedAt)}</td>
                <td>
                  {s.current
                    ? null
                    : (
                      <form method="post" action={`/settings/profile/sessions/${s.id}/revoke`}>
                        <CsrfInput token={props.csrf} />
                        <button class="button link" type="submit">
                          {t("sessions.sign_out")}
                          <span class="visually-hidden">{` ${s.device}`}</span>
                        </button>
                      </form>
                    )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {others > 0
        ? (
          <form method="post" action="/settings/profile/sessions/revoke-others">
            <CsrfInput token={props.csrf} />
            <button class="button secondary" type="submit">
              {t("sessions.sign_out_others")}
            </button>
          </form>
        )
        : null}
    </section>
  );
}
