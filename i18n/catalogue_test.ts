/**
 * The catalogues stay complete: English and Spanish hold the same keys with the same ICU
 * arguments, every key the code asks for with `t("…")` exists, and every built-in label of the
 * record definitions has its key (i18n/mod.ts `labelKey`).
 */
import assert from "node:assert/strict";
import { IntlMessageFormat } from "intl-messageformat";
import { CATALOGUES, hintKey, labelKey, LANGUAGES, translatePhrase } from "./mod.ts";
import { RECORD_TYPES } from "../domain/catalog.ts";
import { ROLES } from "../auth/roles.ts";
import { CHANNELS, EVENT_KINDS } from "../notifications/events.ts";
import { OPTION_LISTS } from "../domain/option_lists.ts";
import { walk } from "../scripts/_walk.ts";
import { COMMAND_PALETTE_MESSAGES } from "../islands/CommandPalette.tsx";
import { PASSKEY_BUTTON_MESSAGES } from "../components/PasskeysCard.tsx";

type Node = { type: number; value?: string; options?: Record<string, { value: Node[] }> };

/** The argument names of an ICU message with their kinds: ["count:plural", "name:argument"]. */
function argumentsOf(source: string, locale: string): string[] {
  const kinds = ["literal", "argument", "number", "date", "time", "select", "plural", "pound"];
  const out = new Set<string>();
  const visit = (nodes: Node[]) => {
    for (const node of nodes) {
      if (node.value !== undefined && node.type >= 1 && node.type <= 6) {
        out.add(`${node.value}:${kinds[node.type]}`);
      }
      for (const option of Object.values(node.options ?? {})) visit(option.value);
    }
  };
  visit(new IntlMessageFormat(source, locale).getAst() as unknown as Node[]);
  return [...out].sort();
}

Deno.test("every catalogue has the same keys as English", () => {
  const english = Object.keys(CATALOGUES.en).sort();
  for (const language of LANGUAGES) {
    const keys = Object.keys(CATALOGUES[language]).sort();
    assert.deepEqual(english.filter((k) => !keys.includes(k)), [], `missing in ${language}`);
    assert.deepEqual(keys.filter((k) => !english.includes(k)), [], `only in ${language}`);
  }
});

Deno.test("every message parses and takes the same arguments in every language", () => {
  const differing: string[] = [];
  for (const [key, source] of Object.entries(CATALOGUES.en)) {
    const expected = argumentsOf(source, "en");
    for (const language of LANGUAGES) {
      const got = argumentsOf(CATALOGUES[language][key] ?? "", language);
      if (got.join() !== expected.join()) {
        differing.push(`${language} ${key}: ${got} ≠ ${expected}`);
      }
    }
  }
  assert.deepEqual(differing, []);
});

Deno.test("no message is empty", () => {
  const empty = LANGUAGES.flatMap((language) =>
    Object.entries(CATALOGUES[language]).filter(([, text]) => !text.trim()).map(([k]) =>
      `${language} ${k}`
    )
  );
  assert.deepEqual(empty, []);
});

Deno.test('every t("key") in the code exists in the English catalogue', async () => {
  const root = new URL("../", import.meta.url).pathname;
  const missing: string[] = [];
  let found = 0;
  for await (const path of walk(root)) {
    if (path.endsWith("_test.ts") || path.endsWith("_test.tsx")) continue;
    const text = await Deno.readTextFile(root + path);
    for (const m of text.matchAll(/\bt\(\s*"([a-z0-9_]+(?:\.[a-z0-9_]+)+)"/g)) {
      found++;
      if (CATALOGUES.en[m[1]!] === undefined) missing.push(`${path}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
  // The scan must see the calls it guards (a changed call style would silently pass otherwise).
  assert.deepEqual(found > 20, true, `only ${found} t("…") calls found`);
});

Deno.test("every built-in label of the record definitions has its key, in English as written", () => {
  const wrong: string[] = [];
  const check = (label: string) => {
    if (CATALOGUES.en[labelKey(label)] !== label) wrong.push(`${labelKey(label)} = ${label}`);
  };
  for (const def of RECORD_TYPES) {
    check(def.singular);
    check(def.plural);
    for (const f of [...def.fields, ...(def.lines?.fields ?? [])]) {
      check(f.label);
      if (f.group) check(f.group);
      if (f.hint && CATALOGUES.en[hintKey(f.hint)] !== f.hint) wrong.push(`${hintKey(f.hint)}`);
      for (const v of f.values ?? []) check(v.label);
    }
    for (const r of def.references) check(r.label);
  }
  assert.deepEqual(wrong, []);
});

Deno.test("every role, notification event, channel and option list has its name", () => {
  const keys = [
    ...ROLES.map((role) => `role.${role}`),
    ...EVENT_KINDS.map((kind) => `event.${kind}`),
    ...CHANNELS.map((channel) => `channel.${channel}`),
    ...OPTION_LISTS.map((list) => `option_list.${list.key}`),
  ];
  assert.deepEqual(keys.filter((key) => CATALOGUES.en[key] === undefined), []);
});

Deno.test("every message handed to an island exists", () => {
  const lists = { COMMAND_PALETTE_MESSAGES, PASSKEY_BUTTON_MESSAGES };
  const missing = Object.entries(lists).flatMap(([name, keys]) =>
    keys.filter((key) => CATALOGUES.en[key] === undefined).map((key) => `${name}: ${key}`)
  );
  assert.deepEqual(missing, []);
});

Deno.test("every fixed phrase written as <T>…</T> has its phrase.* key", async () => {
  const root = new URL("../", import.meta.url).pathname;
  const missing: string[] = [];
  for await (const path of walk(root)) {
    if (!path.endsWith(".tsx") || path.endsWith("_test.tsx")) continue;
    const text = await Deno.readTextFile(root + path);
    for (const m of text.matchAll(/<T>\s*([^<{}]+?)\s*<\/T>/g)) {
      if (translatePhrase("es", m[1]!) === undefined) missing.push(`${path}: ${m[1]}`);
    }
  }
  assert.deepEqual(missing, []);
});
