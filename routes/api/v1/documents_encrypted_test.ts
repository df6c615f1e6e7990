/**
 * A password-protected PDF (a real /Encrypt dictionary of the standard security handler, whose
 * user password is not empty) is refused at upload with a clear error, and nothing is stored.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { uploadFile } from "../../../tests/helpers/documents.ts";

const hex = (n: number, byte: number) =>
  Array.from({ length: n }, () => byte.toString(16).padStart(2, "0")).join("");

/** A one-page PDF with RC4 40-bit encryption whose /U does not match the empty password. */
function encryptedPdf(): Uint8Array {
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    `<< /Filter /Standard /V 1 /R 2 /O <${hex(32, 0x41)}> /U <${hex(32, 0x42)}> /P -4 >>`,
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 4 0 R /ID [<${
    hex(16, 0x11)
  }> <${hex(16, 0x11)}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

async function filesIn(dir: string): Promise<number> {
  let n = 0;
  try {
    for await (const e of Deno.readDir(dir)) {
      n += e.isDirectory ? await filesIn(`${dir}/${e.name}`) : 1;
    }
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  return n;
}

Deno.test("an encrypted PDF is refused with a clear error and nothing is stored", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const res = await uploadFile(server, api, "locked-po.pdf", encryptedPdf());
    assert.equal(res.status, 422, JSON.stringify(res.body));
    assert.match(res.body.error.message, /password|encrypt/i);
    assert.equal(await filesIn(`${server.dataDir}/files`), 0, "no file stored");
    assert.equal((await api.ok("GET", "/api/v1/documents")).data.length, 0, "no document row");
  } finally {
    await server.close();
  }
});
