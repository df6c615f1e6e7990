/**
 * Uploads too large to read: images are measured by their header before anything decodes them
 * (an outside test's 20,000 x 20,000 PNG took a server from 1.7 GB to 3.5 GB), and refused with
 * the real reason, through the API and the page, with nothing stored.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import {
  scannedBolImage,
  startWorker,
  uploadFile,
  waitForDocument,
} from "../../../tests/helpers/documents.ts";
import { jpegHeader, pngHeader } from "../../../tests/helpers/images.ts";
import { stopOcr } from "../../../ai/ocr.ts";

async function filesIn(dir: string): Promise<number> {
  let n = 0;
  try {
    for await (const e of Deno.readDir(dir)) {
      n += e.isDirectory ? await filesIn(`${dir}/${e.name}`) : 1;
    }
  } catch { /* no folder yet */ }
  return n;
}

async function jobCount(server: TestServer): Promise<number> {
  const rs = await server.services.control.execute("SELECT COUNT(*) AS n FROM jobs");
  return Number(rs.rows[0]?.n);
}

Deno.test("an image too large to read is refused by its header with the true reason, over the API, and nothing is stored", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const png = await uploadFile(server, api, "scan.png", pngHeader(20_000, 20_000));
    assert.equal(png.status, 422, JSON.stringify(png.body));
    assert.match(
      png.body.error.message,
      /^This image is 20000 x 20000 pixels \(400 megapixels\); the limit is 40 megapixels\. Scan at 300 dpi or less/,
    );
    assert.deepEqual(png.body.error.details, { file: ["Image too large."] });

    // Larger still: refused for its size, not called damaged.
    const larger = await uploadFile(server, api, "scan.png", pngHeader(100_000, 100_000));
    assert.equal(larger.status, 422);
    assert.match(larger.body.error.message, /100000 x 100000 pixels/);
    assert.doesNotMatch(larger.body.error.message, /damaged/);

    const jpeg = await uploadFile(server, api, "scan.jpg", jpegHeader(30_000, 20_000));
    assert.equal(jpeg.status, 422);
    assert.match(jpeg.body.error.message, /30000 x 20000 pixels \(600 megapixels\)/);

    const deep = await uploadFile(server, api, "deep.png", pngHeader(6000, 6000, 16, 6));
    assert.equal(deep.status, 422);
    assert.match(deep.body.error.message, /needs about 275 MB of memory to read; the limit is 256/);

    assert.equal(await filesIn(`${server.dataDir}/files`), 0, "no file stored");
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 0, "no document row");
    assert.equal(await jobCount(server), 0, "no job queued");
  } finally {
    await server.close();
  }
});

Deno.test("the upload page refuses an image too large to read with the same message and stores nothing", async () => {
  const server = await startTestServer({ IMAGE_MAX_MEGAPIXELS: "25" });
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const form = new FormData();
    form.append("_csrf", t.csrf);
    form.append("file", new File([pngHeader(20_000, 20_000) as Uint8Array<ArrayBuffer>], "a.png"));
    const req = new Request("http://x/", { method: "POST", body: form });
    const res = await server.fetch(t.host, "/documents", {
      method: "POST",
      headers: { cookie: t.jar.header(t.host), "content-type": req.headers.get("content-type")! },
      body: new Uint8Array(await req.arrayBuffer()),
    });
    assert.equal(res.status, 422);
    const page = await res.text();
    assert.match(
      page,
      /role="alert">This image is 20000 x 20000 pixels \(400 megapixels\); the limit is 25 megapixels\./,
    );
    assert.equal(await filesIn(`${server.dataDir}/files`), 0, "no file stored");
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 0, "no document row");
    assert.equal(await jobCount(server), 0, "no job queued");
  } finally {
    await server.close();
  }
});

Deno.test("an image just within the limit is accepted and read", async () => {
  // An 850 x 700 scan (0.595 megapixels) under a 0.6-megapixel limit: large for this server.
  const png = await scannedBolImage({
    bol: "660417",
    seal: "S31008",
    carrier: "Polar Express Trucking MC 123456",
    shipDate: "03/14/2026 08:00",
    shipper: "Prairie Packing Co. EST 245C",
  });
  const server = await startTestServer({ IMAGE_MAX_MEGAPIXELS: "0.6" });
  const worker = startWorker(server);
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const up = await uploadFile(server, api, "scan.png", png);
    assert.equal(up.status, 202, JSON.stringify(up.body));
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review", doc.status_message);
    assert.equal(doc.draft.fields.bol_number.value, "660417");
  } finally {
    await worker.stop();
    await stopOcr();
    await server.close();
  }
});
