import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import net from "node:net";
import { formatMessage, sendSmtp } from "./smtp.ts";
import { deliverQueuedMail, mailSettled, MAX_ATTEMPTS, sendMail } from "./outbox.ts";
import { startTestServer } from "../tests/helpers/server.ts";

interface Received {
  from: string;
  to: string;
  data: string;
  auth: string | null;
}

/** A loopback SMTP server that speaks just enough of the protocol and records what it got. */
export async function fakeSmtp() {
  const received: Received[] = [];
  const state = { down: false, rejectRcpt: false, connections: 0 };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    state.connections++;
    if (state.down) {
      socket.end("421 fake.test busy, try later\r\n");
      return;
    }
    let buffer = "";
    let inData = false;
    let current: Received = { from: "", to: "", data: "", auth: null };
    socket.write("220 fake.test ESMTP\r\n");
    socket.on("data", (chunk: Buffer) => {
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
        const verb = line.split(" ")[0]!.toUpperCase();
        if (verb === "EHLO") {
          socket.write("250-fake.test\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n");
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
        else socket.write("502 unknown\r\n");
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

Deno.test("formatMessage() dot-stuffs lines, encodes non-ASCII and refuses header injection", () => {
  const base = { from: "A <a@x.test>", to: "b@x.test", subject: "Hi", messageId: "1@x.test" };
  const plain = formatMessage({ ...base, text: "one\n.two\nthree" });
  assert.match(plain, /\r\n\r\none\r\n\.\.two\r\nthree\r\n\.\r\n$/);
  assert.match(plain, /Content-Transfer-Encoding: 7bit/);
  const utf = formatMessage({ ...base, subject: "Größe", text: "Rindfleisch für 5 €" });
  assert.match(utf, /Subject: =\?UTF-8\?B\?/);
  assert.match(utf, /Content-Transfer-Encoding: base64/);
  assert.ok(!utf.includes("€"), "the body is encoded");
  assert.throws(() => formatMessage({ ...base, subject: "Hi\r\nBcc: evil@x.test", text: "x" }));
});

Deno.test("sendSmtp() authenticates and hands the message to the relay; a refused recipient throws", async () => {
  const fake = await fakeSmtp();
  try {
    const url = `smtp://mailer:s%40cret@127.0.0.1:${fake.port}`;
    await sendSmtp(url, {
      from: "ProjectMeats <no-reply@pm.test>",
      to: "buyer@plant.test",
      subject: "Load 42",
      text: "Your load left the dock.\n.\nBye",
      messageId: "m1@pm.test",
    });
    assert.equal(fake.received.length, 1);
    const got = fake.received[0]!;
    assert.equal(got.auth, "\0mailer\0s@cret");
    assert.equal(got.from, "MAIL FROM:<no-reply@pm.test>");
    assert.equal(got.to, "RCPT TO:<buyer@plant.test>");
    assert.match(got.data, /^From: ProjectMeats <no-reply@pm.test>\r\n/);
    assert.match(got.data, /Subject: Load 42\r\n/);
    assert.match(got.data, /Your load left the dock\.\r\n\.\.\r\nBye/);

    fake.state.rejectRcpt = true;
    await assert.rejects(
      sendSmtp(url, {
        from: "a@pm.test",
        to: "nobody@plant.test",
        subject: "x",
        text: "x",
        messageId: "m2@pm.test",
      }),
      /RCPT TO refused: 550/,
    );
    assert.equal(fake.received.length, 1, "nothing more was delivered");
  } finally {
    await fake.close();
  }
});

Deno.test("sendMail() with SMTP_URL delivers through the relay; failures stay queued and are retried", async () => {
  const fake = await fakeSmtp();
  const server = await startTestServer({
    SMTP_URL: `smtp://u:p@127.0.0.1:${fake.port}`,
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
