import assert from "node:assert/strict";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";
import { uploadFile } from "../tests/helpers/documents.ts";
import { JobInterruptedError, JobTimeoutError } from "../workers/runner.ts";
import { claimNextJob } from "../workers/queue.ts";
import { processDocumentJob } from "./process.ts";

async function twoPagePdf(): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  for (const n of [1, 2]) {
    pdf.addPage([300, 200]).drawText(`BILL OF LADING page ${n}`, { x: 20, y: 100, size: 12, font });
  }
  return await pdf.save();
}

Deno.test("a document reading stopped by its time budget is marked failed with the reason; one handed back is left for the next worker", async () => {
  const server = await startTestServer();
  const { services } = server;
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const up = await uploadFile(server, api, "long.pdf", await twoPagePdf());
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const job = await claimNextJob(services.control, { owner: "w", leaseMs: 60_000 });
    assert.equal(job?.payload.document_id, up.body.id);
    const tenant = (await services.registry.findById(t.tenantId))!;
    const lease = await services.pool.acquire(tenant.id, tenant.dbUrl);
    const run = (reason: Error) => {
      const controller = new AbortController();
      controller.abort(reason);
      return processDocumentJob({
        job: job!,
        services,
        control: services.control,
        log: services.log,
        tenantDb: lease.db,
        signal: controller.signal,
      });
    };
    try {
      // Handed back at a stop: the handler gives up without touching the document's outcome.
      await assert.rejects(run(new JobInterruptedError("stopping")), /stopping/);
      const handedBack = await api.ok("GET", `/api/v1/documents/${up.body.id}`);
      assert.equal(handedBack.status, "processing", "left for the worker that runs it next");
      assert.equal(handedBack.status_message, null);

      // Out of time: the job ends (no retry would do better) and the document says why.
      await run(new JobTimeoutError(300));
      const failed = await api.ok("GET", `/api/v1/documents/${up.body.id}`);
      assert.equal(failed.status, "failed");
      assert.match(
        failed.status_message,
        /took longer than 300 seconds \(the limit per document\)/,
      );
      assert.equal(failed.draft, null, "nothing was read into a draft");
    } finally {
      lease.release();
    }
  } finally {
    await server.close();
  }
});
