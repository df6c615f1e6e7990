/**
 * A workspace's custom field read from an uploaded document: the draft has it with a confidence
 * and a reason, the review page shows it as a field to check, and accepting writes it to the new
 * record's custom_fields (and nothing under a built-in field).
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../../tests/helpers/documents.ts";
import { seedOneOfEach } from "../../tests/helpers/records.ts";

const bol = (po: string) =>
  [
    "STRAIGHT BILL OF LADING",
    "BOL #: 55120",
    `PO #: ${po}`,
    "Carrier: Polar Haul Trucking",
    "",
    "BOX ID           SEAL NO.",
    "TGHU 4455667     S-77812",
  ].join("\n");

Deno.test("a custom field is read from a document, shown on the review page and accepted into custom_fields", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cookie = t.jar.header(t.host);
    const put = await api.call("PUT", "/api/v1/config", {
      custom_fields: {
        loads: [{
          key: "container",
          label: "Container number",
          type: "text",
          document_labels: ["Box ID"],
          document_pattern: "[A-Z]{4}\\s?\\d{7}",
        }],
      },
    }, { "if-match": '"0"' });
    assert.equal(put.status, 200, JSON.stringify(put.body));

    const po = (await seedOneOfEach(api, "Cf"))["purchase-orders"];
    const up = await uploadFile(server, api, "bol.txt", new TextEncoder().encode(bol(po.number)));
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review");
    assert.equal(doc.classification, "bill_of_lading");
    assert.deepEqual(doc.draft.fields.container, {
      value: "TGHU 4455667",
      confidence: 0.85,
      why: 'label "BOX ID" above it',
    });

    const page = await (await server.fetch(t.host, `/documents/${doc.id}`, { headers: { cookie } }))
      .text();
    const field = /<div class="field[^"]*" data-field="container"[^>]*>[\s\S]*?<\/div>/.exec(page);
    assert.ok(field, "the review page shows the custom field");
    assert.equal(page.split('data-field="container"').length, 2, "shown once");
    assert.match(field[0], /<label for="f-container">Container number<\/label>/);
    assert.match(field[0], /value="TGHU 4455667"/);
    assert.match(field[0], /data-confidence="0.85"/);

    const form = new URLSearchParams({
      _csrf: t.csrf,
      _collection: "loads",
      bol_number: "55120",
      container: "TGHU4455667", // the reviewer's correction
      "party.carrier_id.name": "Polar Haul Trucking",
      "ref.purchase_order_id": po.number,
    });
    const accepted = await server.fetch(t.host, `/documents/${doc.id}/accept`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    assert.equal(accepted.status, 303, await accepted.text());
    const location = accepted.headers.get("location")!;
    assert.match(location, /^\/loads\/[0-9a-z]{26}\?saved=1$/);
    const load = await api.ok("GET", `/api/v1${location.replace("?saved=1", "")}`);
    assert.deepEqual(load.custom_fields, { container: "TGHU4455667" });
    assert.equal(load.container, undefined, "custom values answer under custom_fields only");
    assert.equal(load.bol_number, "55120");
    assert.equal(load.purchase_order_id, po.id);
  } finally {
    await worker.stop();
    await server.close();
  }
});
