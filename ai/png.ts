/**
 * @module ai/png
 * PNG files from raw pixel rows, so that pixels decoded out of a PDF can be handed to tesseract.
 */
import { deflateSync } from "node:zlib";
import { pngChunk as chunk } from "../customization/png.ts";

/** A PNG from a PDF image's pixel rows (8-bit gray or RGB, or 1-bit gray). */
export function pngFromRows(
  width: number,
  height: number,
  bits: 1 | 8,
  channels: 1 | 3,
  rows: Uint8Array,
): Uint8Array {
  const stride = Math.ceil((width * bits * channels) / 8);
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    filtered.set(rows.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1); // filter 0
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([bits, channels === 3 ? 2 : 0, 0, 0, 0], 8);
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", new Uint8Array(deflateSync(filtered))),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}
