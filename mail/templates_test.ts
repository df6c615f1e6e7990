import assert from "node:assert/strict";
import {
  finalExportMail,
  invitationMail,
  type MailContent,
  resetPasswordMail,
  unlockMail,
  verifyEmailMail,
  webhookDisabledMail,
} from "./templates.ts";
import { englishLeftIn } from "./untranslated.ts";
import type { Language } from "../i18n/mod.ts";

const link = "https://acme.example.test/x?token=abc";
const KINDS: Record<string, (language: Language) => MailContent> = {
  verification: (language) => verifyEmailMail({ name: "Ana Ruiz", link, language }),
  "password reset": (language) => resetPasswordMail({ name: "Ana Ruiz", link, language }),
  invitation: (language) =>
    invitationMail({
      inviterName: "Ana Ruiz",
      workspaceName: "Acme Meats",
      role: "broker",
      link,
      language,
    }),
  unlock: (language) => unlockMail({ name: "Ana Ruiz", link, language }),
  "final export": (language) =>
    finalExportMail({
      name: "Ana Ruiz",
      workspace: "Acme Meats",
      purgeAfter: "2026-12-20T17:00:00.000Z",
      url: link,
      until: "2026-12-27",
      language,
    }),
  "webhook turned off": (language) => webhookDisabledMail({ url: link, failures: 20, language }),
};

for (const [kind, compose] of Object.entries(KINDS)) {
  Deno.test(`the ${kind} e-mail in Spanish has no English left and keeps its link`, () => {
    const es = compose("es");
    const en = compose("en");
    const values = ["Ana Ruiz", "Acme Meats", "ProjectMeats", link];
    assert.deepEqual(englishLeftIn(es.subject, en.subject, values), []);
    assert.deepEqual(englishLeftIn(es.text, en.text, values), []);
    assert.notEqual(es.subject, en.subject);
    assert.ok(es.text.includes(link), "the link is in the body");
    assert.ok(en.text.includes(link));
  });
}

Deno.test("englishLeftIn() finds an English line in a Spanish mail", () => {
  const en = verifyEmailMail({ name: "Ana", link });
  assert.deepEqual(englishLeftIn(`Hola\n${en.text.split("\n")[2]}`, en.text), [
    en.text.split("\n")[2],
  ]);
});

Deno.test("the invitation names the role in the reader's language", () => {
  const compose = KINDS.invitation!;
  assert.match(compose("en").text, /with the role broker\./);
  assert.match(compose("es").text, /con el rol corredor\./);
  assert.match(compose("en").subject, /^Ana Ruiz invited you to “Acme Meats” on ProjectMeats$/);
});

Deno.test("an invitation shows no live-looking address from the names it carries", () => {
  const mail = invitationMail({
    inviterName: "Security Team",
    workspaceName: "Your account is suspended - verify at http://evil.example/login",
    role: "broker",
    link,
  });
  assert.equal(
    mail.subject,
    "Security Team invited you to “Your account is suspended - verify at " +
      "hxxp[://]evil[.]example/login” on ProjectMeats",
  );
  assert.doesNotMatch(mail.subject + mail.text.replace(link, ""), /http|evil\.example/);
});

Deno.test("the final export's dates read in the reader's locale", () => {
  const compose = KINDS["final export"]!;
  assert.match(compose("en").text, /after Dec 20, 2026 17:00 UTC/);
  assert.match(compose("es").text, /después del 20 dic 2026 17:00 UTC/);
  assert.match(compose("es").text, /hasta el 27 dic 2026/);
});
