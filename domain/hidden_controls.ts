/**
 * @module domain/hidden_controls
 * Text shown to other members must read as what it is. These characters never belong in it:
 * - C0 control codes other than tab, line feed and carriage return (NUL, BEL, ESC, ...) and DEL:
 *   SQLite and many readers stop a string at NUL ("a\u0000b" read back as "a" in one place and
 *   "a\u0000b" in another), the rest are invisible or act on terminals;
 * - bidirectional embedding, override and isolate controls (U+202A-U+202E, U+2066-U+2069):
 *   "Acme\u202Egnp.exe" shows as "Acmeexe.png";
 * - the zero-width space, the word joiner and a stray byte-order mark (U+200B, U+2060, U+FEFF).
 * The joiners scripts and emoji need (U+200C, U+200D) and the plain direction marks (U+200E,
 * U+200F) stay allowed. Record text (domain/records/schema.ts), option-list values, webhook
 * descriptions and uploaded file names (which strip them) all use this one definition.
 */

/** The characters, as a regular expression class's ranges (escapes, so the source shows them). */
const RANGES = [
  "\\u0000-\\u0008", // C0 codes before tab
  "\\u000b\\u000c", // vertical tab, form feed
  "\\u000e-\\u001f", // the rest of C0 after carriage return
  "\\u007f", // DEL
  "\\u202a-\\u202e", // direction embeddings and overrides
  "\\u2066-\\u2069", // direction isolates
  "\\u200b\\u2060\\ufeff", // zero-width space, word joiner, byte-order mark
].join("");

const HIDDEN = new RegExp(`[${RANGES}]`);
const HIDDEN_ALL = new RegExp(`[${RANGES}]`, "g");

/** Text without any hidden control: for zod's `.regex()`. */
export const NO_HIDDEN_CONTROLS = new RegExp(`^[^${RANGES}]*$`);

/** What a refusal says. */
export const HIDDEN_CONTROLS_MESSAGE =
  "Remove the invisible direction or zero-width characters and control codes (such as NUL): " +
  "they make the text read differently from what it is.";

/** Whether `text` holds a hidden control. */
export function hasHiddenControls(text: string): boolean {
  return HIDDEN.test(text);
}

/** `text` with every hidden control removed (where refusing is not possible: file names). */
export function stripHiddenControls(text: string): string {
  return text.replace(HIDDEN_ALL, "");
}
