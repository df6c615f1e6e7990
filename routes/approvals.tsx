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
  const link = (a: Approval) => (
    <a href={`/${a.collection}/${a.record_id}`}>
      {label(c.get("configuration")?.document, a.collection)}{" "}
      {titles.get(a.record_id) ?? a.record_id}
    </a>
  );
  return renderApp(
    c,
    "Approvals",
    <>
      <h1>Approvals</h1>
      {done ? <p class="flash success" role="status">The request is {done}.</p> : null}
      <section class="card">
        <h2>Waiting for a decision</h2>
        <p class="muted">
          Records your workspace's rules hold until a person with the named role approves them. The
          one who asked cannot approve their own request.
        </p>
        {pending.length === 0 ? <p>Nothing is waiting.</p> : (
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">
                Requests waiting for a decision, oldest first
              </caption>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Why</th>
                  <th scope="col">Who decides</th>
                  <th scope="col">Asked</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {pending.map((a) => (
                  <tr key={a.id}>
                    <td>{link(a)}</td>
                    <td>{a.rule_name}</td>
                    <td>{a.message}</td>
                    <td>{a.role}</td>
                    <td>{when(a.requested_at)}</td>
                    <td>
                      {mayDecide(role, a.role)
                        ? (
                          <form method="post" action={`/approvals/${a.id}`} class="inline">
                            <CsrfInput token={c.get("csrfToken")} />
                            <label>
                              Note <input name="note" maxLength={500} />
                            </label>
                            <button
                              type="submit"
                              class="button primary"
                              name="decision"
                              value="approve"
                            >
                              Approve
                            </button>
                            <button
                              type="submit"
                              class="button secondary"
                              name="decision"
                              value="reject"
                            >
                              Reject
                            </button>
                          </form>
                        )
                        : <span class="muted">Waiting for {a.role}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section class="card">
        <h2>Decided</h2>
        {history.length === 0 ? <p>No decisions yet.</p> : (
          <div class="table-scroll">
            <table>
              <caption class="visually-hidden">Decisions, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Record</th>
                  <th scope="col">Rule</th>
                  <th scope="col">Decision</th>
                  <th scope="col">By</th>
                  <th scope="col">When</th>
                  <th scope="col">Note</th>
                </tr>
              </thead>
              <tbody>
                {history.map((a) => (
                  <tr key={a.id}>
                    <td>{link(a)}</td>
                    <td>{a.rule_name}</td>
                    <td>{a.status === "approved" ? "Approved" : "Rejected"}</td>
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
  if (!isId(id)) throw new NotFoundError("No such approval request.");
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
