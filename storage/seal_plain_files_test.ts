/**
 * `files:seal`: a workspace's files from before encryption are encrypted in place and its
 * allowance to hold plain files ends, after which a headerless file of it is refused.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { createHash } from "node:crypto";
import { EncryptedStorage, FileNotEncryptedError, isEncryptedFile } from "./encrypted.ts";
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

/**
 * A loopback S3 bucket that checks each request's signature header and payload hash, lists with
 * ListObjectsV2 two keys a page (so a listing takes several pages), and can refuse one PUT.
 */
function startBucket() {
  const objects = new Map<string, Uint8Array>();
  const state = { lists: [] as string[], failPut: null as string | null };
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const body = new Uint8Array(await req.arrayBuffer());
    if (!/^AWS4-HMAC-SHA256 Credential=key-id\//.test(req.headers.get("authorization") ?? "")) {
      return new Response("bad auth", { status: 403 });
    }
    const sha = createHash("sha256").update(body).digest("hex");
    if (req.headers.get("x-amz-content-sha256") !== sha) {
      return new Response("bad hash", { status: 400 });
    }
    if (req.method === "GET" && url.pathname === "/docs") {
      assert.equal(url.searchParams.get("list-type"), "2");
      const prefix = url.searchParams.get("prefix") ?? "";
      const after = url.searchParams.get("continuation-token") ?? "";
      state.lists.push(`${prefix} after ${after || "-"}`);
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
      const page = keys.slice(0, 2);
      const more = keys.length > 2;
      return new Response(
        `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>docs</Name>` +
          page.map((k) => `<Contents><Key>${k}</Key></Contents>`).join("") +
          `<IsTruncated>${more}</IsTruncated>` +
          (more ? `<NextContinuationToken>${page.at(-1)}</NextContinuationToken>` : "") +
          `</ListBucketResult>`,
        { headers: { "content-type": "application/xml" } },
      );
    }
    const key = url.pathname.replace(/^\/docs\//, "");
    if (req.method === "PUT") {
      if (state.failPut === key) {
        state.failPut = null;
        return new Response("SlowDown", { status: 503 });
      }
      objects.set(key, body);
      return new Response(null, { status: 200 });
    }
    if (req.method === "GET") {
      const found = objects.get(key);
      return found
        ? new Response(found as Uint8Array<ArrayBuffer>)
        : new Response("NoSuchKey", { status: 404 });
    }
    objects.delete(key);
    return new Response(null, { status: 204 });
  });
  return { objects, state, server, port: server.addr.port };
}

Deno.test("files:seal on an S3 bucket lists the workspace's objects page by page, encrypts the plain ones in place, resumes after a failed PUT, and touches no other workspace", async () => {
  const bucket = startBucket();
  const server = await startTestServer({
    BUCKET_NAME: "docs",
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${bucket.port}`,
    AWS_ACCESS_KEY_ID: "key-id",
    AWS_SECRET_ACCESS_KEY: "secret",
  });
  try {
    const t = await signUpTenant(server);
    const other = await signUpTenant(server);
    const storage = server.services.storage as EncryptedStorage;
    assert.equal(storage.inner.kind, "s3");
    const legacy = (i: number) => new TextEncoder().encode(`%PDF-1.4 ${MARK} ${i}`);
    for (let i = 1; i <= 5; i++) {
      await storage.inner.put(`${t.tenantId}/legacy${i}`, legacy(i), "application/pdf");
    }
    await storage.put(`${t.tenantId}/new1`, legacy(0), "application/pdf");
    await storage.inner.put(`${other.tenantId}/legacy1`, legacy(9), "application/pdf");
    const othersBefore = bucket.objects.get(`${other.tenantId}/legacy1`);
    for (const id of [t.tenantId, other.tenantId]) {
      await server.services.control.execute({
        sql: "INSERT INTO plain_file_allowances (tenant_id, listed_at) VALUES (?, ?)",
        args: [id, server.services.clock.now().toISOString()],
      });
    }

    // The fourth file's PUT fails: the run stops, what it sealed stays sealed, the allowance stays.
    bucket.state.failPut = `${t.tenantId}/legacy4`;
    const failed = await runSealFiles([t.slug], server.services);
    assert.equal(failed.code, 1);
    assert.match(failed.output, /Storing .*legacy4 failed: bucket answered 503/);
    assert.equal(await server.services.tenantKeys.allowsPlainFiles(t.tenantId), true);
    const raw = (k: string) => bucket.objects.get(`${t.tenantId}/${k}`)!;
    assert.ok(isEncryptedFile(raw("legacy3")));
    assert.ok(!isEncryptedFile(raw("legacy4")));

    // Run again: it picks up where it stopped.
    bucket.state.lists.length = 0;
    const result = await runSealFiles([t.slug], server.services);
    assert.equal(result.code, 0, result.output);
    assert.match(result.output, /sealed 2 plain file\(s\), 4 already encrypted/);
    assert.deepEqual(bucket.state.lists, [
      `${t.tenantId}/ after -`,
      `${t.tenantId}/ after ${t.tenantId}/legacy2`,
      `${t.tenantId}/ after ${t.tenantId}/legacy4`,
    ], "three pages of two");
    for (let i = 1; i <= 5; i++) {
      const stored = raw(`legacy${i}`);
      assert.ok(isEncryptedFile(stored), `legacy${i} encrypted`);
      assert.ok(!new TextDecoder().decode(stored).includes(MARK), "no plaintext in the bucket");
      assert.deepEqual(await storage.get(`${t.tenantId}/legacy${i}`), legacy(i), "every byte kept");
    }
    assert.equal(await server.services.tenantKeys.allowsPlainFiles(t.tenantId), false);
    // The other workspace's object and allowance are as they were.
    assert.deepEqual(bucket.objects.get(`${other.tenantId}/legacy1`), othersBefore);
    assert.equal(await server.services.tenantKeys.allowsPlainFiles(other.tenantId), true);
  } finally {
    await server.close();
    await bucket.server.shutdown();
  }
});
