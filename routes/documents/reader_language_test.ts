import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../../tests/helpers/documents.ts";

// A bill of lading whose labels the reader does not know: its values are found by position and
// its carrier beside the MC number, so the draft carries the reader's reasons and warnings.
const BOL = [
  "BILL OF LADING",
  "Shipper: Heartland Beef Inc.",
  "Polar Express Trucking                  MC 123456",
  "",
  "Zorp Ref          BL603336",
  "Wham Ref          PO-5067",
  "Quux              3/10/26 1400 hrs",
].join("\n");

Deno.test("review page: the reader's warnings and reasons read in the member's language, the stored draft stays English", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cookie = t.jar.header(t.host);
    const up = await uploadFile(server, api, "bol.txt", new TextEncoder().encode(BOL));
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review");
    // The API's draft keeps the reader's English (a contract, and what old drafts hold).
    assert.equal(doc.draft.fields.bol_number.why, "found by position, no label");
    assert.ok(doc.draft.warnings.length > 0, JSON.stringify(doc.draft));

    const page = (language: string) =>
      server.fetch(t.host, `/documents/${doc.id}`, {
        headers: { cookie, "accept-language": language },
      }).then((r) => r.text());
    const es = await page("es");
    assert.match(es, /Encontrado por su posición, sin etiqueta\./);
    assert.doesNotMatch(es, /found by position/i);
    const warnings = /<ul class="warnings">([\s\S]*?)<\/ul>/.exec(es)?.[1] ?? "";
    assert.doesNotMatch(warnings, /no label|check it/, warnings);
    assert.match(warnings, /revíselo|revísela/);

    const en = await page("en");
    assert.match(en, /Found by position, no label\./);
    assert.doesNotMatch(en, /Encontrado por su posición/);
  } finally {
    await worker.stop();
    await server.close();
  }
});
