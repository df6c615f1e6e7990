import { Hono } from "hono";
import type { AppEnv } from "../../http/env.ts";
import { principalOf, tenantOf } from "../../http/env.ts";
import { memberPage, readBody } from "../../http/guards.ts";
import { renderApp } from "../../http/page.tsx";
import { requirePermission } from "../../auth/middleware.ts";
import { ForbiddenError, NotFoundError } from "../../domain/errors.ts";
import { recordSecurityEvent } from "../../security/events.ts";
import { SettingsNav } from "../../components/SettingsNav.tsx";
import { CsrfInput } from "../../components/Form.tsx";
import {
  correctionRates,
  forgetSender,
  learnedSenders,
  ratesBy,
} from "../../domain/documents/layout_memory.ts";
import { type Classification, CLASSIFICATION_LABELS } from "../../domain/documents/draft.ts";

import { useT } from "../../components/Words.tsx";
import { tOf } from "../../i18n/middleware.ts";
import type { Translate } from "../../i18n/mod.ts";

const app = new Hono<AppEnv>();
app.use("/settings/documents", memberPage(), requirePermission("settings:manage"));
app.use("/settings/documents/*", memberPage(), requirePermission("settings:manage"));

/** A document kind's name in the reader's language. */
const kind = (t: Translate, c: string) => {
  const text = t(`doc_kind.${c}`);
  return text.startsWith("doc_kind.") ? CLASSIFICATION_LABELS[c as Classification] ?? c : text;
};
const pct = (share: number) => `${Math.round(share * 100)}%`;
const fieldName = (t: Translate, f: string) =>
  f.startsWith("lines.")
    ? t("doc_settings.line", { field: f.slice(6).replace(/_/g, " ") })
    : f.replace(/_/g, " ");

function RateTable(
  props: {
    caption: string;
    first: string;
    rows: Array<
      { label: string; kind: string; reviewed: number; corrected: number; share: number }
    >;
  },
) {
  const t = useT();
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.first}</th>
            <th scope="col">{t("doc_settings.kind")}</th>
            <th scope="col" class="num">{t("doc_settings.reviewed")}</th>
            <th scope="col" class="num">{t("doc_settings.corrected")}</th>
            <th scope="col" class="num">{t("doc_settings.rate")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={`${r.label}|${r.kind}`}>
              <th scope="row">{r.label || t("doc_settings.no_letterhead")}</th>
              <td>{kind(t, r.kind)}</td>
              <td class="num">{r.reviewed}</td>
              <td class="num">{r.corrected}</td>
              <td class="num">{pct(r.share)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

app.get("/settings/documents", async (c) => {
  const db = tenantOf(c).db;
  const [rates, senders] = await Promise.all([correctionRates(db), learnedSenders(db)]);
  const owner = principalOf(c).role === "owner";
  const bySender = ratesBy(rates, ["sender", "classification"]);
  const byField = ratesBy(rates, ["classification", "field"]);
  const byMonth = ratesBy(rates, ["month", "classification"])
    .sort((a, b) =>
      b.month.localeCompare(a.month) || a.classification.localeCompare(b.classification)
    );
  const reset = c.req.query("reset");
  const t = tOf(c);
  return renderApp(
    c,
    t("doc_settings.title"),
    <>
      <h1>{t("settings.title")}</h1>
      <SettingsNav current="/settings/documents" role={principalOf(c).role} />
      {reset
        ? (
          <p class="flash success" role="status">
            {t("doc_settings.reset_done")}
          </p>
        )
        : null}
      <section class="card" aria-labelledby="rates-heading">
        <h2 id="rates-heading">{t("doc_settings.needs_help")}</h2>
        <p class="muted">{t("doc_settings.needs_help_intro")}</p>
        {rates.length === 0 ? <p>{t("doc_settings.no_accepted")}</p> : (
          <>
            <RateTable
              caption={t("doc_settings.per_sender")}
              first={t("doc_settings.sender")}
              rows={bySender.map((r) => ({ ...r, label: r.sender, kind: r.classification }))}
            />
            <RateTable
              caption={t("doc_settings.per_field")}
              first={t("doc_settings.field")}
              rows={byField.map((r) => ({
                ...r,
                label: fieldName(t, r.field),
                kind: r.classification,
              }))}
            />
            <RateTable
              caption={t("doc_settings.per_month")}
              first={t("doc_settings.month")}
              rows={byMonth.map((r) => ({ ...r, label: r.month, kind: r.classification }))}
            />
          </>
        )}
      </section>
      <section class="card" aria-labelledby="learned-heading">
        <h2 id="learned-heading">{t("doc_settings.taught")}</h2>
        <p class="muted">
          {t("doc_settings.taught_intro")}
          {owner ? "" : ` ${t("doc_settings.owner_resets")}`}
        </p>
        {senders.length === 0
          ? <p>{t("doc_settings.nothing_learned")}</p>
          : senders.map((s) => (
            <div key={s.senderKey} class="learned-sender" data-sender={s.senderKey}>
              <h3>{s.senderKey.split("|")[0]}</h3>
              <div class="table-wrap">
                <table>
                  <caption>
                    {t("doc_settings.labels_learned", {
                      sender: s.senderKey.replaceAll("|", ", "),
                      date: s.updatedAt.slice(0, 10),
                    })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("doc_settings.kind")}</th>
                      <th scope="col">{t("doc_settings.field")}</th>
                      <th scope="col">{t("doc_settings.printed_label")}</th>
                      <th scope="col" class="num">{t("doc_settings.times_taught")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.labels.map((l) => (
                      <tr key={`${l.classification}|${l.field}`}>
                        <td>{kind(t, l.classification)}</td>
                        <td>{fieldName(t, l.field)}</td>
                        <td>{l.label}</td>
                        <td class="num">{l.hits}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {owner
                ? (
                  <form method="post" action="/settings/documents/reset" class="inline-form">
                    <CsrfInput token={c.get("csrfToken")} />
                    <input type="hidden" name="sender" value={s.senderKey} />
                    <button class="button danger" type="submit">
                      {t("doc_settings.reset", { sender: s.senderKey.split("|")[0] ?? "" })}
                    </button>
                  </form>
                )
                : null}
            </div>
          ))}
      </section>
    </>,
  );
});

app.post("/settings/documents/reset", async (c) => {
  if (principalOf(c).role !== "owner") {
    throw new ForbiddenError(tOf(c)("doc_settings.reset_forbidden"));
  }
  const body = await readBody(c);
  const sender = typeof body.sender === "string" ? body.sender : "";
  const removed = sender ? await forgetSender(tenantOf(c).db, sender) : 0;
  if (!removed) throw new NotFoundError(tOf(c)("doc_settings.nothing_for_sender"));
  await recordSecurityEvent(c, { action: "documents.learning_reset", target: sender.slice(0, 80) });
  return c.redirect("/settings/documents?reset=1", 303);
});

export default app;
