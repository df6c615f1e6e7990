import assert from "node:assert/strict";
import { DEFAULT_IMAGE_LIMITS, imageSize, imageTooLarge, jpegSize, pngSize } from "./image_size.ts";
import { sniffType } from "./sniff.ts";
import { jpegHeader, pngHeader } from "../../tests/helpers/images.ts";

Deno.test("pngSize() reads width, height and depth from the IHDR, whatever the size", () => {
  assert.deepEqual(pngSize(pngHeader(20_000, 20_000)), {
    width: 20_000,
    height: 20_000,
    channels: 3,
    bitDepth: 8,
  });
  assert.equal(pngSize(pngHeader(100_000, 100_000, 16, 6))?.channels, 4);
  assert.equal(pngSize(pngHeader(0, 10)), null, "a zero side is not an image");
  assert.equal(pngSize(pngHeader(10, 10, 8, 5)), null, "no such colour type");
});

Deno.test("jpegSize() walks the segments to the start-of-frame (baseline and progressive)", () => {
  assert.deepEqual(jpegSize(jpegHeader(20_000, 15_000)), {
    width: 20_000,
    height: 15_000,
    channels: 3,
    bitDepth: 8,
  });
  assert.equal(jpegSize(jpegHeader(640, 480, 0xc2))?.width, 640);
  assert.equal(jpegSize(new Uint8Array([0xff, 0xd8, 0xff, 0xd9])), null);
});

Deno.test("imageTooLarge() names the pixels and the limit, and the memory when that is the reason", () => {
  const huge = imageTooLarge(
    imageSize(pngHeader(20_000, 20_000), "image/png")!,
    DEFAULT_IMAGE_LIMITS,
  );
  assert.equal(
    huge,
    "This image is 20000 x 20000 pixels (400 megapixels); the limit is 40 megapixels. " +
      "Scan at 300 dpi or less, or reduce the image size, and upload it again.",
  );
  // 36 megapixels is within the pixel limit, but 16-bit RGBA takes 288 MB once decoded.
  const deep = imageTooLarge(pngSize(pngHeader(6000, 6000, 16, 6))!, DEFAULT_IMAGE_LIMITS);
  assert.match(deep!, /6000 x 6000 pixels, 4 channels at 16 bits\) needs about 275 MB/);
  assert.match(deep!, /the limit is 256 MB/);
  // An A4 page at 600 dpi in colour is allowed.
  assert.equal(imageTooLarge(pngSize(pngHeader(4961, 7016))!, DEFAULT_IMAGE_LIMITS), null);
});

Deno.test("sniffType() takes a very large image for what it is, not as damaged", () => {
  assert.equal(sniffType(pngHeader(100_000, 100_000), "big.png"), "image/png");
  assert.equal(sniffType(jpegHeader(60_000, 60_000), "big.jpg"), "image/jpeg");
  assert.throws(() => sniffType(pngHeader(0, 0), "x.png"), /damaged/);
});
