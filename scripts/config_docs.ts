/**
 * @module scripts/config_docs
 * `deno task config:docs`: writes the configuration reference and its help article from the
 * schema (customization/document/reference.ts), formatted as `deno fmt` would. CI fails when the
 * committed files are stale (customization/document/reference_test.ts compares them).
 */
import { configurationHelp, configurationReference } from "../customization/document/reference.ts";

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

/** The generated files: path (from the repository root) to content. */
export async function generatedDocs(): Promise<Map<string, string>> {
  return new Map([
    ["docs/configuration.md", await formatted(configurationReference())],
    ["docs/help/13_configuration_and_branding.md", await formatted(configurationHelp())],
  ]);
}

if (import.meta.main) {
  for (const [path, text] of await generatedDocs()) {
    await Deno.writeTextFile(new URL(path, root), text);
    console.log(`Wrote ${path}.`);
  }
}
