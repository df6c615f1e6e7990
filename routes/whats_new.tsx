import { Hono } from "hono";
import { type AppEnv, tenantOf } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import {
  channelOf,
  featureOnChannel,
  noteIn,
  RELEASE_FEATURES,
  releasesFor,
} from "../ops/release_channels.ts";
import { languageOf, tOf } from "../i18n/middleware.ts";

const app = new Hono<AppEnv>();

app.get("/whats-new", memberPage(), async (c) => {
  const setting = await channelOf(c.get("services").control, tenantOf(c).id);
  const releases = releasesFor(setting);
  const early = RELEASE_FEATURES.filter((f) => f.stage === "early" && featureOnChannel(f, setting));
  const t = tOf(c);
  return renderApp(
    c,
    t("whats_new.title"),
    <section>
      <h1>{t("whats_new.title")}</h1>
      <p>
        <strong>
          {t("whats_new.channel", { channel: t(`whats_new.channel_name.${setting.channel}`) })}
          {setting.release ? ` (${setting.release})` : ""}.
        </strong>{" "}
        {t(`whats_new.channel_text.${setting.channel}`)} {t("whats_new.ask_support")}
      </p>
      {early.length
        ? (
          <>
            <h2>{t("whats_new.early")}</h2>
            <ul>{early.map((f) => <li key={f.key}>{f.title}</li>)}</ul>
          </>
        )
        : null}
      {releases.map((r) => (
        <article key={r.version}>
          <h2>
            {r.version} <span class="muted">({r.date})</span>
          </h2>
          <ul>{r.notes.map((n, i) => <li key={i}>{noteIn(n, languageOf(c))}</li>)}</ul>
        </article>
      ))}
    </section>,
  );
});

export default app;
