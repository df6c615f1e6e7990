/**
 * Hostile and unreadable document uploads (2026-12-07), over HTTP to POST /api/v1/documents:
 * each image format a phone or scanner may send that the reader cannot decode is refused with
 * 415 naming what it is, and nothing is stored.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { uploadFile } from "../../tests/helpers/documents.ts";

const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

/** A file of `size` bytes that starts with `head` and continues with noise (not text). */
function fileStarting(head: Uint8Array, size = 4096): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 7919 + 13) % 256;
  out.set(head, 0);
  return out;
}

const bmpHead = new Uint8Array(54);
bmpHead.set(ascii("BM"), 0);
bmpHead[14] = 40;

Deno.test("an image format the reader cannot decode is refused with 415 naming it, and nothing is stored", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const api = await apiClient(server, t);
    const cases: Array<[string, Uint8Array, RegExp]> = [
      ["IMG_0001.HEIC", fileStarting(ascii("\0\0\0\x18ftypheic\0\0\0\0mif1heic")), /HEIC photo/],
      ["IMG_0002.HEIF", fileStarting(ascii("\0\0\0\x18ftypmif1\0\0\0\0mif1heic")), /HEIC photo/],
      ["photo.avif", fileStarting(ascii("\0\0\0\x1cftypavif\0\0\0\0avifmif1")), /AVIF image/],
      ["scan.webp", fileStarting(ascii("RIFF\x10\0\0\0WEBPVP8 ")), /WebP image/],
      ["scan.gif", fileStarting(ascii("GIF89a\x01\0\x01\0")), /GIF image/],
      ["scan.tif", fileStarting(Uint8Array.of(0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0)), /TIFF image/],
      ["scan.bmp", fileStarting(bmpHead), /BMP image/],
      [
        "scan.jp2",
        fileStarting(Uint8Array.of(0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a)),
        /JPEG 2000 image/,
      ],
    ];
    for (const [name, bytes, reason] of cases) {
      const res = await uploadFile(server, api, name, bytes);
      assert.equal(res.status, 415, `${name}: ${JSON.stringify(res.body)}`);
      assert.match(res.body.error.message, reason, name);
    }
    // Text that merely starts like a BMP's "BM" is still text.
    const text = await uploadFile(server, api, "note.txt", ascii("BMW invoice 1234 due Friday\n"));
    assert.equal(text.status, 202, JSON.stringify(text.body));
    const list = await api.ok("GET", "/api/v1/documents");
    assert.deepEqual(
      list.data.map((d: { filename?: string; name?: string }) => d.filename ?? d.name),
      [
        "note.txt",
      ],
    );
  } finally {
    await server.close();
  }
});
