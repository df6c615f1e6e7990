/**
 * @module scripts/config_docs
 * `deno task config:docs`: writes the configuration reference and its help article from the
 * schema (customization/document/reference.ts), formatted as `deno fmt` would. The article's
 * translations (docs/help/<language>/) are written by hand; only their key table is rewritten
 * from the schema. CI fails when the committed files are stale
 * (customization/document/reference_test.ts compares them).
 */
import {
  configurationHelp,
  configurationReference,
  translatedConfigurationHelp,
} from "../customization/document/reference.ts";
import { LANGUAGES } from "../i18n/format.ts";

const root = new URL("../", import.meta.url);

/** Markdown as `deno fmt` leaves it (the repository's files are formatted). */
async function formatted(markdown: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    cwd: root,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(markdown));
  await writer.close();
  const out = await child.output();
  if (!out.success) throw new Error(new TextDecoder().decode(out.stderr));
  return new TextDecoder().decode(out.stdout);
}

const HELP_ARTICLE = "13_configuration_and_branding.md";

/** The generated files: path (from the repository root) to content. */
export async function generatedDocs(): Promise<Map<string, string>> {
  const docs = new Map([
    ["docs/configuration.md", await formatted(configurationReference())],
    [`docs/help/${HELP_ARTICLE}`, await formatted(configurationHelp())],
  ]);
  for (const language of LANGUAGES.filter((l) => l !== "en")) {
    const path = `docs/help/${language}/${HELP_ARTICLE}`;
    let translation: string;
    try {
      translation = await Deno.readTextFile(new URL(path, root));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) continue; // not translated yet: English is shown
      throw error;
    }
    docs.set(path, await formatted(translatedConfigurationHelp(translation, language)));
  }
  return docs;
}

if (import.meta.main) {
  for (const [path, text] of await generatedDocs()) {
    await Deno.writeTextFile(new URL(path, root), text);
    console.log(`Wrote ${path}.`);
  }
}
