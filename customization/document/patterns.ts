/**
 * @module customization/document/patterns
 * Regular expressions a tenant writes (a custom field's `pattern` and `document_pattern`) run on
 * RE2 (the `re2js` port), never on JavaScript's backtracking engine: RE2 matches in time linear in
 * the text whatever the pattern, so no pattern ("^(a+)+$" and the like) can hold the server's one
 * thread while a value is checked or a document is read. RE2 has no backreferences (`\1`) and no
 * lookarounds (`(?=`, `(?!`, `(?<=`, `(?<!`); `patternProblem` says so when a configuration is saved.
 *
 * Every place that compiles a tenant's pattern goes through `tenantPattern` (validation, form
 * checks, the document reader); nothing hands a tenant's source to `new RegExp`.
 */
import { RE2JS } from "re2js";

/** The longest pattern a tenant may write. */
export const PATTERN_MAX_LENGTH = 200;

/** A compiled tenant pattern: what a field's format check and the document reader need. */
export interface TenantPattern {
  /** The pattern as written. */
  readonly source: string;
  /** Empty: RE2 takes flags inline, `(?i)`. Kept so the value reads like a RegExp's. */
  readonly flags: string;
  /** Whether the pattern matches somewhere in `text` (anchor with ^ and $ for the whole text). */
  test(text: string): boolean;
  /** The first match in `text`, or null. */
  first(text: string): string | null;
  /** Every non-overlapping match in `text`, in order. */
  all(text: string): string[];
}

class Re2Pattern implements TenantPattern {
  readonly flags = "";
  constructor(readonly source: string, private readonly re: RE2JS) {}
  test(text: string): boolean {
    return this.re.matcher(text).find();
  }
  first(text: string): string | null {
    const m = this.re.matcher(text);
    return m.find() ? m.group() ?? "" : null;
  }
  all(text: string): string[] {
    const out: string[] = [];
    const m = this.re.matcher(text);
    while (m.find()) out.push(m.group() ?? "");
    return out;
  }
}

/** A stored pattern RE2 cannot compile (saved before RE2 was used): it matches nothing. */
class BrokenPattern implements TenantPattern {
  readonly flags = "";
  constructor(readonly source: string) {}
  test(): boolean {
    return false;
  }
  first(): null {
    return null;
  }
  all(): string[] {
    return [];
  }
}

const compiled = new Map<string, TenantPattern>();
const CACHE_MAX = 2000;

function compile(source: string): RE2JS {
  if (source.length > PATTERN_MAX_LENGTH) {
    throw new Error(`A pattern has at most ${PATTERN_MAX_LENGTH} characters.`);
  }
  // No flags: in particular not RE2JS.LOOKBEHINDS, which is outside RE2's linear-time guarantee.
  return RE2JS.compile(source);
}

/**
 * Why RE2 cannot take `source`, in words for the person writing the configuration; null when it
 * compiles.
 */
export function patternProblem(source: string): string | null {
  if (source.length > PATTERN_MAX_LENGTH) {
    return `Use at most ${PATTERN_MAX_LENGTH} characters.`;
  }
  try {
    compile(source);
    return null;
  } catch (e) {
    const detail = e instanceof Error ? e.message.replace(/^error parsing regexp: /, "") : "";
    let hint = "";
    if (/\(\?<?[=!]/.test(source)) {
      hint = " Lookarounds ((?=, (?!, (?<=, (?<!) are not supported.";
    } else if (/\\[1-9]/.test(source)) {
      hint = " Backreferences (\\1 and the like) are not supported.";
    } else if (/\\u/.test(source)) {
      hint = " Write a character by its code as \\x{00E9}, not \\u00E9.";
    }
    return `This pattern is not a valid RE2 regular expression (${detail}).${hint}`;
  }
}

/**
 * The compiled form of a tenant's pattern, cached by source. A source RE2 cannot compile (only a
 * document saved before patterns were checked against RE2 holds one) matches nothing, so a value
 * it checks is refused rather than let through unchecked, and nothing throws while a record type
 * is being described.
 */
export function tenantPattern(source: string): TenantPattern {
  let out = compiled.get(source);
  if (out) return out;
  try {
    out = new Re2Pattern(source, compile(source));
  } catch {
    out = new BrokenPattern(source);
  }
  if (compiled.size >= CACHE_MAX) compiled.delete(compiled.keys().next().value!);
  compiled.set(source, out);
  return out;
}
