/**
 * @module mail/smtp
 * A tiny SMTP client (RFC 5321) over node:net / node:tls: EHLO, STARTTLS when the server offers
 * it, AUTH PLAIN or LOGIN, MAIL FROM, RCPT TO, DATA. Enough to hand plain-text mail to a relay
 * (Postmark, SES, Mailgun, a local Postfix); no pooling, one connection per message.
 *
 * URLs: `smtp://user:pass@host:587` (plain, upgraded by STARTTLS when offered) or
 * `smtps://user:pass@host:465` (TLS from the first byte). User and password are URL-encoded.
 */
import { Buffer } from "node:buffer";
import net from "node:net";
import tls from "node:tls";

export interface SmtpMessage {
  from: string;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  date?: Date;
}

interface Reply {
  code: number;
  lines: string[];
}

/** Reads multi-line SMTP replies ("250-..." continued until "250 ...") from a socket. */
class ReplyReader {
  #buffer = "";
  #pending: string[] = [];
  #replies: Reply[] = [];
  #waiter: { resolve: (r: Reply) => void; reject: (e: Error) => void } | null = null;
  #error: Error | null = null;

  attach(socket: net.Socket): void {
    socket.on("data", (chunk: Buffer) => this.#push(chunk.toString("utf8")));
    socket.on("error", (err: Error) => this.#fail(err));
    socket.on("close", () => this.#fail(new Error("The SMTP server closed the connection.")));
  }

  /** Stops reading from a socket that STARTTLS is about to wrap. */
  detach(socket: net.Socket): void {
    socket.removeAllListeners("data");
    socket.removeAllListeners("close");
    socket.removeAllListeners("error");
  }

  next(): Promise<Reply> {
    const ready = this.#replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => this.#waiter = { resolve, reject });
  }

  #push(text: string): void {
    this.#buffer += text;
    let nl: number;
    while ((nl = this.#buffer.indexOf("\n")) >= 0) {
      const line = this.#buffer.slice(0, nl).replace(/\r$/, "");
      this.#buffer = this.#buffer.slice(nl + 1);
      this.#pending.push(line.slice(4));
      if (!/^\d{3}-/.test(line)) {
        this.#deliver({ code: Number(line.slice(0, 3)) || 0, lines: this.#pending });
        this.#pending = [];
      }
    }
  }

  #deliver(reply: Reply): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    if (waiter) waiter.resolve(reply);
    else this.#replies.push(reply);
  }

  #fail(err: Error): void {
    this.#error ??= err;
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.reject(this.#error);
  }
}

function connect(url: URL, timeoutMs: number): Promise<net.Socket> {
  const secure = url.protocol === "smtps:";
  const port = Number(url.port) || (secure ? 465 : 587);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve, reject) => {
    const socket: net.Socket = secure
      ? tls.connect(
        { host, port, servername: net.isIP(host) ? undefined : host },
        () => resolve(socket),
      )
      : net.connect({ host, port }, () => resolve(socket));
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error("The SMTP server timed out.")));
    socket.once("error", reject);
  });
}

function upgrade(socket: net.Socket, host: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect(
      { socket, servername: net.isIP(host) ? undefined : host },
      () => resolve(secure),
    );
    secure.once("error", reject);
  });
}

/** The bare address of "Name <addr>" or "addr". */
export function addressOf(mailbox: string): string {
  const match = /<([^<>]+)>\s*$/.exec(mailbox);
  return (match ? match[1]! : mailbox).trim();
}

function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}

/** Builds the RFC 5322 message, dot-stuffed and CRLF-terminated for the DATA command. */
export function formatMessage(m: SmtpMessage): string {
  for (const field of [m.from, m.to, m.subject]) {
    if (/[\r\n]/.test(field)) throw new Error("Mail headers must not contain line breaks.");
  }
  const body = m.text.replace(/\r?\n/g, "\r\n");
  // deno-lint-ignore no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(body);
  const encoded = ascii
    ? body
    : (Buffer.from(body, "utf8").toString("base64").match(/.{1,76}/g) ?? []).join("\r\n");
  const headers = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Date: ${(m.date ?? new Date()).toUTCString()}`,
    `Message-ID: <${m.messageId}>`,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    `Content-Transfer-Encoding: ${ascii ? "7bit" : "base64"}`,
  ];
  const stuffed = encoded.split("\r\n").map((l) => l.startsWith(".") ? `.${l}` : l).join("\r\n");
  return `${headers.join("\r\n")}\r\n\r\n${stuffed}\r\n.\r\n`;
}

/** Delivers one message through the relay at `smtpUrl`; throws with the server's reply on failure. */
export async function sendSmtp(
  smtpUrl: string,
  message: SmtpMessage,
  options: { timeoutMs?: number; heloName?: string } = {},
): Promise<void> {
  const url = new URL(smtpUrl);
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") {
    throw new Error("SMTP_URL must start with smtp:// or smtps://.");
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const helo = options.heloName ?? (addressOf(message.from).split("@")[1] || "localhost");
  let socket = await connect(url, options.timeoutMs ?? 15_000);
  let reader = new ReplyReader();
  reader.attach(socket);

  const expect = async (codes: number[], what: string): Promise<Reply> => {
    const reply = await reader.next();
    if (!codes.includes(reply.code)) {
      throw new Error(`SMTP ${what} refused: ${reply.code} ${reply.lines.join(" ").slice(0, 300)}`);
    }
    return reply;
  };
  const command = (line: string, codes: number[], what = line.split(" ")[0]!) => {
    socket.write(`${line}\r\n`);
    return expect(codes, what);
  };

  try {
    await expect([220], "greeting");
    let ehlo = await command(`EHLO ${helo}`, [250]);
    const offers = (word: string) => ehlo.lines.some((l) => l.toUpperCase().startsWith(word));
    if (url.protocol === "smtp:" && offers("STARTTLS")) {
      await command("STARTTLS", [220]);
      reader.detach(socket);
      socket = await upgrade(socket, host);
      reader = new ReplyReader();
      reader.attach(socket);
      ehlo = await command(`EHLO ${helo}`, [250]);
    }
    if (url.username) {
      const user = decodeURIComponent(url.username);
      const pass = decodeURIComponent(url.password);
      const auth = ehlo.lines.find((l) => l.toUpperCase().startsWith("AUTH")) ?? "";
      if (/\bPLAIN\b/i.test(auth) || !/\bLOGIN\b/i.test(auth)) {
        const token = Buffer.from(`\0${user}\0${pass}`, "utf8").toString("base64");
        await command(`AUTH PLAIN ${token}`, [235], "AUTH");
      } else {
        await command("AUTH LOGIN", [334], "AUTH");
        await command(Buffer.from(user).toString("base64"), [334], "AUTH");
        await command(Buffer.from(pass).toString("base64"), [235], "AUTH");
      }
    }
    await command(`MAIL FROM:<${addressOf(message.from)}>`, [250], "MAIL FROM");
    await command(`RCPT TO:<${addressOf(message.to)}>`, [250, 251], "RCPT TO");
    await command("DATA", [354]);
    socket.write(formatMessage(message));
    await expect([250], "message");
    socket.write("QUIT\r\n");
    await reader.next().catch(() => {});
  } finally {
    reader.detach(socket);
    socket.destroy();
  }
}
