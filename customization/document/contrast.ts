/**
 * @module customization/document/contrast
 * WCAG 2.x contrast between two sRGB colours, and the text/background pairs of a palette that
 * must reach AA for normal text (4.5:1). The configuration schema refuses a palette below it, so
 * no tenant can make its own pages unreadable.
 */

/** WCAG AA for normal-size text. */
export const AA_NORMAL_TEXT = 4.5;

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** Relative luminance of `#rrggbb`. */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  return 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) +
    0.0722 * channel(n & 255);
}

/** The contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** The ratio rounded down to two decimals, as people quote it ("4.48:1"); never rounds up. */
export function formatRatio(ratio: number): string {
  return `${(Math.floor(ratio * 100) / 100).toFixed(2)}:1`;
}

/** The pairs of a palette where one is read on the other: [text key, background key]. */
export const TEXT_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["text", "background"],
  ["text", "surface"],
  ["text", "surface_alt"],
  ["muted_text", "surface"],
  ["primary", "surface"],
  ["primary_text", "primary"],
  ["success_text", "success_background"],
  ["warning_text", "warning_background"],
  ["danger_text", "danger_background"],
];

/** Each pair of `palette` below AA, with its ratio. */
export function contrastFailures(
  palette: Record<string, string>,
): Array<{ text: string; background: string; ratio: number }> {
  const out: Array<{ text: string; background: string; ratio: number }> = [];
  for (const [text, background] of TEXT_PAIRS) {
    const fg = palette[text];
    const bg = palette[background];
    if (!fg || !bg) continue;
    const ratio = contrastRatio(fg, bg);
    if (ratio < AA_NORMAL_TEXT) out.push({ text, background, ratio });
  }
  return out;
}
