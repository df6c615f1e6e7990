import assert from "node:assert/strict";
import { decodePng, encodePng, type RgbaImage } from "./png.ts";
import { appIconPng } from "./app_icons.ts";
import { encode as encodeJpeg } from "jpeg-js";

const COLOURS = { primary: "#9b1c2e", primaryText: "#ffffff", surface: "#f0f0f0" };

function solid(width: number, height: number, rgba: number[]): RgbaImage {
  const pixels = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) pixels.set(rgba, i * 4);
  return { width, height, pixels };
}

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const i = (y * image.width + x) * 4;
  return [...image.pixels.subarray(i, i + 4)];
}

Deno.test("encodePng() and decodePng() round-trip RGBA pixels exactly", () => {
  const image = solid(7, 5, [10, 20, 30, 40]);
  image.pixels.set([255, 0, 128, 255], (2 * 7 + 3) * 4);
  const back = decodePng(encodePng(image))!;
  assert.equal(back.width, 7);
  assert.equal(back.height, 5);
  assert.deepEqual(back.pixels, image.pixels);
});

Deno.test("decodePng() answers null for what is not a PNG it reads, never throws", () => {
  assert.equal(decodePng(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), null);
  assert.equal(decodePng(new Uint8Array(0)), null);
  const png = encodePng(solid(2, 2, [1, 2, 3, 255]));
  assert.equal(decodePng(png.subarray(0, 40)), null, "cut short inside its pixels");
});

Deno.test("appIconPng() without a logo is a square of the primary colour with a centred disc", () => {
  for (const size of [192, 512] as const) {
    const icon = decodePng(appIconPng({ size, maskable: false, colours: COLOURS, logo: null }))!;
    assert.equal(icon.width, size);
    assert.equal(icon.height, size);
    assert.deepEqual(pixel(icon, 0, 0), [0x9b, 0x1c, 0x2e, 255]);
    assert.deepEqual(pixel(icon, size / 2, size / 2), [255, 255, 255, 255]);
  }
});

Deno.test("appIconPng() centres the logo on the surface colour, inside the safe zone when maskable", () => {
  const logo = encodePng(solid(100, 50, [0, 0, 255, 255]));
  const plain = decodePng(appIconPng({ size: 192, maskable: false, colours: COLOURS, logo }))!;
  assert.deepEqual(pixel(plain, 0, 0), [0xf0, 0xf0, 0xf0, 255], "the surface colour around");
  assert.deepEqual(pixel(plain, 96, 96), [0, 0, 255, 255], "the logo in the middle");
  // 80 % of 192 is 154 px wide: the logo reaches x = 20 in the plain icon.
  assert.deepEqual(pixel(plain, 22, 96), [0, 0, 255, 255]);
  const maskable = decodePng(appIconPng({ size: 192, maskable: true, colours: COLOURS, logo }))!;
  // 60 % is 115 px: x = 22 is outside the logo, in the part a launcher may crop.
  assert.deepEqual(pixel(maskable, 22, 96), [0xf0, 0xf0, 0xf0, 255]);
  assert.deepEqual(pixel(maskable, 96, 96), [0, 0, 255, 255]);
});

Deno.test("appIconPng() reads a JPEG logo too; an unreadable one gives the built-in mark", () => {
  const red = solid(80, 80, [220, 0, 0, 255]);
  const logo = new Uint8Array(encodeJpeg({ ...red, data: red.pixels }, 95).data);
  const icon = decodePng(appIconPng({ size: 192, maskable: false, colours: COLOURS, logo }))!;
  const [r, g, b] = pixel(icon, 96, 96);
  assert.ok(r! > 200 && g! < 30 && b! < 30, `the red logo in the middle, got ${r},${g},${b}`);
  assert.deepEqual(pixel(icon, 0, 0), [0xf0, 0xf0, 0xf0, 255]);
  const broken = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 1, 2]);
  const mark = decodePng(
    appIconPng({ size: 192, maskable: false, colours: COLOURS, logo: broken }),
  )!;
  assert.deepEqual(pixel(mark, 0, 0), [0x9b, 0x1c, 0x2e, 255], "the primary colour: the mark");
});
