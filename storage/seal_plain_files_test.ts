/**
 * `files:seal`: a workspace's files from before encryption are encrypted in place and its
 * allowance to hold plain files ends, after which a headerless file of it is refused.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { EncryptedStorage, FileNotEncryptedError } from "./encrypted.ts";
import { runSealFiles } from "./seal_cli.ts";

const MARK = "Tri-Tip-Legacy-5512";

Deno.test("files:seal encrypts a workspace's plain files, keeps every byte, and ends its allowance", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const storage = server.services.storage as EncryptedStorage;
    const legacy = new TextEncoder().encode(`%PDF-1.4 ${MARK}`);
    await storage.inner.put(`${t.tenantId}/legacy1`, legacy, "application/pdf");
    await storage.put(`${t.tenantId}/new1`, legacy, "application/pdf");
    await server.services.control.execute({
      sql: "INSERT INTO plain_file_allowances (tenant_id, listed_at) VALUES (?, ?)",
      args: [t.tenantId, server.services.clock.now().toISOString()],
    });
    assert.deepEqual(await storage.get(`${t.tenantId}/legacy1`), legacy, "allowed before");

    const result = await runSealFiles([t.slug], server.services);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /sealed 1 plain file\(s\), 1 already encrypted/);
    const raw = await Deno.readFile(`${server.dataDir}/files/${t.tenantId}/legacy1`);
    assert.ok(!new TextDecoder().decode(raw).includes(MARK), "no plaintext on disk");
    assert.deepEqual(await storage.get(`${t.tenantId}/legacy1`), legacy, "every byte kept");
    assert.equal(await server.services.tenantKeys.allowsPlainFiles(t.tenantId), false);

    // From now on a plain file of this workspace is refused.
    await storage.inner.put(`${t.tenantId}/legacy2`, legacy, "application/pdf");
    await assert.rejects(() => storage.get(`${t.tenantId}/legacy2`), FileNotEncryptedError);

    assert.deepEqual(await runSealFiles(["--all"], server.services), {
      code: 0,
      output: "No workspace holds plain files.",
    });
    assert.equal((await runSealFiles(["no-such-workspace"], server.services)).code, 1);
    assert.equal(await server.services.tenantKeys.allowsPlainFiles(other.tenantId), false);
  } finally {
    await server.close();
  }
});
