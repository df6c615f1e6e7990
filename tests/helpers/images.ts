/**
 * @module tests/helpers/images
 * Image headers that claim any size with a tiny body, for the image limits: a 20,000 x 20,000
 * PNG is never written to disk, its header is enough for the check.
 */

/** A PNG signature and IHDR claiming `width` x `height`, with a tiny body: nothing to decode. */
export function pngHeader(width: number, height: number, bitDepth = 8, colourType = 2) {
  const bytes = new Uint8Array(8 + 25 + 12);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, 13);
  bytes.set(new TextEncoder().encode("IHDR"), 12);
  view.setUint32(16, width);
  view.setUint32(20, height);
  bytes.set([bitDepth, colourType, 0, 0, 0], 24);
  bytes.set(new TextEncoder().encode("IEND"), 37);
  return bytes;
}

/** A JPEG with an APP0 segment, a start-of-frame of `width` x `height`, and an end marker. */
export function jpegHeader(width: number, height: number, marker = 0xc0, precision = 8) {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0,
    16,
    ...new TextEncoder().encode("JFIF\0"),
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    marker,
    0,
    17,
    precision,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
    0xff,
    0xd9,
  ]);
}
