/**
 * @module mail/templates
 * Plain-text bodies of the e-mails the platform sends, in the recipient's language (the
 * `mail.*` keys of i18n/messages/mail.*.json; mail/language.ts chooses the language). Plain text
 * only: it renders everywhere, and the dev mailbox turns the links in it into clickable ones.
 */
import { formatsFor, type Language, translator } from "../i18n/mod.ts";
import { defangName } from "../domain/names.ts";
import * as fmt from "../domain/format.ts";
import { DEFAULT_FORMAT } from "../domain/format.ts";

export interface MailContent {
  subject: string;
  text: string;
}

/** Asks a new user to confirm their e-mail address. */
export function verifyEmailMail(
  input: { name: string; link: string; language?: Language },
): MailContent {
  const t = translator(input.language ?? "en");
  return {
    subject: t("mail.verify.subject"),
    text: t("mail.verify.body", { name: input.name, link: input.link }),
  };
}

/** Sends a password reset link. */
export function resetPasswordMail(
  input: { name: string; link: string; language?: Language },
): MailContent {
  const t = translator(input.language ?? "en");
  return {
    subject: t("mail.reset.subject"),
    text: t("mail.reset.body", { name: input.name, link: input.link }),
  };
}

/** Invites someone to join a workspace with a role, under the workspace's product name. */
export function invitationMail(
  input: {
    inviterName: string;
    workspaceName: string;
    role: string;
    link: string;
    /** The product's name as the workspace shows it (its configuration's branding). */
    productName?: string;
    /** The workspace's default language: the invited person has no saved choice yet. */
    language?: Language;
  },
): MailContent {
  const t = translator(input.language ?? "en");
  const roleKey = `role.${input.role}`;
  const roleName = t(roleKey);
  // Names chosen by whoever signed up: anything reading as an address is made inert (a workspace
  // named before such names were refused still mails no live-looking link, domain/names.ts).
  const args = {
    inviter: defangName(input.inviterName),
    workspace: `“${defangName(input.workspaceName)}”`,
    product: defangName(input.productName ?? "ProjectMeats"),
    role: roleName === roleKey ? input.role : roleName,
    link: input.link,
  };
  return { subject: t("mail.invitation.subject", args), text: t("mail.invitation.body", args) };
}

/** Tells an account's owner that sign-ins are being slowed, with a link that lifts the wait. */
export function unlockMail(
  input: { name: string; link: string; language?: Language },
): MailContent {
  const t = translator(input.language ?? "en");
  return {
    subject: t("mail.unlock.subject"),
    text: t("mail.unlock.body", { name: input.name, link: input.link }),
  };
}

/** Tells the owner who asked to delete a workspace where its final export is. */
export function finalExportMail(
  input: {
    name: string;
    workspace: string;
    /** When the workspace is deleted for good (an instant, shown in UTC). */
    purgeAfter: string;
    url: string;
    /** The last day the link works (YYYY-MM-DD). */
    until: string;
    language?: Language;
  },
): MailContent {
  const language = input.language ?? "en";
  const t = translator(language);
  const f = formatsFor(DEFAULT_FORMAT, language);
  const args = {
    name: input.name,
    workspace: input.workspace,
    purge: `${fmt.date(input.purgeAfter.slice(0, 10), f)} ${input.purgeAfter.slice(11, 16)} UTC`,
    url: input.url,
    until: fmt.date(input.until, f),
  };
  return {
    subject: t("mail.final_export.subject", args),
    text: t("mail.final_export.body", args),
  };
}

/** Tells a workspace's owners that a webhook endpoint was turned off after failing. */
export function webhookDisabledMail(
  input: { url: string; failures: number; language?: Language },
): MailContent {
  const t = translator(input.language ?? "en");
  return {
    subject: t("mail.webhook_disabled.subject"),
    text: t("mail.webhook_disabled.body", { url: input.url, failures: input.failures }),
  };
}
