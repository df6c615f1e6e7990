/**
 * @module components/records/RuleNotes
 * What the workspace's rules say about a record, on its page: the approvals it waits on ("Waiting
 * for approval: rule 'Large PO approval' needs an admin") and what rules did lately (warnings,
 * fields set, notices sent), so a rule's effect is never a mystery.
 */

/** A rule's request the record waits on. */
export interface WaitingApproval {
  rule: string;
  role: string;
  message: string;
  status: "pending" | "rejected";
  note: string;
  decidedBy: string | null;
}

/** Something a rule did to the record. */
export interface RuleNote {
  rule: string;
  action: string;
  message: string;
  at: string;
}

const ACTIONS: Record<string, string> = {
  warn: "Warning",
  set_field: "Field set",
  notify: "Notice sent",
  start_job: "Job started",
};

/** The rules card of a record page; nothing when no rule touched the record. */
export function RuleNotes(props: { waiting: WaitingApproval[]; notes: RuleNote[] }) {
  if (!props.waiting.length && !props.notes.length) return null;
  return (
    <section class="card rule-notes" aria-labelledby="rule-notes-title">
      <h2 id="rule-notes-title">Rules</h2>
      {props.waiting.map((w) => (
        <div class="flash warning" role="status" key={w.rule}>
          <p>
            {w.status === "rejected"
              ? `Rejected by ${w.decidedBy ?? "an approver"} under rule '${w.rule}'${
                w.note ? `: ${w.note}` : ""
              }. Change the record to ask again.`
              : `Waiting for approval: rule '${w.rule}' needs an ${w.role} to approve. ${w.message}`}
          </p>
          <p>
            <a href="/approvals">Open approvals</a>
          </p>
        </div>
      ))}
      {props.notes.length
        ? (
          <ul class="plain">
            {props.notes.map((n, i) => (
              <li key={i}>
                <strong>{ACTIONS[n.action] ?? n.action}</strong> by rule '{n.rule}': {n.message}
                {" "}
                <span class="muted">({n.at.slice(0, 16).replace("T", " ")} UTC)</span>
              </li>
            ))}
          </ul>
        )
        : null}
    </section>
  );
}
