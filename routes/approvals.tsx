import { Hono } from "hono";
import type { AppEnv } from "../http/env.ts";
import { principalOf, tenantOf } from "../http/env.ts";
import { memberPage } from "../http/guards.ts";
import { renderApp } from "../http/page.tsx";
import { requirePermission } from "../auth/middleware.ts";
import { CsrfInput } from "../components/Form.tsx";
import { NotFoundError } from "../domain/errors.ts";
import { isId } from "../db/ids.ts";
import { label } from "../customization/terms.ts";
import { tOf } from "../i18n/middleware.ts";
import { shownLabel } from "../i18n/mod.ts";
import { recordType } from "../domain/catalog.ts";
import { titlesOf } from "../domain/records/repository.ts";
import {
  type Approval,
  decideApproval,
  listApprovals,
  mayDecide,
} from "../domain/approvals/store.ts";

const app = new Hono<AppEnv>();
app.use("/approvals", memberPage(), requirePermission("records:read"));
app.use("/approvals/*", memberPage(), requirePermission("records:read"));

async function recordTitles(c: Parameters<typeof renderApp>[0], approvals: Approval[]) {
  const out = new Map<string, string>();
  const byCollection = new Map<string, string[]>();
  for (const a of approvals) {
    (byCollection.get(a.collection) ?? byCollection.set(a.collection, []).get(a.collection)!).push(
      a.record_id,
    );
  }
  for (const [collection, ids] of byCollection) {
    for (const [id, title] of await titlesOf(tenantOf(c).db, collection, ids)) out.set(id, title);
  }
  return out;
}

function when(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "";
}

app.get("/approvals", async (c) => {
  const db = tenantOf(c).db;
  const [pending, decided] = await Promise.all([
    listApprovals(db, "pending"),
    listApprovals(db, "all", 50),
  ]);
  const history = decided.filter((a) => a.status !== "pending");
  const titles = await recordTitles(c, [...pending, ...history]);
  const role = principalOf(c).role;
  const done = c.req.query("done");
  const t = tOf(c);
  const typeName = (collection: string) => {
    const def = recordType(collection);
    const named = label(c.get("configuration")?.document, collection);
    return def ? shownLabel(t, def.singular, named) : named;
  };
  const roleName = (role: string) => {
    const text = t(`role.${role}`);
    return text === `role.${role}` ? role : text;
  };
  const link = (a: Approval) => (
    <a href={`/${a.collection}/${a.record_id}`}>
      {typeName(a.collection)} {titles.get(a.record_id) ?? a.record_id}
    </a>
  );
  return renderApp(
    c,
    t("approvals.title"),
    <>
      <h1>{t("approvals.title")}</h1>
      {done === "approved" || done === "rejected"
        ? <p class="flash success" role="status">{t(`approvals.done.${done}`)}</p>
        : null}
      <section class="card">
        <h2>{t("approvals.waiting")}</h2>
        <p class="muted">{t("approvals.intro")}</p>
        {pending.length === 0 ? <p>{t("approvals.nothing")}</p> : (
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">
                {t("approvals.pending_caption")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("approvals.record")}</th>
                  <th scope="col">{t("approvals.rule")}</th>
                  <th scope="col">{t("approvals.why")}</th>
                  <th scope="col">{t("approvals.who")}</th>
                  <th scope="col">{t("approvals.asked")}</th>
                  <th scope="col">{t("approvals.decision")}</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((a) => (
                  <tr key={a.id}>
                    <td>{link(a)}</td>
                    <td>{a.rule_name}</td>
                    <td>{a.message}</td>
                    <td>{roleName(a.role)}</td>
                    <td>{when(a.requested_at)}</td>
                    <td>
                      {mayDecide(role, a.role)
                        ? (
                          <form method="post" action={`/approvals/${a.id}`} class="inline">
                            <CsrfInput token={c.get("csrfToken")} />
                            <label>
                              {t("approvals.note")} <input name="note" maxLength={500} />
                            </label>
                            <button
                              type="submit"
                              class="button primary"
                              name="decision"
                              value="approve"
                            >
                              {t("approvals.approve")}
                            </button>
                            <button
                              type="submit"
                              class="button secondary"
                              name="decision"
                              value="reject"
                            >
                              {t("approvals.reject")}
                            </button>
                          </form>
                        )
                        : (
                          <span class="muted">
                            {t("approvals.waiting_for", { role: roleName(a.role) })}
                          </span>
                        )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card">
        <h2>{t("approvals.decided")}</h2>
        {history.length === 0 ? <p>{t("approvals.no_decisions")}</p> : (
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">{t("approvals.decided_caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("approvals.record")}</th>
                  <th scope="col">{t("approvals.rule")}</th>
                  <th scope="col">{t("approvals.decision")}</th>
                  <th scope="col">{t("approvals.by")}</th>
                  <th scope="col">{t("approvals.when")}</th>
                  <th scope="col">{t("approvals.note")}</th>
                </tr>
              </thead>
              <tbody>
                {history.map((a) => (
                  <tr key={a.id}>
                    <td>{link(a)}</td>
                    <td>{a.rule_name}</td>
                    <td>
                      {a.status === "approved" ? t("approvals.approved") : t("approvals.rejected")}
                    </td>
                    <td>{a.decided_by_name}</td>
                    <td>{when(a.decided_at)}</td>
                    <td>{a.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>,
  );
});

app.post("/approvals/:id", async (c) => {
  const id = c.req.param("id");
  if (!isId(id)) throw new NotFoundError(tOf(c)("approvals.no_such"));
  const form = await c.req.parseBody();
  const approve = form.decision === "approve";
  const who = principalOf(c);
  await decideApproval(tenantOf(c).db, id, {
    approve,
    userId: who.userId!,
    userName: who.name ?? "",
    role: who.role,
    note: String(form.note ?? "").trim().slice(0, 500),
    now: c.get("services").clock.now().toISOString(),
  });
  return c.redirect(`/approvals?done=${approve ? "approved" : "rejected"}`, 303);
});

export default app;
