/**
 * @module customization/app_icons
 * The installable app's icons (192 and 512 px, "any" and "maskable") from a tenant's branding:
 * its logo (PNG, or JPEG through jpeg-js) centred on its surface colour, else a plain mark (a disc of the
 * primary text colour on the primary colour). A maskable icon keeps its picture inside the
 * central 60 %, the safe zone a phone's launcher never crops. Made once per branding and size and
 * kept in memory: an icon's URL carries its inputs' hash, so it never changes once made.
 */
import { decode as decodeJpeg } from "jpeg-js";
import { decodePng, encodePng, type RgbaImage } from "./png.ts";

/** The sizes the web app manifest lists (Chromium's installability needs 144 px or more). */
export const APP_ICON_SIZES = [192, 512] as const;
export type AppIconSize = typeof APP_ICON_SIZES[number];

export interface AppIconInput {
  size: AppIconSize;
  maskable: boolean;
  /** `#rrggbb` colours from the tenant's theme. */
  colours: { primary: string; primaryText: string; surface: string };
  /** The tenant's logo bytes (PNG or JPEG), or null for the built-in mark. */
  logo: Uint8Array | null;
}

function rgb(hex: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
  return m ? [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)] : [31, 111, 67];
}

function filled(size: number, colour: [number, number, number]): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) pixels.set([...colour, 255], i * 4);
  return { width: size, height: size, pixels };
}

/** Draws `logo` scaled to fit a `box`-pixel square at the canvas centre (area averaging). */
function drawCentred(canvas: RgbaImage, logo: RgbaImage, box: number): void {
  const scale = Math.min(box / logo.width, box / logo.height);
  const w = Math.max(1, Math.round(logo.width * scale));
  const h = Math.max(1, Math.round(logo.height * scale));
  const left = Math.floor((canvas.width - w) / 2);
  const top = Math.floor((canvas.height - h) / 2);
  for (let y = 0; y < h; y++) {
    const y0 = Math.floor(y / scale), y1 = Math.max(y0 + 1, Math.floor((y + 1) / scale));
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x / scale), x1 = Math.max(x0 + 1, Math.floor((x + 1) / scale));
      let r = 0, g = 0, b = 0, a = 0, n = 0;
      for (let sy = y0; sy < Math.min(y1, logo.height); sy++) {
        for (let sx = x0; sx < Math.min(x1, logo.width); sx++) {
          const i = (sy * logo.width + sx) * 4;
          const alpha = logo.pixels[i + 3]!;
          r += logo.pixels[i]! * alpha;
          g += logo.pixels[i + 1]! * alpha;
          b += logo.pixels[i + 2]! * alpha;
          a += alpha;
          n++;
        }
      }
      if (n === 0 || a === 0) continue;
      const coverage = a / n / 255;
      const d = ((top + y) * canvas.width + left + x) * 4;
      const px = canvas.pixels;
      px[d] = Math.round(px[d]! * (1 - coverage) + (r / a) * coverage);
      px[d + 1] = Math.round(px[d + 1]! * (1 - coverage) + (g / a) * coverage);
      px[d + 2] = Math.round(px[d + 2]! * (1 - coverage) + (b / a) * coverage);
    }
  }
}

/** Draws a disc of `colour`, `diameter` pixels across, at the canvas centre (edges smoothed). */
function drawDisc(canvas: RgbaImage, diameter: number, colour: [number, number, number]): void {
  const c = canvas.width / 2, radius = diameter / 2;
  for (let y = 0; y < canvas.height; y++) {
    for (let x = 0; x < canvas.width; x++) {
      const distance = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const coverage = Math.max(0, Math.min(1, radius - distance + 0.5));
      if (coverage === 0) continue;
      const d = (y * canvas.width + x) * 4;
      for (let k = 0; k < 3; k++) {
        canvas.pixels[d + k] = Math.round(
          canvas.pixels[d + k]! * (1 - coverage) + colour[k]! * coverage,
        );
      }
    }
  }
}

/** A logo's pixels; null when it cannot be read (the built-in mark is drawn instead). */
export function decodeLogo(bytes: Uint8Array): RgbaImage | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return decodePng(bytes);
  try {
    // Logos are at most 2048 px a side (customization/assets.ts): far under these limits.
    const jpeg = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: 5,
      maxMemoryUsageInMB: 64,
    });
    return { width: jpeg.width, height: jpeg.height, pixels: jpeg.data };
  } catch {
    return null;
  }
}

/** A square PNG app icon for the manifest. */
export function appIconPng(input: AppIconInput): Uint8Array<ArrayBuffer> {
  const logo = input.logo ? decodeLogo(input.logo) : null;
  const safe = input.maskable ? 0.6 : 0.8;
  if (logo) {
    const canvas = filled(input.size, rgb(input.colours.surface));
    drawCentred(canvas, logo, Math.round(input.size * safe));
    return encodePng(canvas);
  }
  const canvas = filled(input.size, rgb(input.colours.primary));
  drawDisc(canvas, input.size * safe * 0.6, rgb(input.colours.primaryText));
  return encodePng(canvas);
}

const MAX_KEPT = 500;
const kept = new Map<string, Uint8Array<ArrayBuffer>>();

/** `appIconPng` kept in memory under `key` (which must name every input: logo, colours, size). */
export async function cachedAppIcon(
  key: string,
  make: () => Promise<AppIconInput>,
): Promise<Uint8Array<ArrayBuffer>> {
  let png = kept.get(key);
  if (!png) {
    png = appIconPng(await make());
    if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
    kept.set(key, png);
  }
  return png;
}
