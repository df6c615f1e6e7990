import assert from "node:assert/strict";
import {
  EncryptedStorage,
  type FileKeySource,
  FileNotEncryptedError,
  FileTamperedError,
} from "./encrypted.ts";
import { FileMissingError, type FileStorage } from "./file_storage.ts";
import { LocalStorage } from "./local.ts";
import { randomKey } from "../crypto/keys.ts";

const MARK = "Wallaby-Chuck-Roll-4410";
const T1 = "01jtenant0000000000000000a";
const T2 = "01jtenant0000000000000000b";

/** Per-tenant key versions in memory, like crypto/tenant_keys.ts; `legacy` may hold plain files. */
function keySource(legacy: string[] = []) {
  const keys = new Map<string, Uint8Array[]>();
  const source: FileKeySource & { rotate(t: string): void } = {
    allowsPlainFiles(t) {
      return Promise.resolve(legacy.includes(t));
    },
    current(t) {
      const list = keys.get(t) ?? [randomKey()];
      keys.set(t, list);
      return Promise.resolve({ version: list.length, key: list[list.length - 1]! });
    },
    version(t, v) {
      const key = keys.get(t)?.[v - 1];
      return key ? Promise.resolve(key) : Promise.reject(new Error("no such version"));
    },
    rotate(t) {
      keys.get(t)!.push(randomKey());
    },
  };
  return source;
}

/** A bucket in memory, standing for S3: it keeps exactly the bytes it is given. */
class MemoryBucket implements FileStorage {
  readonly kind = "s3" as const;
  objects = new Map<string, { bytes: Uint8Array; type: string }>();
  put(key: string, bytes: Uint8Array, type: string) {
    this.objects.set(key, { bytes: bytes.slice(), type });
    return Promise.resolve();
  }
  get(key: string) {
    const o = this.objects.get(key);
    return o ? Promise.resolve(o.bytes.slice()) : Promise.reject(new FileMissingError(key));
  }
  delete(key: string) {
    this.objects.delete(key);
    return Promise.resolve();
  }
}

const text = (b: Uint8Array) => new TextDecoder("latin1").decode(b);
const doc = new TextEncoder().encode(`%PDF-1.7 purchase order for ${MARK}`);

Deno.test("EncryptedStorage stores only ciphertext in a bucket and returns the original bytes", async () => {
  const bucket = new MemoryBucket();
  const storage = new EncryptedStorage(bucket, keySource());
  await storage.put(`${T1}/doc1`, doc, "application/pdf");
  const stored = bucket.objects.get(`${T1}/doc1`)!;
  assert.ok(!text(stored.bytes).includes(MARK), "no plaintext in the bucket");
  assert.equal(stored.type, "application/octet-stream", "the bucket is not told the file type");
  assert.deepEqual(await storage.get(`${T1}/doc1`), doc);
  assert.equal(storage.kind, "s3");
});

Deno.test("EncryptedStorage refuses a file that was altered, or moved to another key or tenant", async () => {
  const bucket = new MemoryBucket();
  const storage = new EncryptedStorage(bucket, keySource());
  await storage.put(`${T1}/doc1`, doc, "application/pdf");
  await storage.put(`${T2}/doc9`, doc, "application/pdf");
  const stored = bucket.objects.get(`${T1}/doc1`)!.bytes;
  const flipped = stored.slice();
  flipped[flipped.length - 20]! ^= 1;
  await bucket.put(`${T1}/doc2`, stored, "x"); // the same bytes under another document's key
  await bucket.put(`${T1}/doc1`, flipped, "x");
  await bucket.put(`${T2}/doc3`, stored, "x"); // another tenant
  await assert.rejects(() => storage.get(`${T1}/doc1`), FileTamperedError);
  await assert.rejects(() => storage.get(`${T1}/doc2`), FileTamperedError);
  await assert.rejects(() => storage.get(`${T2}/doc3`), FileTamperedError);
  assert.deepEqual(await storage.get(`${T2}/doc9`), doc, "the untouched file still reads");
});

Deno.test("EncryptedStorage still reads files stored before encryption, as they are, in a workspace that may hold them", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const local = new LocalStorage(dir);
    await local.put(`${T1}/old1`, doc, "application/pdf");
    const storage = new EncryptedStorage(local, keySource([T1]));
    assert.deepEqual(await storage.get(`${T1}/old1`), doc);
    await storage.put(`${T1}/new1`, doc, "application/pdf");
    assert.ok(!text(await Deno.readFile(`${dir}/${T1}/new1`)).includes(MARK));
    await assert.rejects(() => storage.get(`${T1}/none`), FileMissingError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("files written before a key rotation stay readable after it; new ones use the new key", async () => {
  const bucket = new MemoryBucket();
  const keys = keySource();
  const storage = new EncryptedStorage(bucket, keys);
  await storage.put(`${T1}/before`, doc, "application/pdf");
  keys.rotate(T1);
  await storage.put(`${T1}/after`, doc, "application/pdf");
  const version = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(5);
  assert.equal(version(bucket.objects.get(`${T1}/before`)!.bytes), 1);
  assert.equal(version(bucket.objects.get(`${T1}/after`)!.bytes), 2);
  assert.deepEqual(await new EncryptedStorage(bucket, keys).get(`${T1}/before`), doc);
  assert.deepEqual(await storage.get(`${T1}/after`), doc);
});

Deno.test("EncryptedStorage refuses a file whose header was stripped, or that was replaced by plain bytes", async () => {
  const bucket = new MemoryBucket();
  const storage = new EncryptedStorage(bucket, keySource([T2]));
  await storage.put(`${T1}/doc1`, doc, "application/pdf");
  const stored = bucket.objects.get(`${T1}/doc1`)!.bytes;
  // The header (magic, format, key version) cut off: what is left is IV, ciphertext and tag.
  await bucket.put(`${T1}/stripped`, stored.slice(9), "x");
  // Only the magic changed: no longer "an encrypted file" by its header.
  const unmarked = stored.slice();
  unmarked[0] = 0x25;
  await bucket.put(`${T1}/unmarked`, unmarked, "x");
  // The file swapped for plain bytes of the attacker's choosing.
  await bucket.put(`${T1}/doc1`, new TextEncoder().encode("%PDF-1.7 forged"), "x");
  for (const key of ["doc1", "stripped", "unmarked"]) {
    await assert.rejects(() => storage.get(`${T1}/${key}`), FileNotEncryptedError, key);
    await assert.rejects(() => storage.get(`${T1}/${key}`), FileTamperedError, key);
  }
  await assert.rejects(() => storage.get(`${T1}/doc1`), /is not encrypted, but every file/);
  // A workspace listed as holding files from before encryption still reads its plain ones.
  await bucket.put(`${T2}/old`, doc, "application/pdf");
  assert.deepEqual(await storage.get(`${T2}/old`), doc);
});
