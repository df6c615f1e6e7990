import assert from "node:assert/strict";
import { generatedDocs } from "../../scripts/config_docs.ts";
import { referenceKeys, translatedConfigurationHelp } from "./reference.ts";
import { COLOUR_TOKENS } from "./schema.ts";

Deno.test("the committed configuration reference and help article match the schema (run deno task config:docs)", async () => {
  for (const [path, text] of await generatedDocs()) {
    const committed = await Deno.readTextFile(new URL(`../../${path}`, import.meta.url));
    assert.equal(committed, text, `${path} is stale: run ./scripts/deno task config:docs`);
  }
});

Deno.test("the reference lists every key with its type, default, description and example", () => {
  const keys = referenceKeys();
  const paths = keys.map((k) => k.path);
  for (const t of COLOUR_TOKENS) {
    assert.ok(paths.includes(`branding.colors.${t.key}`), t.key);
    assert.ok(paths.includes(`branding.dark_colors.${t.key}`), t.key);
  }
  const appearance = keys.find((k) => k.path === "branding.appearance")!;
  assert.equal(appearance.allowed, "`automatic`, `light`, `dark`");
  assert.equal(appearance.defaultValue, "automatic");
  for (const k of keys) {
    assert.ok(k.description, `${k.path} has a description`);
    assert.notEqual(k.example, undefined, `${k.path} has an example`);
    assert.notEqual(k.defaultValue, undefined, `${k.path} has a default`);
  }
});

Deno.test("a translated configuration article keeps its own words and gets the key table from the schema", () => {
  const translation = [
    "# Configuración y marca",
    "",
    "| ejemplo | a mano |",
    "| --- | --- |",
    "| queda | igual |",
    "",
    "## Todas las opciones",
    "",
    "| setting | default | choices | what it does |",
    "| --- | --- | --- | --- |",
    "| `vieja.opcion` | `x` | text | stale |",
    "",
    "Esta lista se hace a partir de la configuración.",
    "",
  ].join("\n");
  const out = translatedConfigurationHelp(translation, "es");
  assert.ok(out.startsWith(translation.split("## Todas")[0]!), "the text before is kept");
  assert.ok(out.endsWith("\n\nEsta lista se hace a partir de la configuración.\n"));
  assert.match(out, /\| ajuste \| valor predeterminado \| opciones \| qué hace \|/);
  assert.doesNotMatch(out, /vieja\.opcion|\| setting \|/);
  for (const k of referenceKeys().filter((k) => k.path !== "format")) {
    assert.ok(out.includes(`| \`${k.path}\` |`), k.path);
  }
  assert.match(out, /`branding\.logo` \| ninguno \| una imagen subida, o ninguna \|/);
  assert.throws(() => translatedConfigurationHelp("# Sin tabla\n", "es"), /no key table/);
});
