/**
 * @module domain/documents/image_size
 * An image's size in pixels and in decoded memory, read from its header before anything decodes
 * it: PNG's IHDR, JPEG's start-of-frame. The limits guard the reader (tesseract decodes the whole
 * image into memory): an outside test uploaded a 20,000 x 20,000 PNG of a few kilobytes and
 * reading it took the server from 1.7 GB to 3.5 GB, on machines of 1 GB. So the upload is refused
 * by its header, with the real reason, and a stored image is checked again before OCR.
 */
import { InvalidError } from "../errors.ts";

export interface ImageSize {
  width: number;
  height: number;
  /** Decoded samples per pixel (a palette PNG decodes to RGB, 3). */
  channels: number;
  /** Bits per sample (8, 12 or 16; below 8 counts as 8, as readers expand them). */
  bitDepth: number;
}

export interface ImageLimits {
  maxPixels: number;
  maxDecodedBytes: number;
}

/** The limits from the settings (IMAGE_MAX_MEGAPIXELS, IMAGE_MAX_DECODED_MB). */
export function imageLimits(
  config: { IMAGE_MAX_MEGAPIXELS: number; IMAGE_MAX_DECODED_MB: number },
): ImageLimits {
  return {
    maxPixels: Math.floor(config.IMAGE_MAX_MEGAPIXELS * 1_000_000),
    maxDecodedBytes: Math.floor(config.IMAGE_MAX_DECODED_MB * 1024 * 1024),
  };
}

/** The limits of the default settings (40 megapixels, 256 MB decoded). */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = imageLimits({
  IMAGE_MAX_MEGAPIXELS: 40,
  IMAGE_MAX_DECODED_MB: 256,
});

/** PNG colour type -> samples per pixel once decoded. */
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 };

/** Width, height and depth from a PNG's IHDR; null when there is no valid IHDR. */
export function pngSize(bytes: Uint8Array): ImageSize | null {
  if (bytes.length < 29) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = String.fromCharCode(...bytes.subarray(12, 16));
  if (view.getUint32(8) !== 13 || type !== "IHDR") return null;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24]!;
  const channels = PNG_CHANNELS[bytes[25]!];
  // The PNG specification caps each side at 2^31 - 1.
  if (!channels || !width || !height || width > 0x7fffffff || height > 0x7fffffff) return null;
  if (![1, 2, 4, 8, 16].includes(bitDepth)) return null;
  return { width, height, channels, bitDepth: Math.max(8, bitDepth) };
}

/** Start-of-frame markers (baseline, progressive, lossless...), not DHT, JPG or DAC. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
}

/** Width, height and depth from a JPEG's start-of-frame segment, walking the segments. */
export function jpegSize(bytes: Uint8Array): ImageSize | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end, or scan data before any frame
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return null;
    if (isStartOfFrame(marker)) {
      if (at + 10 > bytes.length) return null;
      const precision = bytes[at + 4]!;
      const height = (bytes[at + 5]! << 8) | bytes[at + 6]!;
      const width = (bytes[at + 7]! << 8) | bytes[at + 8]!;
      const channels = bytes[at + 9]!;
      if (!width || !height || !channels) return null;
      return { width, height, channels, bitDepth: Math.max(8, precision) };
    }
    at += 2 + length;
  }
  return null;
}

/** The size of a PNG or JPEG by its header; null for other types or an unreadable header. */
export function imageSize(bytes: Uint8Array, contentType: string): ImageSize | null {
  if (contentType === "image/png") return pngSize(bytes);
  if (contentType === "image/jpeg") return jpegSize(bytes);
  return null;
}

/** Bytes the decoded pixels take (at least one byte per sample, two above 8 bits). */
export function decodedBytes(size: ImageSize): number {
  return size.width * size.height * size.channels * Math.ceil(size.bitDepth / 8);
}

function megapixels(n: number): string {
  const mp = n / 1_000_000;
  return mp >= 10 ? String(Math.round(mp)) : String(Math.round(mp * 10) / 10);
}

/** Why an image of this size may not be read, or null when it is within the limits. */
export function imageTooLarge(size: ImageSize, limits: ImageLimits): string | null {
  const pixels = size.width * size.height;
  const dims = `${size.width} x ${size.height} pixels`;
  if (pixels > limits.maxPixels) {
    return `This image is ${dims} (${megapixels(pixels)} megapixels); the limit is ${
      megapixels(limits.maxPixels)
    } megapixels. Scan at 300 dpi or less, or reduce the image size, and upload it again.`;
  }
  const bytes = decodedBytes(size);
  if (bytes > limits.maxDecodedBytes) {
    const mb = (n: number) => Math.round(n / 1024 / 1024);
    return `This image (${dims}, ${size.channels} channels at ${size.bitDepth} bits) needs about ${
      mb(bytes)
    } MB of memory to read; the limit is ${
      mb(limits.maxDecodedBytes)
    } MB. Save it with 8 bits per channel or in grayscale, or scan at 300 dpi or less.`;
  }
  return null;
}

/** Refuses (422, nothing stored) an image whose header says it is too large to read. */
export function assertImageWithinLimits(
  bytes: Uint8Array,
  contentType: string,
  limits: ImageLimits,
): void {
  const size = imageSize(bytes, contentType);
  const reason = size && imageTooLarge(size, limits);
  if (reason) throw new InvalidError(reason, { file: ["Image too large."] }, 422);
}
