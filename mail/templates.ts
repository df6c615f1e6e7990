/**
 * @module mail/templates
 * Plain-text bodies of the e-mails the platform sends. Plain text only: it renders everywhere,
 * and the dev mailbox turns the links in it into clickable ones.
 */

export interface MailContent {
  subject: string;
  text: string;
}

/** Asks a new user to confirm their e-mail address. */
export function verifyEmailMail(input: { name: string; link: string }): MailContent {
  return {
    subject: "Confirm your e-mail address",
    text: [
      `Hello ${input.name},`,
      "",
      "Confirm your e-mail address for ProjectMeats by opening this link:",
      "",
      input.link,
      "",
      "The link works for 24 hours. If you did not create an account, ignore this e-mail.",
    ].join("\n"),
  };
}

/** Sends a password reset link. */
export function resetPasswordMail(input: { name: string; link: string }): MailContent {
  return {
    subject: "Reset your ProjectMeats password",
    text: [
      `Hello ${input.name},`,
      "",
      "Someone asked to reset the password of your ProjectMeats account. To choose a new one, open:",
      "",
      input.link,
      "",
      "The link works for 1 hour and only once. If you did not ask for this, ignore this e-mail:",
      "your password stays the same.",
    ].join("\n"),
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
  },
): MailContent {
  const product = input.productName ?? "ProjectMeats";
  return {
    subject: `${input.inviterName} invited you to ${input.workspaceName} on ${product}`,
    text: [
      "Hello,",
      "",
      `${input.inviterName} invited you to join ${input.workspaceName} on ${product} as ${
        article(input.role)
      } ${input.role}.`,
      "",
      "To accept, open this link:",
      "",
      input.link,
      "",
      "The invitation works for 7 days. If you did not expect it, ignore this e-mail.",
    ].join("\n"),
  };
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? "an" : "a";
}

/** Tells an account's owner that sign-ins are being slowed, with a link that lifts the wait. */
export function unlockMail(input: { name: string; link: string }): MailContent {
  return {
    subject: "Failed sign-ins to your ProjectMeats account",
    text: [
      `Hello ${input.name},`,
      "",
      "Several wrong passwords were just tried on your ProjectMeats account, so further sign-ins",
      "to it are being slowed for a while. If that was you and you now know your password, open",
      "this link to lift the wait at once:",
      "",
      input.link,
      "",
      "The link works for 1 hour and only once. If it was not you, your account is safe as long",
      "as your password is not known to anyone else; consider changing it and setting up an",
      "authenticator app in Settings → Profile.",
    ].join("\n"),
  };
}
