/**
 * @module mail/templates
 * Plain-text bodies of the e-mails the platform sends, in the recipient's language (the
 * `mail.*` keys of i18n/messages/mail.*.json; mail/language.ts chooses the language). Plain text
 * only: it renders everywhere, and the dev mailbox turns the links in it into clickable ones.
 */
import { type Language, translator } from "../i18n/mod.ts";

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
  const args = {
    inviter: input.inviterName,
    workspace: input.workspaceName,
    product: input.productName ?? "ProjectMeats",
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
