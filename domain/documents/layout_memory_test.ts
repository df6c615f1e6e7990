/**
 * Learning from corrections: a label the reader does not know ("Pack Ref"), corrected once on a
 * packer's confirmation, is read on that packer's next confirmation and on no one else's.
 */
import assert from "node:assert/strict";
import { correctionRates, labelFor, senderKey } from "./layout_memory.ts";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../../tests/helpers/documents.ts";

Deno.test("senderKey() is the letterhead without its numbers; labelFor() finds the label beside or over a value", () => {
  assert.equal(
    senderKey("Prairie Packing Co.      Conf 4471\n1200 Packers Ave"),
    senderKey("Prairie Packing Co.      Conf 9912\n1200 Packers Ave"),
  );
  assert.notEqual(senderKey("Prairie Packing Co.\nA"), senderKey("Heartland Beef Inc.\nA"));
  const text = "Pack Ref      PR-7781\nSHIP WEEK     LOAD DAY\n12            03/09/2026";
  assert.equal(labelFor(text, "supplier_confirmation", "PR-7781"), "Pack Ref");
  assert.equal(labelFor(text, "pickup_date", "2026-03-09"), "LOAD DAY");
  assert.equal(labelFor(text, "number", "NOT-THERE"), null);
});

function confirmation(sender: string, ref: string, po: string): Uint8Array {
  return new TextEncoder().encode([
    `${sender}                         SALES CONFIRMATION`,
    "1200 Packers Ave, Omaha NE",
    "",
    `Pack Ref:    ${ref}               Your PO #:   ${po}`,
    "Date:        03/02/2026           Terms:       Net 15",
    "",
    "Description                 Cases      Net Weight      Price      Amount",
    "Beef chuck roll 2x          100        4,000           3.25       $13,000.00",
    "Total                                                             $13,000.00",
  ].join("\n"));
}

Deno.test("a corrected label is remembered for that sender's next document, and only that sender's", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packing Co." }, 201);
    const read = async (name: string, bytes: Uint8Array) => {
      const up = await uploadFile(server, api, name, bytes);
      assert.equal(up.status, 202, JSON.stringify(up.body));
      const doc = await waitForDocument(api, up.body.id);
      assert.equal(doc.status, "review", doc.status_message);
      assert.equal(doc.classification, "sales_confirmation");
      return doc;
    };
    const first = await read(
      "conf-1.txt",
      confirmation("Prairie Packing Co.", "PR-7781", "PO-4471"),
    );
    assert.equal(
      first.draft.fields.supplier_confirmation,
      undefined,
      "the label is unknown at first",
    );
    const values = Object.fromEntries(
      Object.entries(first.draft.fields).map(([k, v]) => [k, (v as { value: unknown }).value]),
    );
    await api.ok("POST", `/api/v1/documents/${first.id}/accept`, {
      values: { ...values, supplier_confirmation: "PR-7781" },
    }, 201);

    const second = await read(
      "conf-2.txt",
      confirmation("Prairie Packing Co.", "PR-9902", "PO-5120"),
    );
    assert.equal(second.draft.fields.supplier_confirmation?.value, "PR-9902");
    assert.match(second.draft.fields.supplier_confirmation.why, /learned/);
    assert.equal(second.draft.fields.number?.value, "PO-5120");

    const other = await read(
      "conf-3.txt",
      confirmation("Heartland Beef Inc.", "HB-1100", "PO-6000"),
    );
    assert.equal(
      other.draft.fields.supplier_confirmation,
      undefined,
      "another sender learns nothing",
    );

    // Correction rates per kind, sender and month: the first confirmation's one fix shows.
    const lease = await server.services.pool.acquire(t.tenantId, null);
    try {
      const rates = await correctionRates(lease.db);
      const ref = rates.filter((r) => r.field === "supplier_confirmation");
      assert.deepEqual(ref.map((r) => [r.classification, r.sender, r.reviewed, r.corrected]), [
        ["sales_confirmation", "Prairie Packing Co.", 1, 1],
      ]);
      // (The accept sent no lines, so the lines count as corrected; the header fields were kept.)
      const others = rates.filter((r) =>
        r.field !== "supplier_confirmation" && !r.field.startsWith("lines.")
      );
      assert.ok(others.length > 0 && others.every((r) => r.corrected === 0));
    } finally {
      lease.release();
    }
  } finally {
    await worker.stop();
    await server.close();
  }
});
