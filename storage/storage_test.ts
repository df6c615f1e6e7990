import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { LocalStorage } from "./local.ts";
import { S3Storage, signS3Request } from "./s3.ts";
import { documentKey, FileMissingError, type FileStorage } from "./mod.ts";

async function roundTrip(storage: FileStorage) {
  const key = documentKey("01hten", "01hdoc");
  const bytes = new TextEncoder().encode("%PDF-1.4 hello");
  await storage.put(key, bytes, "application/pdf");
  assert.deepEqual(await storage.get(key), bytes);
  await storage.delete(key);
  await assert.rejects(() => storage.get(key), FileMissingError);
  await storage.delete(key); // already gone: no error
}

Deno.test("local storage keeps a tenant's files under its folder and refuses escaping keys", async () => {
  const root = await Deno.makeTempDir();
  try {
    const storage = new LocalStorage(root);
    await roundTrip(storage);
    await storage.put("tenanta/doc1", new Uint8Array([1, 2, 3]), "image/png");
    assert.deepEqual(await Deno.readFile(`${root}/tenanta/doc1`), new Uint8Array([1, 2, 3]));
    await assert.rejects(() => storage.put("../etc/passwd", new Uint8Array(), "text/plain"));
    await assert.rejects(() => storage.get("tenanta/../../x"));
    assert.throws(() => documentKey("a/b", "c"));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("SigV4 signature matches AWS's published GET Object example", () => {
  const headers = signS3Request(
    {
      bucket: "examplebucket",
      endpoint: "https://examplebucket.s3.amazonaws.com",
      region: "us-east-1",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      now: () => new Date("2013-05-24T00:00:00Z"),
    },
    "GET",
    new URL("https://examplebucket.s3.amazonaws.com/test.txt"),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    { Range: "bytes=0-9" },
  );
  assert.match(
    headers.authorization!,
    /Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41$/,
  );
});

Deno.test("S3 storage puts, gets and deletes through a loopback bucket that checks each request", async () => {
  const objects = new Map<string, Uint8Array>();
  const seen: string[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const body = new Uint8Array(await req.arrayBuffer());
    const auth = req.headers.get("authorization") ?? "";
    seen.push(`${req.method} ${url.pathname}`);
    if (!/^AWS4-HMAC-SHA256 Credential=key-id\/\d{8}\/auto\/s3\/aws4_request, /.test(auth)) {
      return new Response("bad auth", { status: 403 });
    }
    const sha = createHash("sha256").update(body).digest("hex");
    if (req.headers.get("x-amz-content-sha256") !== sha) {
      return new Response("bad hash", { status: 400 });
    }
    const key = url.pathname;
    if (req.method === "PUT") objects.set(key, body);
    else if (req.method === "GET") {
      const found = objects.get(key);
      return found
        ? new Response(found as Uint8Array<ArrayBuffer>)
        : new Response("NoSuchKey", { status: 404 });
    } else if (req.method === "DELETE") objects.delete(key);
    return new Response(null, { status: req.method === "DELETE" ? 204 : 200 });
  });
  try {
    const storage = new S3Storage({
      bucket: "docs",
      endpoint: `http://127.0.0.1:${server.addr.port}`,
      region: "auto",
      accessKeyId: "key-id",
      secretAccessKey: "secret",
    });
    await roundTrip(storage);
    assert.deepEqual(seen.slice(0, 2), ["PUT /docs/01hten/01hdoc", "GET /docs/01hten/01hdoc"]);
    assert.equal(objects.size, 0);
  } finally {
    await server.shutdown();
  }
});
