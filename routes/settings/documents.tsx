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

const app = new Hono<AppEnv>();
app.use("/settings/documents", memberPage(), requirePermission("settings:manage"));
app.use("/settings/documents/*", memberPage(), requirePermission("settings:manage"));

const kind = (c: string) => CLASSIFICATION_LABELS[c as Classification] ?? c;
const pct = (share: number) => `${Math.round(share * 100)}%`;
const fieldName = (f: string) => f.replace(/^lines\./, "line: ").replace(/_/g, " ");

function RateTable(
  props: {
    caption: string;
    first: string;
    rows: Array<
      { label: string; kind: string; reviewed: number; corrected: number; share: number }
    >;
  },
) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{props.first}</th>
            <th scope="col">Kind</th>
            <th scope="col" class="num">Values reviewed</th>
            <th scope="col" class="num">Corrected</th>
            <th scope="col" class="num">Correction rate</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr key={`${r.label}|${r.kind}`}>
              <th scope="row">{r.label || "(no letterhead)"}</th>
              <td>{kind(r.kind)}</td>
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
  return renderApp(
    c,
    "Documents settings",
    <>
      <h1>Settings</h1>
      <SettingsNav current="/settings/documents" role={principalOf(c).role} />
      {reset
        ? (
          <p class="flash success" role="status">
            Learning for that sender is reset; its next document is read by the general rules.
          </p>
        )
        : null}
      <section class="card" aria-labelledby="rates-heading">
        <h2 id="rates-heading">Where the reader needs help</h2>
        <p class="muted">
          How often reviewers changed what the reader found, of the values they saw on accepted
          documents. A high rate for a sender means its paperwork is laid out in a way the reader
          does not know yet; correcting and accepting its documents teaches it.
        </p>
        {rates.length === 0 ? <p>No accepted documents yet.</p> : (
          <>
            <RateTable
              caption="Per sender and kind, highest rate first"
              first="Sender"
              rows={bySender.map((r) => ({ ...r, label: r.sender, kind: r.classification }))}
            />
            <RateTable
              caption="Per field, highest rate first"
              first="Field"
              rows={byField.map((r) => ({
                ...r,
                label: fieldName(r.field),
                kind: r.classification,
              }))}
            />
            <RateTable
              caption="Per month, newest first"
              first="Month"
              rows={byMonth.map((r) => ({ ...r, label: r.month, kind: r.classification }))}
            />
          </>
        )}
      </section>
      <section class="card" aria-labelledby="learned-heading">
        <h2 id="learned-heading">What corrections taught the reader</h2>
        <p class="muted">
          For each sender (known by its letterhead), the label it prints for a field that a reviewer
          had to correct. Its next documents are read with these labels.
          {owner ? "" : " Only an owner can reset learning."}
        </p>
        {senders.length === 0
          ? <p>Nothing learned yet.</p>
          : senders.map((s) => (
            <div key={s.senderKey} class="learned-sender" data-sender={s.senderKey}>
              <h3>{s.senderKey.split("|")[0]}</h3>
              <div class="table-wrap">
                <table>
                  <caption>
                    Labels learned for {s.senderKey.replaceAll("|", ", ")} (last taught{" "}
                    {s.updatedAt.slice(0, 10)})
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">Kind</th>
                      <th scope="col">Field</th>
                      <th scope="col">Printed label</th>
                      <th scope="col" class="num">Times taught</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.labels.map((l) => (
                      <tr key={`${l.classification}|${l.field}`}>
                        <td>{kind(l.classification)}</td>
                        <td>{fieldName(l.field)}</td>
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
                      Reset learning for {s.senderKey.split("|")[0]}
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
    throw new ForbiddenError("Only an owner can reset what the reader learned.");
  }
  const body = await readBody(c);
  const sender = typeof body.sender === "string" ? body.sender : "";
  const removed = sender ? await forgetSender(tenantOf(c).db, sender) : 0;
  if (!removed) throw new NotFoundError("Nothing is learned for that sender.");
  await recordSecurityEvent(c, { action: "documents.learning_reset", target: sender.slice(0, 80) });
  return c.redirect("/settings/documents?reset=1", 303);
});

export default app;
