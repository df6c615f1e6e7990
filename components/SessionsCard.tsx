/**
 * @module components/SessionsCard
 * Settings → Profile: the signed-in user's sessions (device, address, when signed in and last
 * used), each with a button that ends it, and one that ends every other session.
 */
import { CsrfInput } from "./Form.tsx";

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
  return (
    <section class="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p class="muted">
        Where you are signed in. End a session you do not recognise, then change your password.
      </p>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Where</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span class="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.device} {s.current ? <span class="badge ok">this session</span> : null}
                </td>
                <td>{s.workspace ?? "your account"}</td>
                <td>{s.ip ?? "unknown"}</td>
                <td>{when(s.createdAt)}</td>
                <td>{when(s.lastUsedAt)}</td>
                <td>
                  {s.current
                    ? null
                    : (
                      <form method="post" action={`/settings/profile/sessions/${s.id}/revoke`}>
                        <CsrfInput token={props.csrf} />
                        <button class="button link" type="submit">
                          Sign out<span class="visually-hidden">{` ${s.device}`}</span>
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
            <button class="button secondary" type="submit">Sign out everywhere else</button>
          </form>
        )
        : null}
    </section>
  );
}
