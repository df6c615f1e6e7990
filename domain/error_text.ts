/**
 * @module domain/error_text
 * The messages that domain code throws, in a reader's language. Domain code keeps throwing plain
 * English (`new InvalidError("Required.")`, zod's messages in domain/records/schema.ts, and zod's
 * own default messages for a check written without one: zod's locale is global, so it stays
 * English and its messages are matched here per issue code's shape): the API's
 * stable `code` and English `message` depend on it. At the edge, the text is looked up among the
 * `error.*` messages of the catalogue (whose English is the thrown text, like `phrase.*`), or
 * matched by the patterns below when it carries a value ("At most 20 characters."), and written
 * in the reader's language. A text the catalogue does not know stays as thrown.
 *
 * Pure and free of the catalogues (it is handed them), so the record form's island can use it
 * with only the messages it was given.
 */
import type { Messages, Translate } from "../i18n/format.ts";

/**
 * Thrown texts that carry a value: the pattern, its catalogue key and the argument names. An
 * argument named `type` or `field` is a built-in label (named through its `label.*` key), `roles`
 * a list of roles ("A broker or admin", through `role.*`), `problem` a thrown text of its own
 * (translated in turn), `refs` a list of counted record lists, `Type` a label as written (capital
 * kept), `feature` and `plan` a plan's feature or name (through the key whose English it is),
 * `group:name` a word of a group (`wordIn`: `word` for zod's words, `state`, `file_kind`); any
 * other is a value, shown as thrown.
 */
const PATTERNS: ReadonlyArray<[RegExp, string, readonly string[]]> = [
  [/^At most (\d+) characters\.$/, "error.at_most_characters", ["max"]],
  [/^At most (-?[\d.]+)\.$/, "error.at_most", ["max"]],
  [/^At least (-?[\d.]+)\.$/, "error.at_least", ["min"]],
  [/^Choose one of: (.+)\.$/, "error.choose_one_of", ["values"]],
  [/^Choose an? ([a-z][a-z ]*)\.$/, "error.choose_a", ["type"]],
  [/^No such ([a-z][a-z ]*)\.$/, "error.no_such", ["type"]],
  [/^Already used by another ([a-z][a-z ]*)\.$/, "error.already_used", ["type"]],
  [
    /^This ([a-z][a-z ]*) was changed by someone else since you opened it\. Reload and apply your change again\.$/,
    "error.changed_meanwhile",
    ["type"],
  ],
  [/^This ([a-z][a-z ]*) was changed meanwhile\.$/, "error.changed_meanwhile_short", ["type"]],
  [/^Another ([a-z][a-z ]*) already has this ([a-z][a-z ]*)\.$/, "error.another_has", [
    "type",
    "field",
  ]],
  [/^An? ([a-z][a-z ]*) cannot be deleted\.$/, "error.cannot_delete", ["type"]],
  [/^Blocked by rule '(.+?)': (.*)$/s, "error.blocked_by_rule", ["rule", "message"]],
  [
    /^Waiting for approval: rule '(.+?)' needs an? (\w+) to approve this ([a-z][a-z ]*) \((\w+)\) before its status can change\.$/,
    "error.waiting_for_approval",
    ["rule", "roles", "type", "status"],
  ],
  [
    /^Needs approval: rule '(.+?)' needs an? (\w+) to approve this ([a-z][a-z ]*) before it can be ([a-z][a-z ]*)\. Save it as draft and the approval is asked for; nothing was saved\.$/,
    "error.needs_approval",
    ["rule", "roles", "type", "status"],
  ],
  [/^Only (.+) can override a credit hold\.$/, "error.only_can_override", ["roles"]],
  [
    /^Only (.+) can change a customer's credit hold or credit limit\.$/,
    "error.only_can_change_credit",
    ["roles"],
  ],
  [/^This payment cannot be restored: (.+)$/s, "error.payment_not_restorable", ["problem"]],
  [
    /^The payment date \((\d{4}-\d{2}-\d{2})\) is after today \((\d{4}-\d{2}-\d{2})\): record a payment once it is made or received\.$/,
    "error.payment_after_today",
    ["date", "today"],
  ],
  [
    /^Line (\d+) is priced per case but has no cases: enter the number of cases\.$/,
    "error.line_per_case_no_cases",
    ["line"],
  ],
  [
    /^Line (\d+) is priced per case but has no cases, so its price cannot be applied to its weight: enter the number of cases, or price the line per weight unit\.$/,
    "error.line_per_case_weight_no_cases",
    ["line"],
  ],
  [
    /^Line (\d+) is priced per weight unit but has no weight: enter the weight, or price the line per case\.$/,
    "error.line_per_weight_no_weight",
    ["line"],
  ],
  [
    /^The settled amount cannot exceed the approved amount \((.+)\)\.$/,
    "error.settled_over_approved",
    [
      "amount",
    ],
  ],
  [
    /^The settled amount cannot exceed the claimed amount \((.+)\)\.$/,
    "error.settled_over_claimed",
    [
      "amount",
    ],
  ],
  [
    /^The due date \((\d{4}-\d{2}-\d{2})\) cannot be before the invoice date \((\d{4}-\d{2}-\d{2})\)\.$/,
    "error.due_before_invoice_date",
    ["due", "date"],
  ],
  [
    /^The due date \((\d{4}-\d{2}-\d{2})\) cannot be before the bill date \((\d{4}-\d{2}-\d{2})\)\.$/,
    "error.due_before_bill_date",
    ["due", "date"],
  ],
  [/^(.+\.) (Nobody|An? [a-z, ]+) can override the credit hold\.$/, "error.credit_hold_override", [
    "problem",
    "roles",
  ]],
  [/^(.+) is on credit hold\.$/, "error.on_credit_hold", ["name"]],
  [/^(.+) has invoices (\d+) days past due \(over (\d+)\)\.$/, "error.invoices_overdue_beyond", [
    "name",
    "days",
    "max",
  ]],
  [
    /^This order would bring (.+) to (\S+) against a credit limit of (\S+)\.$/,
    "error.over_credit_limit",
    ["name", "amount", "limit"],
  ],
  // The record and settings forms' own checks with a value.
  [/^Use at least (\d+) characters\.$/, "error.use_at_least_characters", ["min"]],
  [/^Use at most (\d+) characters\.$/, "error.use_at_most_characters", ["max"]],
  // Refusals with values of the domain (the record's own words through label.*, a state through
  // error.state.*, a file's kind through error.file_kind.*).
  [/^The file is not valid CSV: (.*)$/s, "error.csv_invalid", ["problem"]],
  [/^At most (\d+) rows per import\.$/, "error.csv_at_most_rows", ["max"]],
  // An image too large to read (domain/documents/image_size.ts builds these, so the scan of
  // thrown templates does not see them).
  [
    /^This image is (\d+) x (\d+) pixels \(([\d.]+) megapixels\); the limit is ([\d.]+) megapixels\. Scan at 300 dpi or less, or reduce the image size, and upload it again\.$/,
    "error.image_too_many_pixels",
    ["width", "height", "megapixels", "limit"],
  ],
  [
    /^This image \((\d+) x (\d+) pixels, (\d+) channels at (\d+) bits\) needs about (\d+) MB of memory to read; the limit is (\d+) MB\. Save it with 8 bits per channel or in grayscale, or scan at 300 dpi or less\.$/,
    "error.image_too_much_memory",
    ["width", "height", "channels", "bits", "mb", "limit"],
  ],
  [
    /^This ([a-z][a-z ]*) is still referenced by (.+)\. Archive it instead\.$/,
    "error.still_referenced",
    ["type", "refs"],
  ],
  [/^Order (\S+) is cancelled; no load can be booked on it\.$/, "error.order_cancelled_no_load", [
    "number",
  ]],
  [
    /^This dispute was already (accepted|rejected) on (\d{4}-\d{2}-\d{2}); nothing was changed\.$/,
    "error.dispute_already_decided",
    ["state:state", "date"],
  ],
  [/^Only an? (\w+) or an owner can decide this request\.$/, "error.only_role_decides", ["roles"]],
  [/^This request was already (\w+)\.$/, "error.request_already", ["state:state"]],
  [
    /^The file is larger than the (\d+) MB limit\. Split it or reduce its size and try again\.$/,
    "error.file_too_large",
    ["mb"],
  ],
  [/^The new ([a-z][a-z ]*) needs attention\.$/, "error.new_record_needs_attention", ["type"]],
  [
    /^([A-Z][a-z ]*) (\S+) already exists\. Link this document to it, or change the number\.$/,
    "error.number_exists",
    ["Type", "number"],
  ],
  [
    /^This file is (.+)\. Upload a PDF, PNG, JPEG, plain text or CSV file\.$/,
    "error.file_unsupported",
    ["file_kind:what"],
  ],
  [
    /^This (.+) is damaged or incomplete \((.+)\)\. Export it again and upload the new file\.$/,
    "error.file_damaged_detail",
    ["file_kind:what", "file_kind:detail"],
  ],
  [
    /^This (.+) is damaged or incomplete\. Export it again and upload the new file\.$/,
    "error.file_damaged",
    ["file_kind:what"],
  ],
  [
    /^([A-Z]{3}) is the workspace's own currency: it needs no rate\.$/,
    "error.own_currency_no_rate",
    [
      "currency",
    ],
  ],
  // The plan's refusals (billing/entitlements.ts, billing/state.ts): a feature through its
  // `plan_feature.*` name, a plan through `billing.plan_name.*` (others are product names).
  [
    /^(.+) is not part of the (.+) plan\. Upgrade on the billing page to use it\.$/,
    "plan_refusal.not_in_plan",
    ["feature", "plan"],
  ],
  [
    /^All (\d+) seats of the (.+) plan are taken \(members and pending invitations\)\. Upgrade on the billing page, or remove a member or an invitation\.$/,
    "error.plan_seats_taken",
    ["limit", "plan"],
  ],
  [
    /^Documents processed this month: the (.+) plan allows (\d+) and (\d+) are used\. Upgrade on the billing page, or wait for next month\.$/,
    "error.plan_documents_used",
    ["plan", "limit", "used"],
  ],
  [
    /^AI tokens this month: the (.+) plan allows (\d+) and (\d+) are used\. Upgrade on the billing page, or wait for next month\.$/,
    "error.plan_ai_tokens_used",
    ["plan", "limit", "used"],
  ],
  [
    /^(.+\.) The workspace is read-only: you can sign in, see and export everything, and pay; nothing can be created or changed until billing is sorted out\.$/,
    "error.billing_read_only",
    ["problem"],
  ],
  [
    /^The licence expired on (\d{4}-\d{2}-\d{2})\. The workspace is read-only until a renewed licence is installed; everything can still be seen and exported\.$/,
    "error.licence_expired_read_only",
    ["date"],
  ],
  [
    /^The licence expired on (\d{4}-\d{2}-\d{2})\. Install a renewed licence before (\d{4}-\d{2}-\d{2}) to keep full access\.$/,
    "error.licence_expired_grace",
    ["date", "until"],
  ],
  [
    /^The last payment failed\. Update the payment method before (\d{4}-\d{2}-\d{2}) to keep full access\.$/,
    "error.payment_failed_grace",
    ["until"],
  ],
  // zod's own English messages (its default `en` locale), for a check written without one:
  // matched on the shape zod writes per issue code; a `word` argument is one of zod's words
  // ("string", "characters", "email address") named through `error.zod_word.*`.
  [/^Invalid input: expected (\w+), received (\w+)$/, "error.zod_invalid_type", [
    "word:expected",
    "word:received",
  ]],
  [/^Invalid option: expected one of (.+)$/, "error.zod_invalid_option", ["values"]],
  [/^Invalid input: expected (.+)$/, "error.zod_invalid_value", ["value"]],
  [
    /^Too big: expected (\w+) to have (<=|<|exactly )(-?[\d.]+) (\w+)$/,
    "error.zod_too_big_size",
    ["word:origin", "word:adj", "max", "word:unit"],
  ],
  [/^Too big: expected (\w+) to be (<=|<|exactly )(\S+)$/, "error.zod_too_big", [
    "word:origin",
    "word:adj",
    "max",
  ]],
  [
    /^Too small: expected (\w+) to have (>=|>|exactly )(-?[\d.]+) (\w+)$/,
    "error.zod_too_small_size",
    ["word:origin", "word:adj", "min", "word:unit"],
  ],
  [/^Too small: expected (\w+) to be (>=|>|exactly )(\S+)$/, "error.zod_too_small", [
    "word:origin",
    "word:adj",
    "min",
  ]],
  [/^Invalid string: must start with "(.*)"$/s, "error.zod_starts_with", ["prefix"]],
  [/^Invalid string: must end with "(.*)"$/s, "error.zod_ends_with", ["suffix"]],
  [/^Invalid string: must include "(.*)"$/s, "error.zod_includes", ["includes"]],
  [/^Invalid string: must match pattern (.+)$/s, "error.zod_pattern", ["pattern"]],
  [/^Invalid number: must be a multiple of (\S+)$/, "error.zod_multiple_of", ["divisor"]],
  [/^Unrecognized key: (.+)$/s, "error.zod_unrecognized_key", ["keys"]],
  [/^Unrecognized keys: (.+)$/s, "error.zod_unrecognized_keys", ["keys"]],
  [/^Invalid key in (\w+)$/, "error.zod_invalid_key", ["word:origin"]],
  [/^Invalid value in (\w+)$/, "error.zod_invalid_element", ["word:origin"]],
  [/^Invalid ([A-Za-z0-9 .-]+)$/, "error.zod_invalid_format", ["word:format"]],
];

/**
 * A word of the `group` (`zod_word`: "string", "exactly "; `state`: "rejected"; `file_kind`: "a
 * GIF image") in the language of `t`, through `error.<group>.<slug>`; null when not one.
 */
function wordIn(group: string, value: string, t: Translate): string | null {
  const key = `error.${group}.${
    value.trim().toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_|_$/g, "")
  }`;
  const word = t(key);
  if (word === key) return null;
  return value.endsWith(" ") ? `${word} ` : word;
}

const zodWord = (value: string, t: Translate) => wordIn("zod_word", value, t);

/** A built-in label ("Purchase orders") in the language of `t`, through its `label.*` key. */
function labelIn(value: string, t: Translate): string {
  const key = `label.${value.toLowerCase().replace(/[^a-z0-9]+/g, "_")}`;
  const label = t(key);
  return label === key ? value : label;
}

/** "2 purchase orders, 1 contacts" with each list's name in the language of `t`. */
function refsIn(text: string, t: Translate): string {
  return text.split(", ").map((part) => {
    const m = /^(\d+) (.+)$/.exec(part);
    return m ? `${m[1]} ${labelIn(m[2]!, t).toLowerCase()}` : part;
  }).join(", ");
}

/** "A broker, admin or owner" in the language of `t`, through the `role.*` names. */
function rolesIn(text: string, t: Translate): string {
  if (text === "Nobody") return t("error.nobody");
  const names = text.replace(/^an? /i, "").split(/, | or /).map((role) => {
    const key = `role.${role.trim()}`;
    const name = t(key);
    return name === key ? role : name;
  });
  return names.length === 1
    ? names[0]!
    : t("error.role_list", { roles: names.slice(0, -1).join(", "), last: names.at(-1)! });
}

/** A name written in English (a plan, a plan's feature) in the language of `t`, through the key
 * under `prefix` whose English it is; as written when none is. */
function namedIn(english: Messages, prefix: string, value: string, t: Translate): string {
  const key = Object.keys(english).find((k) => k.startsWith(prefix) && english[k] === value);
  return key ? t(key) : value;
}

const reverse = new WeakMap<Messages, Map<string, string>>();

function keyOf(english: Messages, text: string): string | undefined {
  let map = reverse.get(english);
  if (!map) {
    map = new Map(
      Object.entries(english).filter(([key]) => key.startsWith("error.")).map((
        [key, value],
      ) => [value, key]),
    );
    reverse.set(english, map);
  }
  return map.get(text);
}

/**
 * A thrown text in the language of `t`: `english` holds the English `error.*` messages (the whole
 * English catalogue will do). A record type named in the text is named through its label key.
 */
export function translateErrorText(text: string, english: Messages, t: Translate): string {
  const key = keyOf(english, text);
  if (key) return t(key);
  for (const [pattern, patternKey, names] of PATTERNS) {
    const m = pattern.exec(text);
    if (!m) continue;
    const args: Record<string, string> = {};
    // "Invalid cursor." is not zod's "Invalid email address": a format must be one of its words.
    if (names[0] === "word:format" && zodWord(m[1]!, t) === null) continue;
    names.forEach((name, i) => {
      const value = m[i + 1]!;
      const group = /^(\w+):(\w+)$/.exec(name);
      if (group) {
        const [, prefix, arg] = group;
        args[arg!] = wordIn(prefix === "word" ? "zod_word" : prefix!, value, t) ?? value;
      } else if (name === "roles") args[name] = rolesIn(value, t);
      else if (name === "refs") args[name] = refsIn(value, t);
      else if (name === "Type") args.type = labelIn(value, t);
      else if (name === "feature") args[name] = namedIn(english, "plan_feature.", value, t);
      else if (name === "plan") args[name] = namedIn(english, "billing.plan_name.", value, t);
      else if (name === "problem") args[name] = translateErrorText(value, english, t);
      else if (name !== "type" && name !== "field") args[name] = value;
      else {
        const labelKey = `label.${value.replace(/[^a-z0-9]+/g, "_")}`;
        const label = t(labelKey);
        args[name] = label === labelKey ? value : label.toLowerCase();
      }
    });
    const out = t(patternKey, args);
    return out === patternKey ? text : out;
  }
  return text;
}

/** Every field's messages of an error's `details` in the language of `t`. */
export function translateErrorDetails(
  details: Record<string, string[]>,
  english: Messages,
  t: Translate,
): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(details).map((
      [field, messages],
    ) => [field, messages.map((m) => translateErrorText(m, english, t))]),
  );
}

/** The catalogue keys the translation reads (for an island's messages). */
export function errorMessageKeys(english: Messages): string[] {
  return Object.keys(english).filter((key) => key.startsWith("error."));
}
