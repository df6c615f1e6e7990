import { Hono } from "hono";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import {
  channelOf,
  featureOnChannel,
  RELEASE_FEATURES,
  releasesFor,
} from "../ops/release_channels.ts";

const app = new Hono<AppEnv>();

const CHANNEL_TEXT = {
  stable: "Stable: new features reach your workspace once they are finished and proven.",
  early: "Early access: you also get features still being tried out, before everyone else.",
  pinned: "Pinned: your workspace stays on one release while your team prepares for the next.",
} as const;

app.get("/whats-new", memberPage(), async (c) => {
  const setting = await channelOf(c.get("services").control, tenantOf(c).id);
  const releases = releasesFor(setting);
  const early = RELEASE_FEATURES.filter((f) => f.stage === "early" && featureOnChannel(f, setting));
  return renderApp(
    c,
    "What's new",
    <section>
      <h1>What's new</h1>
      <p>
        <strong>
          Release channel: {setting.channel}
          {setting.release ? ` (${setting.release})` : ""}.
        </strong>{" "}
        {CHANNEL_TEXT[setting.channel]} To change channel, ask the service's support.
      </p>
      {early.length
        ? (
          <>
            <h2>In early access for you</h2>
            <ul>{early.map((f) => <li key={f.key}>{f.title}</li>)}</ul>
          </>
        )
        : null}
      {releases.map((r) => (
        <article key={r.version}>
          <h2>
            {r.version} <span class="muted">({r.date})</span>
          </h2>
          <ul>{r.notes.map((n, i) => <li key={i}>{n}</li>)}</ul>
        </article>
      ))}
    </section>,
  );
});

export default app;
