/**
 * @module plugins/api/version
 * The extension API's own version (semver, docs/plugins/api.md) and the small part of semver a
 * manifest's `apiVersion` range needs: `1.2.3`, `^1.2.0`, `~1.2.0`, `1.x`, `*` and space-separated
 * comparators (`>=1.0.0 <2.0.0`). Written here rather than pulled from a package: forty lines, and
 * the refusal reason names the range as the plugin wrote it.
 */

/** The version of the extension API this build of the app offers. */
export const PLUGIN_API_VERSION = "2.1.0";

/**
 * The last 1.x: 2.0 kept all of it but `afterSave`'s timing and delivery count, so a plugin whose
 * range admits this version and that has no `afterSave` hook relies on nothing 2.0 changed
 * (docs/plugins/changelog.md).
 */
export const LAST_API_1X = "1.2.0";

type Triple = [number, number, number];

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

/** Parses `1.2.3`; null for anything else. */
export function parseVersion(text: string): Triple | null {
  const m = VERSION.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : null;
}

function compare(a: Triple, b: Triple): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** Compares two versions (`1.10.0` > `1.9.0`); invalid versions sort first. */
export function compareVersions(a: string, b: string): number {
  const [pa, pb] = [parseVersion(a), parseVersion(b)];
  if (!pa || !pb) return pa ? 1 : pb ? -1 : 0;
  return compare(pa, pb);
}

function comparator(part: string): ((v: Triple) => boolean) | null {
  if (part === "*" || part === "x") return () => true;
  const x = /^(\d+)\.(?:x|\*)(?:\.(?:x|\*))?$/.exec(part);
  if (x) return (v) => v[0] === Number(x[1]);
  const m = /^(\^|~|>=|<=|>|<|=)?(\d+\.\d+\.\d+)$/.exec(part);
  if (!m) return null;
  const base = parseVersion(m[2]!)!;
  switch (m[1]) {
    case "^":
      return (v) =>
        compare(v, base) >= 0 &&
        (base[0] > 0
          ? v[0] === base[0]
          : base[1] > 0
          ? v[0] === 0 && v[1] === base[1]
          : compare(v, base) === 0);
    case "~":
      return (v) => compare(v, base) >= 0 && v[0] === base[0] && v[1] === base[1];
    case ">=":
      return (v) => compare(v, base) >= 0;
    case "<=":
      return (v) => compare(v, base) <= 0;
    case ">":
      return (v) => compare(v, base) > 0;
    case "<":
      return (v) => compare(v, base) < 0;
    default:
      return (v) => compare(v, base) === 0;
  }
}

/** Whether `range` is a range this module understands. */
export function isValidRange(range: string): boolean {
  const parts = range.trim().split(/\s+/);
  return parts.length > 0 && parts.every((p) => comparator(p) !== null);
}

/** Whether `version` satisfies every comparator of `range`. */
export function satisfies(version: string, range: string): boolean {
  const v = parseVersion(version);
  if (!v || !isValidRange(range)) return false;
  return range.trim().split(/\s+/).every((p) => comparator(p)!(v));
}
