/**
 * @module customization/paper
 * What a tenant's configuration puts on its PDFs (paperwork/brand.ts draws it): nothing for the
 * built-in branding, so a workspace that never changed it prints exactly as before.
 */
import type { Executor } from "../db/transaction.ts";
import type { ReadCache } from "../domain/read_cache.ts";
import type { FileStorage } from "../storage/mod.ts";
import type { PaperBrand } from "../paperwork/brand.ts";
import { activeConfiguration } from "./cache.ts";
import { readBrandImage } from "./assets.ts";
import { DEFAULT_CONFIGURATION } from "./document/schema.ts";

const DEFAULT_BRANDING = JSON.stringify(DEFAULT_CONFIGURATION.branding);

/** The tenant's paper brand, or null while its branding is the built-in one. */
export async function paperBrand(
  deps: { readCache: ReadCache; storage: FileStorage },
  tenant: { id: string; db: Executor },
): Promise<PaperBrand | null> {
  const { document } = await activeConfiguration(deps.readCache, tenant.db, tenant.id);
  const branding = document.branding;
  if (JSON.stringify(branding) === DEFAULT_BRANDING) return null;
  let logo: PaperBrand["logo"] = null;
  if (branding.logo) {
    const image = await readBrandImage(deps.storage, tenant.id, branding.logo).catch(() => null);
    if (image) {
      logo = { bytes: image.bytes, contentType: image.contentType as "image/png" | "image/jpeg" };
    }
  }
  return { productName: branding.product_name, primary: branding.colors.primary, logo };
}
