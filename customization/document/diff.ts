/**
 * @module customization/document/diff
 * What changed between two configuration documents, as one entry per leaf path, so the history
 * and the import preview can say "branding.colors.primary: #9b1c2e → #1f6f43".
 */

/** One changed leaf: its dotted path, the value before and after (undefined: absent). */
export interface ConfigurationChange {
  path: string;
  from: unknown;
  to: unknown;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every leaf that differs between `before` and `after`, in key order. */
export function diffConfiguration(
  before: unknown,
  after: unknown,
  path = "",
): ConfigurationChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((key) =>
      diffConfiguration(before[key], after[key], path ? `${path}.${key}` : key)
    );
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, from: before, to: after }];
}
