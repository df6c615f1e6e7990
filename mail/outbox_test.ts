import assert from "node:assert/strict";
import { attachmentsOf, listOutbox, sendMail } from "./outbox.ts";
import { startTestServer } from "../tests/helpers/server.ts";
import type { Logger } from "../http/log.ts";

function capturingLogger(lines: Array<Record<string, unknown>>): Logger {
  const push = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, msg, ...fields });
  return {
    enabled: () => true,
    debug: push("debug"),
    info: push("info"),
    warn: push("warn"),
    error: push("error"),
  };
}

Deno.test("sendMail() without SMTP_URL lands in the dev mailbox at once and logs the body outside production", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const server = await startTestServer({}, { log: capturingLogger(lines) });
  try {
    const id = await sendMail(server.services, {
      to: "buyer@plant.test",
      subject: "Reset",
      text: "Open http://localhost/reset?token=abc",
    });
    const [message] = await listOutbox(server.services.control);
    assert.equal(message?.id, id);
    assert.equal(message?.status, "sent");
    assert.ok(message?.sentAt);
    assert.deepEqual(message?.attachments, []);
    const logged = lines.find((l) => l.mail_id === id);
    assert.equal(logged?.to, "buyer@plant.test");
    assert.match(String(logged?.body), /token=abc/);
    await assert.rejects(
      sendMail(server.services, { to: "not an address", subject: "x", text: "x" }),
      /cannot receive mail/,
    );
    assert.equal(
      (await listOutbox(server.services.control)).length,
      1,
      "the bad one was not stored",
    );
    // Attachments are stored with the message and named in the dev mailbox, in order.
    const withFiles = await sendMail(server.services, {
      to: "ap@plant.test",
      subject: "Invoice",
      text: "Attached.",
      attachments: [
        { filename: "b.pdf", contentType: "application/pdf", content: new Uint8Array([1, 2]) },
        { filename: "a.csv", contentType: "text/csv", content: new Uint8Array([3]) },
      ],
    });
    const [latest] = await listOutbox(server.services.control);
    assert.equal(latest?.id, withFiles);
    assert.deepEqual(latest?.attachments, ["b.pdf", "a.csv"]);
    const stored = await attachmentsOf(server.services.control, withFiles);
    assert.deepEqual(stored.map((a) => [a.filename, a.contentType, [...a.content]]), [
      ["b.pdf", "application/pdf", [1, 2]],
      ["a.csv", "text/csv", [3]],
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("sendMail() in production never writes the body (its secret links) to the log", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const server = await startTestServer({ APP_ENV: "production" }, { log: capturingLogger(lines) });
  try {
    const id = await sendMail(server.services, {
      to: "a@plant.test",
      subject: "Reset",
      text: "token=secret",
    });
    const logged = lines.find((l) => l.mail_id === id);
    assert.equal(logged?.subject, "Reset");
    assert.ok(!JSON.stringify(lines).includes("secret"));
  } finally {
    await server.close();
  }
});
