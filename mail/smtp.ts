/**
 * @module mail/smtp
 * Hands plain-text mail, with its attachments when it has any, to an SMTP relay (Postmark, SES,
 * Mailgun, a local Postfix) through nodemailer, a maintained client, one connection per message.
 *
 * URLs: `smtp://user:pass@host:587` (upgraded with STARTTLS) or `smtps://user:pass@host:465` (TLS
 * from the first byte). User and password are URL-encoded. With a user and password, STARTTLS is
 * required (`requireTLS`): a relay that does not offer it, or a connection where someone strips
 * it, gets no credentials and the message stays queued with the reason. Without credentials the
 * connection is upgraded whenever the relay offers STARTTLS.
 */
import { Buffer } from "node:buffer";
import { isIP } from "node:net";

export interface SmtpMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date?: Date;
  /** Files sent as MIME parts (multipart/mixed), from bytes only. */
  attachments?: ReadonlyArray<{ filename: string; contentType: string; content: Uint8Array }>;
}

export interface SmtpOptions {
  timeoutMs?: number;
  heloName?: string;
  /** Extra certificate authorities to trust (tests use a self-signed loopback relay). */
  ca?: string;
}

/** The bare address of "Name <addr>" or "addr". */
export function addressOf(mailbox: string): string {
  const match = /<([^<>]+)>\s*$/.exec(mailbox);
  return (match ? match[1]! : mailbox).trim();
}

/** Delivers one message through the relay at `smtpUrl`; throws with the server's reply on failure. */
export async function sendSmtp(
  smtpUrl: string,
  message: SmtpMessage,
  options: SmtpOptions = {},
): Promise<void> {
  const url = new URL(smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error("SMTP_URL must start with smtp:// or smtps://.");
  }
  for (const field of [message.from, message.to, message.subject]) {
    if (/[\r\n]/.test(field)) throw new Error("Mail headers must not contain line breaks.");
  }
  const secure = url.protocol === "smtps:";
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const auth = url.username
    ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
    : undefined;
  const timeout = options.timeoutMs ?? 15_000;
  // Loaded by the first message, not at start: a process that sends no mail never loads it.
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host,
    port: Number(url.port) || (secure ? 465 : 587),
    secure,
    // Never send credentials in the clear: STARTTLS or no AUTH at all.
    requireTLS: auth !== undefined,
    auth,
    name: options.heloName ?? (addressOf(message.from).split("@")[1] || "localhost"),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    tls: {
      ...(options.ca ? { ca: options.ca } : {}),
      ...(isIP(host) ? {} : { servername: host }),
    },
    // Messages are plain text from our templates; never let content pull in files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  try {
    await transport.sendMail({
      from: message.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      messageId: `<${message.messageId}>`,
      date: message.date ?? new Date(),
      attachments: message.attachments?.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: Buffer.from(a.content),
      })),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const tlsMissing = auth && !secure && /STARTTLS|TLS/i.test(reason);
    throw new Error(
      tlsMissing
        ? `SMTP relay ${host} did not upgrade the connection with STARTTLS, so the credentials were not sent: ${reason}`
        : `SMTP delivery failed: ${reason}`,
    );
  } finally {
    transport.close();
  }
}
