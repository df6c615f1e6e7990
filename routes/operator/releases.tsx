import { Hono } from "hono";
import { operatorOnly } from "../../auth/middleware.ts";
import type { AppEnv } from "../../http/env.ts";
import { renderPublic } from "../../http/page.tsx";
import {
  channelAssignments,
  CURRENT_RELEASE,
  RELEASE_FEATURES,
  RELEASES,
} from "../../ops/release_channels.ts";
import { OperatorNav } from "../../components/OperatorTenants.tsx";

const app = new Hono<AppEnv>();
app.use("/operator/releases", operatorOnly());

app.get("/operator/releases", async (c) => {
  const assigned = await channelAssignments(c.get("services").control);
  return renderPublic(
    c,
    "Releases · Operator",
    <section class="operator">
      <h1>Releases</h1>
      <OperatorNav current="releases" />
      <p>
        This code is release{" "}
        <strong>{CURRENT_RELEASE}</strong>. Every workspace not listed below is on the stable
        channel. Move a workspace from its own page.
      </p>
      <div class="table-wrap">
        <table>
          <caption>Workspaces on early access or pinned ({assigned.length})</caption>
          <thead>
            <tr>
              <th scope="col">Workspace</th>
              <th scope="col">Channel</th>
              <th scope="col">Pinned to</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {assigned.map((a) => (
              <tr key={a.slug}>
                <td>
                  <a href={`/operator/tenants/${encodeURIComponent(a.slug)}`}>{a.slug}</a>
                </td>
                <td>{a.channel}</td>
                <td>{a.release ?? "—"}</td>
                <td>{a.since.slice(0, 10)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Features by channel</h2>
      {RELEASE_FEATURES.length
        ? (
          <ul>
            {RELEASE_FEATURES.map((f) => (
              <li key={f.key}>{f.title}: {f.stage}, since {f.since}</li>
            ))}
          </ul>
        )
        : <p class="muted">No feature is gated by channel in this release.</p>}
      {RELEASES.map((r) => (
        <article key={r.version}>
          <h2>{r.version} ({r.date})</h2>
          <ul>{r.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
        </article>
      ))}
    </section>,
  );
});

export default app;
