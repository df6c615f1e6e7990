/**
 * The acknowledgement reader inside document reading: an uploaded acknowledgement in an Enterprise
 * workspace with the plugin installed is read by the plugin into a draft purchase order; without
 * the plugin the built-in reader reads it.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { putInState } from "../../../tests/helpers/billing.ts";
import { startWorker, uploadFile, waitForDocument } from "../../../tests/helpers/documents.ts";
import { installForTest } from "../../../tests/helpers/plugins.ts";

const ACK = [
  "Prairie Packing Co.",
  "ORDER ACKNOWLEDGEMENT",
  "Ack No: 5523    Order Date: 11/03/2026",
  "ITEM   DESCRIPTION            BOXES   NET LBS    $/LB",
  "1180   Beef chuck roll        800     40,120     2.1500",
  "TOTAL                         800     40,120",
].join("\n");

Deno.test("an uploaded acknowledgement is read by the installed reader plugin", async () => {
  const server = await startTestServer({});
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "enterprise", "active");
    const api = await apiClient(server, t);
    const before = await uploadFile(server, api, "ack1.txt", new TextEncoder().encode(ACK));
    const builtIn = await waitForDocument(api, before.body.id);
    assert.notEqual(builtIn.provider, "plugin:ack-reader");

    await installForTest(server.services, t.tenantId, "ack-reader");
    // Another acknowledgement (the same file again would be answered as the same document).
    const second = ACK.replace("5523", "5524");
    const up = await uploadFile(server, api, "ack2.txt", new TextEncoder().encode(second));
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review", JSON.stringify(doc));
    assert.equal(doc.provider, "plugin:ack-reader");
    assert.equal(doc.draft.collection, "purchase-orders");
    assert.equal(doc.draft.fields.supplier_confirmation.value, "5524");
    assert.equal(doc.draft.fields.order_date.value, "2026-11-03");
    assert.equal(doc.draft.lines[0].weight.value, 40120);
  } finally {
    await worker.stop();
    await server.close();
  }
});
