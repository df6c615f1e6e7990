import assert from "node:assert/strict";
import {
  COLOUR_KEYS,
  COLOUR_TOKENS,
  ConfigurationSchema,
  DEFAULT_CONFIGURATION,
} from "./schema.ts";
import { contrastFailures } from "./contrast.ts";

Deno.test("COLOUR_TOKENS names every colour key once, in order", () => {
  assert.deepEqual(COLOUR_TOKENS.map((t) => t.key), [...COLOUR_KEYS]);
});

Deno.test("the built-in light and dark palettes pass the contrast rule", () => {
  assert.deepEqual(contrastFailures(DEFAULT_CONFIGURATION.branding.colors), []);
  assert.deepEqual(contrastFailures(DEFAULT_CONFIGURATION.branding.dark_colors), []);
});

Deno.test("colours are read in lower case and trimmed; an empty document is the built-in one", () => {
  const parsed = ConfigurationSchema.parse({ branding: { colors: { primary: " #1F6F43 " } } });
  assert.equal(parsed.branding.colors.primary, "#1f6f43");
  assert.deepEqual(ConfigurationSchema.parse({}), DEFAULT_CONFIGURATION);
  assert.ok(!ConfigurationSchema.safeParse({ format: 2 }).success);
});

Deno.test("a document that is not an object is refused with an issue at its root, never a crash", () => {
  for (const input of [[], "text", 5, null, true]) {
    const result = ConfigurationSchema.safeParse(input);
    assert.equal(result.success, false, JSON.stringify(input));
    assert.deepEqual(result.error!.issues.map((i) => i.path), [[]], JSON.stringify(input));
  }
});
