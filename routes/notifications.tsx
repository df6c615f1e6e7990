/**
 * @module routes/notifications
 * The notifications page (newest first, unread in bold, mark all read, open one to read it) and
 * the preferences page (a checkbox per event and channel). Plain forms: no JavaScript needed.
 */
import { Hono } from "hono";
import { type AppEnv, principalOf, tenantOf } from "../http/env.ts";
import { memberPage, readBody } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import { CsrfInput } from "../components/Form.tsx";
import * as fmt from "../domain/format.ts";
import { NotFoundError } from "../domain/errors.ts";
import {
  listNotifications,
  markRead,
  preferencesOf,
  savePreferences,
} from "../notifications/store.ts";
import { CHANNELS, EVENT_KINDS } from "../notifications/events.ts";
import { preferencesFromForm } from "../notifications/preferences_schema.ts";
import { formatsFor } from "../i18n/mod.ts";
import { languageOf, tOf } from "../i18n/middleware.ts";
import { translateRecordType } from "../i18n/records.ts";
import { messageInWords, recordTypeFor } from "../customization/terms.ts";
import { loads } from "../domain/catalog.ts";

const app = new Hono<AppEnv>();
app.use("/notifications", memberPage());
app.use("/notifications/*", memberPage());

app.get("/notifications", async (c) => {
  const db = tenantOf(c).db;
  const userId = principalOf(c).userId;
  const [items, format] = await Promise.all([
    // Each notification in the reader's language (notifications/messages.ts).
    listNotifications(db, userId, {
      limit: 100,
      reader: {
        language: languageOf(c),
        config: c.get("configuration")?.document,
        format: await fmt.loadFormatSettings(db),
      },
    }),
    fmt.loadFormatSettings(db).then((f) => formatsFor(f, languageOf(c))),
  ]);
  const unread = items.filter((i) => !i.readAt).length;
  const t = tOf(c);
  // The workspace's name for a load wins in every language ("a shipment is delivered").
  const loadWord = translateRecordType(
    recordTypeFor(c.get("configuration")?.document, loads),
    languageOf(c),
  ).singular.toLowerCase();
  return renderApp(
    c,
    t("notifications.title"),
    <>
      <div class="page-head">
        <h1>{t("notifications.title")}</h1>
        <div class="actions">
          {unread
            ? (
              <form method="post" action="/notifications/read">
                <CsrfInput token={c.get("csrfToken")} />
                <button class="button secondary" type="submit">
                  {t("notifications.mark_all_read")}
                </button>
              </form>
            )
            : null}
          <a class="button secondary" href="/notifications/preferences">
            {t("notifications.preferences")}
          </a>
        </div>
      </div>
      {c.req.query("saved")
        ? (
          <div class="flash success" role="status">
            <p>{t("notifications.saved")}</p>
          </div>
        )
        : null}
      {items.length
        ? (
          <section class="card">
            <ul class="notification-list">
              {items.map((item) => (
                <li
                  key={item.id}
                  class={item.readAt ? undefined : "unread"}
                  data-live-item={item.id}
                >
                  <a class="notification-title" href={`/notifications/${item.id}/open`}>
                    {item.readAt
                      ? null
                      : <span class="visually-hidden">{t("notifications.unread")}</span>}
                    {item.title}
                  </a>
                  {item.body ? <p class="muted">{item.body}</p> : null}
                  <p class="muted">
                    <time datetime={item.createdAt}>{fmt.instant(item.createdAt, format)}</time>
                  </p>
                </li>
              ))}
            </ul>
          </section>
        )
        : (
          <div class="empty-state">
            <p>
              {messageInWords(
                c.get("configuration")?.document,
                languageOf(c),
                "notifications.empty",
                {
                  load: loadWord,
                },
              )}
            </p>
          </div>
        )}
    </>,
  );
});

app.post("/notifications/read", async (c) => {
  const now = c.get("services").clock.now().toISOString();
  await markRead(tenantOf(c).db, principalOf(c).userId, "all", now);
  return c.redirect("/notifications", 303);
});

app.get("/notifications/:id/open", async (c) => {
  const db = tenantOf(c).db;
  const userId = principalOf(c).userId;
  const id = c.req.param("id");
  const rs = await db.execute({
    sql: "SELECT link FROM notifications WHERE id = ? AND user_id = ?",
    args: [id, userId],
  });
  if (!rs.rows[0]) throw new NotFoundError("There is no such notification.");
  await markRead(db, userId, [id], c.get("services").clock.now().toISOString());
  const link = rs.rows[0].link;
  return c.redirect(
    typeof link === "string" && link.startsWith("/") ? link : "/notifications",
    303,
  );
});

app.get("/notifications/preferences", async (c) => {
  const userId = principalOf(c).userId;
  const prefs = (await preferencesOf(tenantOf(c).db, [userId])).get(userId)!;
  const t = tOf(c);
  const channel = (ch: string) => t(`channel.${ch}`);
  // An event names record types as the workspace does, in the reader's language.
  const config = c.get("configuration")?.document;
  const event = (kind: string) => messageInWords(config, languageOf(c), `event.${kind}`);
  return renderApp(
    c,
    t("notifications.preferences_title"),
    <>
      <p class="breadcrumb">
        <a href="/notifications">{t("notifications.title")}</a>
      </p>
      <h1>{t("notifications.preferences_title")}</h1>
      <p>{t("notifications.preferences_intro")}</p>
      <form method="post" action="/notifications/preferences">
        <CsrfInput token={c.get("csrfToken")} />
        <div class="table-wrap">
          <table class="preferences-table">
            <thead>
              <tr>
                <th scope="col">{t("notifications.event")}</th>
                {CHANNELS.map((ch) => <th scope="col" key={ch}>{channel(ch)}</th>)}
              </tr>
            </thead>
            <tbody>
              {EVENT_KINDS.map((kind) => (
                <tr key={kind}>
                  <th scope="row">{event(kind)}</th>
                  {CHANNELS.map((ch) => (
                    <td key={ch} data-label={channel(ch)}>
                      <input
                        type="checkbox"
                        name={`${kind}.${ch}`}
                        checked={prefs[kind][ch]}
                        aria-label={t("notifications.channel_pref", {
                          event: event(kind),
                          channel: channel(ch),
                        })}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <button class="button primary" type="submit">{t("notifications.save_preferences")}</button>
      </form>
    </>,
  );
});

app.post("/notifications/preferences", async (c) => {
  const prefs = preferencesFromForm(await readBody(c));
  await savePreferences(tenantOf(c).db, principalOf(c).userId, prefs);
  return c.redirect("/notifications?saved=1", 303);
});

export default app;
