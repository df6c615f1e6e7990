/**
 * @module domain/rules/logic
 * The condition language of tenant rules: a subset of JSON Logic (jsonlogic.com), interpreted
 * here. A tenant's rule is data, never code: there is no eval, no function call, no property
 * lookup beyond `var` paths over plain data, and a rule that is too large or too deep is refused
 * when the configuration is saved (`logicProblems`), so evaluating one is cheap and bounded.
 *
 * Written here rather than taken from `json-logic-js` because that library lets a tenant reach
 * methods of the values it reads (`method`) and can be given new operations globally; the 20
 * operations below are all a rule needs and are checked before they are stored.
 */

export type Logic = unknown;
type Data = Record<string, unknown>;

const MAX_DEPTH = 12;
const MAX_NODES = 200;

/** Every operation a condition may use, with its arity (min, max; -1 for any). */
export const OPERATIONS: Readonly<Record<string, readonly [number, number]>> = {
  var: [1, 2],
  missing: [1, -1],
  "==": [2, 2],
  "!=": [2, 2],
  "===": [2, 2],
  "!==": [2, 2],
  ">": [2, 2],
  ">=": [2, 2],
  "<": [2, 3],
  "<=": [2, 3],
  "!": [1, 1],
  "!!": [1, 1],
  and: [1, -1],
  or: [1, -1],
  if: [1, -1],
  in: [2, 2],
  "+": [1, -1],
  "-": [1, 2],
  "*": [1, -1],
  "/": [2, 2],
};

function isOperation(node: unknown): node is Record<string, unknown> {
  return typeof node === "object" && node !== null && !Array.isArray(node) &&
    Object.keys(node).length === 1;
}

/** Problems of a condition (unknown operation, wrong arity, too large); empty when usable. */
export function logicProblems(logic: Logic): string[] {
  const problems: string[] = [];
  let nodes = 0;
  const walk = (node: unknown, depth: number, where: string) => {
    if (++nodes > MAX_NODES) {
      if (nodes === MAX_NODES + 1) problems.push(`A condition has at most ${MAX_NODES} parts.`);
      return;
    }
    if (depth > MAX_DEPTH) {
      problems.push(`${where}: conditions nest at most ${MAX_DEPTH} deep.`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((n, i) => walk(n, depth + 1, `${where}[${i}]`));
      return;
    }
    if (typeof node === "object" && node !== null) {
      if (!isOperation(node)) {
        problems.push(`${where}: an operation is an object with exactly one key.`);
        return;
      }
      const [op, raw] = Object.entries(node)[0]!;
      const arity = OPERATIONS[op];
      if (!arity) {
        problems.push(
          `${where}: unknown operation "${op}"; use one of ${Object.keys(OPERATIONS).join(" ")}.`,
        );
        return;
      }
      const args = Array.isArray(raw) ? raw : [raw];
      if (args.length < arity[0] || (arity[1] !== -1 && args.length > arity[1])) {
        problems.push(
          `${where}: "${op}" takes ${arity[0]}${arity[1] === -1 ? "+" : `-${arity[1]}`} arguments.`,
        );
      }
      if (op === "var" && typeof args[0] !== "string" && typeof args[0] !== "number") {
        problems.push(`${where}: "var" names a path such as "record.total_cents".`);
      }
      args.forEach((a, i) => walk(a, depth + 1, `${where}.${op}[${i}]`));
    }
  };
  walk(logic, 0, "when");
  return problems;
}

/** The value at a dotted path of the data ("record.custom_fields.vessel"); only own keys. */
export function lookup(data: unknown, path: string): unknown {
  if (path === "") return data;
  let at: unknown = data;
  for (const part of path.split(".")) {
    if (at === null || typeof at !== "object" || !Object.hasOwn(at, part)) return null;
    at = (at as Data)[part];
  }
  return at === undefined ? null : at;
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

function num(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

function looseEquals(a: unknown, b: unknown): boolean {
  if (a === null || b === null) return a === b;
  if (typeof a === typeof b) return a === b;
  // JSON Logic's == follows JavaScript's loose equality between strings, numbers and booleans.
  return num(a) === num(b);
}

/** Evaluates a condition (checked by `logicProblems`) against plain data. */
export function evaluate(logic: Logic, data: Data): unknown {
  if (Array.isArray(logic)) return logic.map((l) => evaluate(l, data));
  if (!isOperation(logic)) return logic;
  const [op, raw] = Object.entries(logic)[0]!;
  const args = Array.isArray(raw) ? raw : [raw];
  const value = (i: number) => evaluate(args[i], data);
  switch (op) {
    case "var": {
      const found = lookup(data, String(value(0) ?? ""));
      return found === null && args.length > 1 ? value(1) : found;
    }
    case "missing":
      return args.map((_, i) => value(i)).flat().filter((p) => {
        const v = lookup(data, String(p));
        return v === null || v === "";
      });
    case "==":
      return looseEquals(value(0), value(1));
    case "!=":
      return !looseEquals(value(0), value(1));
    case "===":
      return value(0) === value(1);
    case "!==":
      return value(0) !== value(1);
    case ">":
      return num(value(0)) > num(value(1));
    case ">=":
      return num(value(0)) >= num(value(1));
    case "<":
      return args.length === 3
        ? num(value(0)) < num(value(1)) && num(value(1)) < num(value(2))
        : num(value(0)) < num(value(1));
    case "<=":
      return args.length === 3
        ? num(value(0)) <= num(value(1)) && num(value(1)) <= num(value(2))
        : num(value(0)) <= num(value(1));
    case "!":
      return !truthy(value(0));
    case "!!":
      return truthy(value(0));
    case "and": {
      let last: unknown = true;
      for (let i = 0; i < args.length; i++) if (!truthy(last = value(i))) return last;
      return last;
    }
    case "or": {
      let last: unknown = false;
      for (let i = 0; i < args.length; i++) if (truthy(last = value(i))) return last;
      return last;
    }
    case "if": {
      let i = 0;
      for (; i + 1 < args.length; i += 2) if (truthy(value(i))) return value(i + 1);
      return i < args.length ? value(i) : null;
    }
    case "in": {
      const needle = value(0);
      const hay = value(1);
      if (Array.isArray(hay)) return hay.includes(needle);
      return typeof hay === "string" && hay.includes(String(needle));
    }
    case "+":
      return args.reduce<number>((sum, _, i) => sum + num(value(i)), 0);
    case "*":
      return args.reduce<number>((p, _, i) => p * num(value(i)), 1);
    case "-":
      return args.length === 1 ? -num(value(0)) : num(value(0)) - num(value(1));
    case "/":
      return num(value(0)) / num(value(1));
    default:
      throw new Error(`Unknown operation ${op}`);
  }
}

/** Whether a condition holds; an empty condition always holds. */
export function holds(logic: Logic, data: Data): boolean {
  if (logic === null || logic === undefined || logic === true) return true;
  return truthy(evaluate(logic, data));
}
