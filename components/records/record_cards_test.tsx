/**
 * The cards around a record (rules, e-mails sent, date filters) in the reader's language: the
 * sentences are the catalogue's, the workspace's words (a rule's name and message, a subject, an
 * address) are kept as written.
 */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import type { ComponentChildren } from "preact";
import { LanguageContext } from "../Words.tsx";
import { translator } from "../../i18n/mod.ts";
import { RuleNotes } from "./RuleNotes.tsx";
import { MailLog } from "./FlowActions.tsx";
import * as fmt from "../../domain/format.ts";

function inSpanish(node: ComponentChildren): string {
  return renderToString(
    <LanguageContext.Provider value={{ language: "es", t: translator("es") }}>
      {node}
    </LanguageContext.Provider>,
  ).replace(/&#39;|&#x27;/g, "'").replace(/&quot;/g, '"');
}

Deno.test("the rules card speaks the reader's language around the rule's own words", () => {
  const html = inSpanish(
    <RuleNotes
      waiting={[
        {
          rule: "Big PO",
          role: "admin",
          message: "Ask Dana.",
          status: "pending",
          note: "",
          decidedBy: null,
        },
        {
          rule: "Halal",
          role: "owner",
          message: "",
          status: "rejected",
          note: "No certificate",
          decidedBy: "Dana",
        },
      ]}
      notes={[{
        rule: "Check halal",
        action: "warn",
        message: "Ask for it.",
        at: "2026-12-01T10:00:00Z",
      }]}
    />,
  );
  assert.match(html, />Reglas</);
  assert.match(
    html,
    /Esperando aprobación: la regla «Big PO» necesita que un administrador lo apruebe\. Ask Dana\./,
  );
  assert.match(html, /Rechazado por Dana según la regla «Halal»: No certificate\./);
  assert.match(html, /Advertencia por la regla «Check halal»: Ask for it\./);
  assert.match(html, />Abrir aprobaciones</);
  assert.doesNotMatch(html, /Waiting|Rejected|Open approvals|Warning|by rule/);
});

Deno.test("the e-mailed card says to whom and by whom in the reader's language", () => {
  const html = inSpanish(
    <MailLog
      format={fmt.DEFAULT_FORMAT}
      mail={[{
        id: "m1",
        sent_at: "2026-12-01T10:00:00Z",
        subject: "Invoice INV-1",
        to: "ap@example.com",
        attachment: "INV-1.pdf",
        sent_by: "Dana",
      } as never]}
    />,
  );
  assert.match(html, /Invoice INV-1 a ap@example\.com \(INV-1\.pdf\) por Dana/);
  assert.doesNotMatch(html, / to ap@| by Dana/);
});

Deno.test("the rules card in English quotes the rule's name", () => {
  const html = renderToString(
    <RuleNotes
      waiting={[{
        rule: "Big PO",
        role: "admin",
        message: "Ask Dana.",
        status: "pending",
        note: "",
        decidedBy: null,
      }]}
      notes={[{ rule: "Check", action: "warn", message: "Ask.", at: "2026-12-01T10:00:00Z" }]}
    />,
  ).replace(/&#39;|&#x27;/g, "'");
  assert.match(html, /Waiting for approval: rule 'Big PO' needs an admin to approve\. Ask Dana\./);
  assert.match(html, /Warning by rule 'Check': Ask\./);
});
