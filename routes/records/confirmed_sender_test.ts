/**
 * Mail to people outside the workspace needs the sender's own address confirmed: an invoice, a
 * rate confirmation, a statement and a dispute's outcome are refused (403 `email_unconfirmed`)
 * to a member who never confirmed theirs, through the API (a token acts for its user, and a
 * session) and through the pages, which show why; nothing is queued in the outbox and nothing
 * changes. Once the address is confirmed, the same requests send.
 */
import assert from "node:assert/strict";
import { FixedClock } from "../../domain/clock.ts";
import {
  type SignedUp,
  signUpTenant,
  startTestServer,
  type TestServer,
} from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import {
  addMember,
  call,
  confirmAddress,
  mailTo,
  type Session,
  signIn,
} from "../../tests/helpers/members.ts";
import { seedOneOfEach } from "../../tests/helpers/records.ts";
import { seedPortal } from "../../tests/helpers/portal.ts";

const START = "2026-11-20T18:00:00Z";

/** Posts a form as a signed-in browser would. */
async function postForm(
  server: TestServer,
  host: string,
  who: { jar: SignedUp["jar"]; csrf: string },
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; location: string | null; text: string }> {
  const res = await server.fetch(host, path, {
    method: "POST",
    headers: {
      cookie: who.jar.header(host),
      "content-type": "application/x-www-form-urlencoded",
      origin: `http://${host}:${server.port}`,
    },
    body: new URLSearchParams({ _csrf: who.csrf, ...fields }).toString(),
  });
  return { status: res.status, location: res.headers.get("location"), text: await res.text() };
}

function assertUnconfirmed(res: { status: number; body: { error: Record<string, unknown> } }) {
  assert.equal(res.status, 403);
  assert.equal(res.body.error.code, "forbidden");
  assert.deepEqual(res.body.error.details, { reason: "email_unconfirmed" });
  assert.match(String(res.body.error.message), /^Confirm your e-mail address before sending mail/);
}

Deno.test("an unconfirmed member's invoice, rate confirmation and statement are refused by token, session and page, nothing queued or changed; sent once confirmed", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(START) });
  try {
    const t = await signUpTenant(server);
    const token = await apiClient(server, t); // acts for the owner
    const session = await signIn(server, t.host, t.email, t.password);
    const seeded = await seedOneOfEach(token, "Unsure");
    const invoice = await token.ok("POST", "/api/v1/invoices", {
      customer_id: seeded.customers.id,
      invoice_date: "2026-11-20",
      state: "draft",
      lines: [{ description: "Brisket", cases: 2, price: 100, price_basis: "case" }],
    }, 201);
    const load = await token.ok("POST", "/api/v1/loads", {
      carrier_id: seeded.carriers.id,
      purchase_order_id: seeded["purchase-orders"].id,
      freight_cents: 250_000,
    }, 201);
    const to = "victim@outside.example";
    const sessionJson = async (path: string, json: unknown) => {
      const res = await call(server, session, "POST", path, json);
      return { status: res.status, body: await res.json() };
    };

    // The API, with the owner's token and with their session.
    const invoiceSend = `/api/v1/invoices/${invoice.id}/send`;
    const rateSend = `/api/v1/loads/${load.id}/rate-confirmation/send`;
    const statement = `/api/v1/customers/${seeded.customers.id}/statement`;
    assertUnconfirmed(await token.call("POST", invoiceSend, { to }));
    assertUnconfirmed(await sessionJson(invoiceSend, { to }));
    assertUnconfirmed(await token.call("POST", rateSend, { to }));
    assertUnconfirmed(await sessionJson(rateSend, { to }));
    assertUnconfirmed(await token.call("POST", statement, { kind: "statement", to }));
    assertUnconfirmed(await sessionJson(statement, { kind: "reminder", to }));
    const spanish = await token.call("POST", invoiceSend, { to }, { "accept-language": "es" });
    assert.equal(spanish.status, 403);
    assert.match(spanish.body.error.message, /^Confirme su dirección de correo/);

    // The pages: the send form again, saying why, with 403.
    const pages = [
      [`/invoices/${invoice.id}/send`, { to }],
      [`/loads/${load.id}/rate-confirmation/send`, { to }],
      [`/customers/${seeded.customers.id}/statement`, { kind: "statement", to }],
    ] as const;
    for (const [path, fields] of pages) {
      const page = await postForm(server, t.host, t, path, fields);
      assert.equal(page.status, 403, path);
      assert.match(page.text, /Confirm your e-mail address before sending mail/, path);
      assert.match(page.text, /<form method="post"/, `${path}: the form again`);
    }

    assert.deepEqual(await mailTo(server, to), [], "nothing queued");
    const unchanged = await token.ok("GET", `/api/v1/invoices/${invoice.id}`);
    assert.equal(unchanged.state, "draft");
    assert.equal(unchanged.version, invoice.version);
    const loadPage = await token.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(loadPage.version, load.version);

    // Confirmed: the same requests send.
    await confirmAddress(server, t.userId);
    const sent = await token.ok("POST", invoiceSend, { to }, 201);
    assert.equal(sent.invoice.state, "sent");
    const rate = await postForm(server, t.host, t, `/loads/${load.id}/rate-confirmation/send`, {
      to,
    });
    assert.equal(rate.status, 303);
    const told = await sessionJson(statement, { kind: "statement", to });
    assert.equal(told.status, 201);
    assert.equal((await mailTo(server, to)).length, 3);
  } finally {
    await server.close();
  }
});

Deno.test("an unconfirmed member may not resolve a dispute that mails the customer, by API or page; the dispute stays open until they confirm", async () => {
  const server = await startTestServer({}, { clock: new FixedClock(START) });
  try {
    const t = await signUpTenant(server);
    const owner = await apiClient(server, t);
    const f = await seedPortal(server, t, owner); // the owner confirms and sends the invoice
    const html = await (await server.fetch(t.host, `/portal/${f.token}`)).text();
    const lineId = /<option value="([^"]+)">1\. /.exec(html)?.[1];
    assert.ok(lineId);
    const disputed = await server.fetch(t.host, `/portal/${f.token}/dispute`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ line_id: lineId, reason: "Short 150 lb" }).toString(),
    });
    assert.equal(disputed.status, 303);
    await disputed.body?.cancel();
    const [dispute] = (await owner.ok("GET", `/api/v1/invoices/${f.invoice.id}/disputes`)).data;
    const resolve = `/api/v1/invoices/${f.invoice.id}/disputes/${dispute.id}/resolve`;
    const mailBefore = (await mailTo(server, "ap@lonestar.example")).length;

    // An accounting member who never confirmed their address.
    const clerk = await addMember(server, t.tenantId, "accounting");
    const session: Session = await signIn(server, t.host, clerk.email, clerk.password);
    const api = await call(server, session, "POST", resolve, { outcome: "reject", note: "No." });
    assertUnconfirmed({ status: api.status, body: await api.json() });
    const page = await postForm(
      server,
      t.host,
      session,
      `/invoices/${f.invoice.id}/disputes/${dispute.id}/resolve`,
      { outcome: "accept", note: "Fine." },
    );
    assert.equal(page.status, 303);
    const back = new URL(page.location!, `http://${t.host}`);
    assert.match(back.searchParams.get("error") ?? "", /^Confirm your e-mail address/);
    const still = (await owner.ok("GET", `/api/v1/invoices/${f.invoice.id}/disputes`)).data[0];
    assert.equal(still.status, "open");
    assert.equal((await mailTo(server, "ap@lonestar.example")).length, mailBefore);

    await confirmAddress(server, clerk.userId);
    const res = await call(server, session, "POST", resolve, { outcome: "reject", note: "No." });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).mailed_to, "ap@lonestar.example");
    assert.equal((await mailTo(server, "ap@lonestar.example")).length, mailBefore + 1);
  } finally {
    await server.close();
  }
});
