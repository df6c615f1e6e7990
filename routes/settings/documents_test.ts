/**
 * Settings → Documents: correction rates per sender, field and month from accepted documents,
 * what corrections taught the reader, and an owner's reset of one sender's learning.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { addMember, signIn } from "../../tests/helpers/members.ts";
import { startWorker, uploadFile, waitForDocument } from "../../tests/helpers/documents.ts";
import { learnedSenders } from "../../domain/documents/layout_memory.ts";

function confirmation(sender: string, ref: string, po: string): Uint8Array {
  return new TextEncoder().encode([
    `${sender}                         SALES CONFIRMATION`,
    "1200 Packers Ave, Omaha NE",
    "",
    `Pack Ref:    ${ref}               Your PO #:   ${po}`,
    "Date:        03/02/2026           Terms:       Net 15",
  ].join("\n"));
}

Deno.test("Settings → Documents shows correction rates and learned labels; only an owner resets a sender's learning", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    // Two senders, each corrected once on its confirmation number.
    for (
      const [sender, ref, po] of [["Prairie Packing Co.", "PR-7781", "PO-4471"], [
        "Heartland Beef Inc.",
        "HB-1100",
        "PO-6000",
      ]]
    ) {
      const up = await uploadFile(server, api, `${ref}.txt`, confirmation(sender!, ref!, po!));
      assert.equal(up.status, 202, JSON.stringify(up.body));
      const doc = await waitForDocument(api, up.body.id);
      assert.equal(doc.status, "review", doc.status_message);
      const values = Object.fromEntries(
        Object.entries(doc.draft.fields).map(([k, v]) => [k, (v as { value: unknown }).value]),
      );
      await api.ok("POST", `/api/v1/documents/${doc.id}/accept`, {
        values: { ...values, supplier_confirmation: ref },
      }, 201);
    }
    const senders = async () => {
      const lease = await server.services.pool.acquire(t.tenantId, null);
      try {
        return (await learnedSenders(lease.db)).map((s) => s.senderKey).sort();
      } finally {
        lease.release();
      }
    };
    const before = await senders();
    assert.equal(before.length, 2, JSON.stringify(before));
    const prairie = before.find((k) => k.startsWith("prairie"))!;

    const ownerCookie = t.jar.header(t.host);
    const page = await server.fetch(t.host, "/settings/documents", {
      headers: { cookie: ownerCookie },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<a href="\/settings\/documents" aria-current="page"/);
    // The corrected field at 100%, per sender and per field.
    assert.match(
      html,
      /<th scope="row">Prairie Packing Co\.<\/th><td>Sales confirmation<\/td><td class="num">\d+<\/td><td class="num">[1-9]\d*<\/td>/,
    );
    assert.match(
      html,
      /<th scope="row">supplier confirmation<\/th><td>Sales confirmation<\/td><td class="num">2<\/td><td class="num">2<\/td><td class="num">100%<\/td>/,
    );
    assert.match(html, /<td>Pack Ref<\/td>/);
    assert.equal(html.match(/Reset learning for /g)?.length, 2);

    // An admin sees the page but not the reset, and cannot reset by posting.
    const admin = await addMember(server, t.tenantId, "admin");
    const s = await signIn(server, t.host, admin.email, admin.password);
    const adminCookie = s.jar.header(s.host);
    const adminPage = await server.fetch(t.host, "/settings/documents", {
      headers: { cookie: adminCookie },
    });
    assert.equal(adminPage.status, 200);
    const adminHtml = await adminPage.text();
    assert.doesNotMatch(adminHtml, /Reset learning for /);
    assert.match(adminHtml, /Only an owner can reset learning\./);
    const refused = await server.fetch(t.host, "/settings/documents/reset", {
      method: "POST",
      headers: { cookie: adminCookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: s.csrf, sender: prairie }).toString(),
    });
    await refused.body?.cancel();
    assert.equal(refused.status, 403);
    assert.deepEqual(await senders(), before, "nothing forgotten");

    // A broker does not open the page.
    const broker = await addMember(server, t.tenantId, "broker");
    const b = await signIn(server, t.host, broker.email, broker.password);
    const brokerPage = await server.fetch(t.host, "/settings/documents", {
      headers: { cookie: b.jar.header(b.host) },
    });
    await brokerPage.body?.cancel();
    assert.equal(brokerPage.status, 403);

    // The owner resets one sender: only that sender's labels go.
    const reset = await server.fetch(t.host, "/settings/documents/reset", {
      method: "POST",
      headers: { cookie: ownerCookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, sender: prairie }).toString(),
    });
    await reset.body?.cancel();
    assert.equal(reset.status, 303);
    assert.equal(reset.headers.get("location"), "/settings/documents?reset=1");
    assert.deepEqual(await senders(), before.filter((k) => k !== prairie));
    const again = await server.fetch(t.host, "/settings/documents/reset", {
      method: "POST",
      headers: { cookie: ownerCookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ _csrf: t.csrf, sender: prairie }).toString(),
    });
    await again.body?.cancel();
    assert.equal(again.status, 404, "a sender with nothing learned is not found");
  } finally {
    await worker.stop();
    await server.close();
  }
});
