/**
 * @module customization/assets
 * A tenant's logo and favicon: uploaded bytes are checked by content (PNG or JPEG, never SVG,
 * which can carry script), limited in bytes and pixels, and stored per tenant through storage/
 * under the SHA-256 of their bytes. The configuration document names an image by that hash and
 * its extension, so a version of the document always points at the same picture.
 */
import { FileMissingError, type FileStorage } from "../storage/mod.ts";
import { sha256Hex } from "../db/ids.ts";
import { InvalidError, NotFoundError } from "../domain/errors.ts";
import { sniffType } from "../domain/documents/sniff.ts";
import { imageSize } from "../domain/documents/image_size.ts";
import { ASSET_NAME } from "./document/schema.ts";

/** The largest logo or favicon accepted, in bytes. */
export const MAX_ASSET_BYTES = 512 * 1024;
/** The largest width or height accepted, in pixels. */
export const MAX_ASSET_PIXELS = 2048;

function storageKey(tenantId: string, name: string): string {
  return `${tenantId}/brand/${name.slice(0, 64)}`;
}

function refuse(message: string, status = 422): InvalidError {
  return new InvalidError(message, { file: [message] }, status);
}

/** Checks and stores an image; answers the name to put in `branding.logo` or `branding.favicon`. */
export async function storeBrandImage(
  storage: FileStorage,
  tenantId: string,
  bytes: Uint8Array,
): Promise<{ name: string; contentType: string; width: number; height: number }> {
  if (bytes.length > MAX_ASSET_BYTES) {
    throw refuse(`The image is ${Math.ceil(bytes.length / 1024)} KiB; use at most 512 KiB.`, 413);
  }
  let type: string;
  try {
    type = sniffType(bytes, "image");
  } catch (err) {
    if (err instanceof InvalidError) {
      throw refuse(`${err.message.replace(/ Upload a .*$/, "")} Upload a PNG or JPEG image.`, 415);
    }
    throw err;
  }
  if (type !== "image/png" && type !== "image/jpeg") {
    throw refuse("This file is not a PNG or JPEG image. Upload a PNG or JPEG image.", 415);
  }
  const size = imageSize(bytes, type);
  if (!size) throw refuse("The image could not be read. Export it again as PNG or JPEG.");
  if (size.width > MAX_ASSET_PIXELS || size.height > MAX_ASSET_PIXELS) {
    throw refuse(
      `The image is ${size.width}×${size.height} pixels; use at most ${MAX_ASSET_PIXELS} on each side.`,
    );
  }
  const name = `${await sha256Hex(bytes)}.${type === "image/png" ? "png" : "jpg"}`;
  await storage.put(storageKey(tenantId, name), bytes, type);
  return { name, contentType: type, width: size.width, height: size.height };
}

/** The bytes and type of a stored brand image; 404 for a name this tenant never uploaded. */
export async function readBrandImage(
  storage: FileStorage,
  tenantId: string,
  name: string,
): Promise<{ bytes: Uint8Array; contentType: string }> {
  if (!ASSET_NAME.test(name)) throw new NotFoundError("There is no such image.");
  try {
    const bytes = await storage.get(storageKey(tenantId, name));
    return { bytes, contentType: name.endsWith(".png") ? "image/png" : "image/jpeg" };
  } catch (err) {
    if (err instanceof FileMissingError) throw new NotFoundError("There is no such image.");
    throw err;
  }
}

/** Removes a stored brand image (a restore that failed takes back what it stored). */
export async function deleteBrandImage(
  storage: FileStorage,
  tenantId: string,
  name: string,
): Promise<void> {
  if (ASSET_NAME.test(name)) await storage.delete(storageKey(tenantId, name));
}

/** The URL a page shows a brand image at (served by routes/theme.ts). */
export function brandImageUrl(name: string | null): string | null {
  return name ? `/brand/${name}` : null;
}

/**
 * Refuses a document that names a logo or favicon this tenant never uploaded (400 with the path),
 * so an applied configuration never shows a broken image.
 */
export async function assertBrandImagesExist(
  storage: FileStorage,
  tenantId: string,
  branding: { logo: string | null; favicon: string | null },
): Promise<void> {
  const missing: Record<string, string[]> = {};
  for (const key of ["logo", "favicon"] as const) {
    const name = branding[key];
    if (!name) continue;
    try {
      await storage.get(storageKey(tenantId, name));
    } catch (err) {
      if (!(err instanceof FileMissingError)) throw err;
      missing[`branding.${key}`] = [
        "No image was uploaded with this name. Upload it first (POST /api/v1/config/assets or " +
        "Settings → Configuration) and use the name it answers.",
      ];
    }
  }
  if (Object.keys(missing).length) {
    throw new InvalidError(
      `The configuration names images that were not uploaded (${
        Object.keys(missing).join(", ")
      }). Nothing was changed.`,
      missing,
    );
  }
}
