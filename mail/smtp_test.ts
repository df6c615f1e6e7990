import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import tls from "node:tls";
import { sendSmtp } from "./smtp.ts";
import { deliverQueuedMail, mailSettled, MAX_ATTEMPTS, sendMail } from "./outbox.ts";
import { startTestServer } from "../tests/helpers/server.ts";

interface Received {
  from: string;
  to: string;
  data: string;
  auth: string | null;
}

// A self-signed certificate for 127.0.0.1 and localhost, made for these tests only.
const TEST_CERT = Deno.readTextFileSync(new URL("./testdata/localhost_cert.pem", import.meta.url));
const TEST_KEY = Deno.readTextFileSync(new URL("./testdata/localhost_key.pem", import.meta.url));

/**
 * A loopback SMTP server that speaks just enough of the protocol and records every command it got
 * and whether it came over TLS. With `starttls` it offers STARTTLS and upgrades with the test
 * certificate; without, it answers STARTTLS like a relay that does not know it.
 */
export async function fakeSmtp(options: { starttls?: boolean } = {}) {
  const received: Received[] = [];
  const commands: Array<{ line: string; tls: boolean }> = [];
  const state = { down: false, rejectRcpt: false, connections: 0 };
  const sockets = new Set<net.Socket>();
  const speak = (socket: net.Socket, secure: boolean) => {
    let buffer = "";
    let inData = false;
    let current: Received = { from: "", to: "", data: "", auth: null };
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString("utf8");
      let nl: number;
      while ((nl = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        if (inData) {
          if (line === ".") {
            inData = false;
            received.push(current);
            current = { from: "", to: "", data: "", auth: current.auth };
            socket.write("250 2.0.0 queued\r\n");
          } else current.data += line + "\r\n";
          continue;
        }
        commands.push({ line, tls: secure });
        const verb = line.split(" ")[0]!.toUpperCase();
        if (verb === "EHLO") {
          const tls = options.starttls && !secure ? "250-STARTTLS\r\n" : "";
          socket.write(`250-fake.test\r\n${tls}250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n`);
        } else if (verb === "STARTTLS" && options.starttls && !secure) {
          socket.write("220 2.0.0 ready to start TLS\r\n");
          socket.removeListener("data", onData);
          const upgraded = new tls.TLSSocket(socket, {
            isServer: true,
            cert: TEST_CERT,
            key: TEST_KEY,
          });
          sockets.add(upgraded);
          speak(upgraded, true);
          return;
        } else if (verb === "AUTH") {
          current.auth = Buffer.from(line.split(" ")[2] ?? "", "base64").toString("utf8");
          socket.write("235 2.7.0 ok\r\n");
        } else if (verb === "MAIL") {
          current.from = line;
          socket.write("250 ok\r\n");
        } else if (verb === "RCPT") {
          current.to = line;
          socket.write(state.rejectRcpt ? "550 5.1.1 no such user\r\n" : "250 ok\r\n");
        } else if (verb === "DATA") {
          inData = true;
          socket.write("354 go ahead\r\n");
        } else if (verb === "QUIT") socket.end("221 bye\r\n");
        else socket.write("502 5.5.1 unknown command\r\n");
      }
    };
    socket.on("data", onData);
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    state.connections++;
    if (state.down) {
      socket.end("421 fake.test busy, try later\r\n");
      return;
    }
    socket.write("220 fake.test ESMTP\r\n");
    speak(socket, false);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    commands,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const MESSAGE = {
  from: "ProjectMeats <no-reply@pm.test>",
  to: "buyer@plant.test",
  subject: "Load 42 – Größe",
  text: "Your load left the dock.\n.\nBye",
  messageId: "m1@pm.test",
};

Deno.test("sendSmtp() never sends credentials to a relay that offers no STARTTLS", async () => {
  const fake = await fakeSmtp({ starttls: false });
  try {
    await assert.rejects(
      sendSmtp(`smtp://mailer:s%40cret@127.0.0.1:${fake.port}`, MESSAGE, { timeoutMs: 3000 }),
      /credentials were not sent/,
    );
    const lines = fake.commands.map((c) => c.line);
    assert.ok(lines.some((l) => /^EHLO /.test(l)), `it spoke to the relay: ${lines}`);
    assert.ok(!lines.some((l) => /^AUTH/i.test(l)), `no AUTH command: ${lines}`);
    const secret = Buffer.from("\0mailer\0s@cret").toString("base64");
    const login = Buffer.from("mailer").toString("base64");
    assert.ok(
      !lines.some((l) => l.includes(secret) || l.includes(login) || l.includes("s@cret")),
      "neither user nor password crossed the wire",
    );
    assert.equal(fake.received.length, 0, "nothing was delivered");
  } finally {
    await fake.close();
  }
});

Deno.test("sendSmtp() upgrades with STARTTLS, then authenticates and delivers; a refused recipient throws", async () => {
  const fake = await fakeSmtp({ starttls: true });
  try {
    const url = `smtp://mailer:s%40cret@127.0.0.1:${fake.port}`;
    await sendSmtp(url, MESSAGE, { ca: TEST_CERT });
    assert.equal(fake.received.length, 1);
    const auth = fake.commands.find((c) => /^AUTH/.test(c.line))!;
    assert.equal(auth.tls, true, "AUTH only after the TLS upgrade");
    const got = fake.received[0]!;
    assert.equal(got.auth, "\0mailer\0s@cret");
    assert.equal(got.from, "MAIL FROM:<no-reply@pm.test>");
    assert.equal(got.to, "RCPT TO:<buyer@plant.test>");
    assert.match(got.data, /^From: ProjectMeats <no-reply@pm\.test>\r\n/m);
    assert.match(got.data, /^Message-ID: <m1@pm\.test>\r\n/m);
    assert.match(got.data, /^Subject: =\?UTF-8\?/m, "a non-ASCII subject is encoded");

    fake.state.rejectRcpt = true;
    await assert.rejects(
      sendSmtp(url, { ...MESSAGE, to: "nobody@plant.test", messageId: "m2@pm.test" }, {
        ca: TEST_CERT,
      }),
      /550/,
    );
    assert.equal(fake.received.length, 1, "nothing more was delivered");
  } finally {
    await fake.close();
  }
});

Deno.test("sendSmtp() refuses header injection before connecting", async () => {
  const fake = await fakeSmtp();
  try {
    await assert.rejects(
      sendSmtp(`smtp://127.0.0.1:${fake.port}`, { ...MESSAGE, subject: "Hi\r\nBcc: x@evil.test" }),
      /line breaks/,
    );
    assert.equal(fake.state.connections, 0);
  } finally {
    await fake.close();
  }
});

Deno.test("sendMail() with SMTP_URL delivers through the relay; failures stay queued and are retried", async () => {
  const fake = await fakeSmtp();
  const server = await startTestServer({
    // No credentials: a relay on a private network that needs no AUTH may be spoken to in clear.
    SMTP_URL: `smtp://127.0.0.1:${fake.port}`,
    MAIL_FROM: "PM <no-reply@pm.test>",
  });
  const { control } = server.services;
  const row = async (id: string) =>
    (await control.execute({ sql: "SELECT * FROM outbox WHERE id = ?", args: [id] })).rows[0]!;
  try {
    const first = await sendMail(server.services, {
      to: "a@plant.test",
      subject: "One",
      text: "Hello",
    });
    await mailSettled(server.services);
    assert.equal((await row(first)).status, "sent");
    assert.equal(fake.received.length, 1);
    assert.match(fake.received[0]!.data, /Subject: One/);

    fake.state.down = true;
    const second = await sendMail(server.services, {
      to: "b@plant.test",
      subject: "Two",
      text: "Hi",
    });
    await mailSettled(server.services);
    let r = await row(second);
    assert.equal(r.status, "queued");
    assert.equal(Number(r.attempts), 1);
    assert.match(String(r.last_error), /421/);
    // Not due yet: the worker leaves it alone.
    assert.deepEqual(await deliverQueuedMail(server.services), { sent: 0, failed: 0 });

    fake.state.down = false;
    await control.execute({
      sql: "UPDATE outbox SET next_attempt_at = '2000-01-01' WHERE id = ?",
      args: [second],
    });
    assert.deepEqual(await deliverQueuedMail(server.services), { sent: 1, failed: 0 });
    r = await row(second);
    assert.equal(r.status, "sent");
    assert.equal(Number(r.attempts), 2);
    assert.equal(r.last_error, null);
    assert.equal(fake.received.length, 2);

    // After the last allowed attempt a message is marked failed for an operator.
    fake.state.down = true;
    const third = await sendMail(server.services, {
      to: "c@plant.test",
      subject: "Three",
      text: "Hi",
    });
    await mailSettled(server.services);
    await control.execute({
      sql: "UPDATE outbox SET next_attempt_at = '2000-01-01', attempts = ? WHERE id = ?",
      args: [MAX_ATTEMPTS - 1, third],
    });
    assert.deepEqual(await deliverQueuedMail(server.services), { sent: 0, failed: 1 });
    assert.equal((await row(third)).status, "failed");
    assert.equal(fake.received.length, 2);
  } finally {
    await server.close();
    await fake.close();
  }
});

Deno.test("sendMail() keeps attachments with the message and sends them as MIME parts, on a retry too", async () => {
  const fake = await fakeSmtp();
  const server = await startTestServer({
    SMTP_URL: `smtp://127.0.0.1:${fake.port}`,
    MAIL_FROM: "PM <no-reply@pm.test>",
  });
  const { control } = server.services;
  const pdf = new TextEncoder().encode("%PDF-1.7 invoice INV-50001 %%EOF");
  try {
    fake.state.down = true;
    const id = await sendMail(server.services, {
      to: "ap@grocer.test",
      subject: "Invoice INV-50001",
      text: "Attached.",
      attachments: [{
        filename: "INV-50001-invoice.pdf",
        contentType: "application/pdf",
        content: pdf,
      }],
    });
    await mailSettled(server.services);
    assert.equal(fake.received.length, 0);
    fake.state.down = false;
    await control.execute({
      sql: "UPDATE outbox SET next_attempt_at = '2000-01-01' WHERE id = ?",
      args: [id],
    });
    assert.deepEqual(await deliverQueuedMail(server.services), { sent: 1, failed: 0 });
    const data = fake.received[0]!.data;
    assert.match(data, /Content-Type: multipart\/mixed/i);
    assert.match(data, /Content-Type: application\/pdf; name=INV-50001-invoice\.pdf/i);
    assert.match(data, /Content-Disposition: attachment; filename=INV-50001-invoice\.pdf/i);
    const base64 =
      /filename=INV-50001-invoice\.pdf\r?\n(?:[\w-]+:.*\r?\n)*\r?\n([A-Za-z0-9+/=\r\n]+)/i
        .exec(data)?.[1];
    assert.equal(
      Buffer.from(String(base64).replace(/\s/g, ""), "base64").toString(),
      "%PDF-1.7 invoice INV-50001 %%EOF",
    );
    await assert.rejects(
      sendMail(server.services, {
        to: "ap@grocer.test",
        subject: "x",
        text: "x",
        attachments: [{ filename: 'a"\r\nb.pdf', contentType: "application/pdf", content: pdf }],
      }),
      /attachment's name or type/,
    );
    const rows = await control.execute("SELECT count(*) AS n FROM outbox");
    assert.equal(Number(rows.rows[0]!.n), 1, "the refused message was not stored");
  } finally {
    await server.close();
    await fake.close();
  }
});
