/**
 * @module components/records/RuleNotes
 * What the workspace's rules say about a record, on its page: the approvals it waits on ("Waiting
 * for approval: rule 'Large PO approval' needs an admin") and what rules did lately (warnings,
 * fields set, notices sent), so a rule's effect is never a mystery. Rule names and messages are
 * the workspace's words; the sentences around them are in the reader's language.
 */
import { useT } from "../Words.tsx";

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

/** The rules card of a record page; nothing when no rule touched the record. */
export function RuleNotes(props: { waiting: WaitingApproval[]; notes: RuleNote[] }) {
  const t = useT();
  if (!props.waiting.length && !props.notes.length) return null;
  const action = (name: string) => {
    const text = t(`rules.action.${name}`);
    return text === `rules.action.${name}` ? name : text;
  };
  return (
    <section class="card rule-notes" aria-labelledby="rule-notes-title">
      <h2 id="rule-notes-title">{t("rules.title")}</h2>
      {props.waiting.map((w) => (
        <div class="flash warning" role="status" key={w.rule}>
          <p>
            {w.status === "rejected"
              ? t(w.note ? "rules.rejected_with_note" : "rules.rejected", {
                who: w.decidedBy ?? t("rules.an_approver"),
                rule: w.rule,
                note: w.note,
              })
              : t("rules.waiting", { rule: w.rule, role: w.role, message: w.message })}
          </p>
          <p>
            <a href="/approvals">{t("rules.open_approvals")}</a>
          </p>
        </div>
      ))}
      {props.notes.length
        ? (
          <ul class="plain">
            {props.notes.map((n, i) => (
              <li key={i}>
                {t("rules.did", { action: action(n.action), rule: n.rule, message: n.message })}
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
