import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { sendMail } from "../../mail/outbox.ts";

Deno.test("GET /dev/mail lists the newest e-mails with clickable links, on the bare domain and tenant hosts", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    await sendMail(server.services, {
      to: "buyer@plant.example",
      subject: "Your <b>load</b>",
      text: "Open http://localhost:8000/reset-password?token=abc&x=1 now",
    });
    for (const host of ["localhost", t.host]) {
      const res = await server.fetch(host, "/dev/mail");
      assert.equal(res.status, 200);
      const html = await res.text();
      assert.match(html, /buyer@plant\.example/);
      assert.match(html, /<a href="http:\/\/localhost:8000\/reset-password\?token=abc&amp;x=1">/);
      assert.match(html, /Your &lt;b>load&lt;\/b>/, "subjects are escaped");
      assert.match(
        html,
        new RegExp(t.email.replace(/\./g, "\\.")),
        "the signup confirmation is listed",
      );
    }
    const json = await (await server.fetch("localhost", "/dev/mail", {
      headers: { accept: "application/json" },
    }))
      .json();
    assert.equal(json.data[0].to, "buyer@plant.example", "newest first");
  } finally {
    await server.close();
  }
});

Deno.test("GET /dev/mail does not exist in production", async () => {
  const server = await startTestServer({ APP_ENV: "production" });
  try {
    await sendMail(server.services, {
      to: "a@plant.example",
      subject: "Secret",
      text: "token=s3cret",
    });
    const res = await server.fetch("localhost", "/dev/mail");
    assert.equal(res.status, 404);
    assert.ok(!(await res.text()).includes("s3cret"));
  } finally {
    await server.close();
  }
});
