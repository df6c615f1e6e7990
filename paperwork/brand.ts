/**
 * @module paperwork/brand
 * The tenant's branding on its PDFs (customization/): the uploaded logo in the top margin of the
 * first page, a band of the primary colour along the top edge of every page, and the product's
 * name as the PDF's producer. Drawn over the finished document, so the letterhead's text layout,
 * which the built-in document reader relies on, is the same with or without a brand.
 */
import type { PDFDocument, RGB } from "pdf-lib";
import { MARGIN, PAGE_HEIGHT, pdfLib } from "./layout.ts";

/** What a tenant's configuration puts on its paperwork. */
export interface PaperBrand {
  productName: string;
  /** `#rrggbb`, drawn as a thin band along the top of each page. */
  primary: string;
  logo: { bytes: Uint8Array; contentType: "image/png" | "image/jpeg" } | null;
}

/** The tallest and widest the logo is drawn, in points (it keeps its proportions). */
const LOGO_HEIGHT = 34;
const LOGO_WIDTH = 160;

function colour(rgb: (red: number, green: number, blue: number) => RGB, hex: string): RGB {
  const n = Number.parseInt(hex.slice(1), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

/** The logo embedded, or null when pdf-lib cannot decode it (the paper goes out without it). */
async function embedded(doc: PDFDocument, logo: NonNullable<PaperBrand["logo"]>) {
  try {
    return logo.contentType === "image/png"
      ? await doc.embedPng(logo.bytes)
      : await doc.embedJpg(logo.bytes);
  } catch {
    return null;
  }
}

/** The PDF with `brand` applied. */
export async function brandPaper(bytes: Uint8Array, brand: PaperBrand): Promise<Uint8Array> {
  const { PDFDocument, rgb } = await pdfLib();
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  doc.setProducer(brand.productName);
  const band = colour(rgb, brand.primary);
  for (const page of doc.getPages()) {
    page.drawRectangle({
      x: 0,
      y: PAGE_HEIGHT - 6,
      width: page.getWidth(),
      height: 6,
      color: band,
    });
  }
  const image = brand.logo ? await embedded(doc, brand.logo) : null;
  if (image) {
    const scale = Math.min(LOGO_HEIGHT / image.height, LOGO_WIDTH / image.width, 1);
    const first = doc.getPages()[0]!;
    first.drawImage(image, {
      x: MARGIN,
      y: PAGE_HEIGHT - MARGIN + 6,
      width: image.width * scale,
      height: image.height * scale,
    });
  }
  return await doc.save();
}
