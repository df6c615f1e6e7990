/**
 * What a process loads before it serves. Some libraries are needed only by a few requests or
 * settings (passkeys, PDFs, mail, Redis, OpenAI, OCR, PDF reading); each is imported where it is
 * first used, so a process that never needs one neither waits for it at start nor keeps it in
 * memory (together ~0.4 s of start-up and ~30 MB resident, docs/benchmarks.md). A static import
 * of one of them anywhere in the app's module graph would quietly bring that cost back.
 */
import assert from "node:assert/strict";

/** Loaded only on first use, by a dynamic import in the module that uses it. */
const LOADED_ON_FIRST_USE = [
  "@simplewebauthn/server",
  "pdf-lib",
  "nodemailer",
  "ioredis",
  "openai",
  "tesseract.js",
  "unpdf",
];

interface GraphModule {
  specifier: string;
  dependencies?: Array<{ isDynamic?: boolean; code?: { specifier?: string } }>;
}

/** The npm packages `entry` reaches through static imports, each with the module importing it. */
async function staticNpmImports(entry: string): Promise<Map<string, string>> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.ok(out.success, new TextDecoder().decode(out.stderr));
  const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    roots: string[];
    modules: GraphModule[];
  };
  const modules = new Map(graph.modules.map((m) => [m.specifier, m]));
  const packages = new Map<string, string>();
  const seen = new Set<string>();
  const pending = [...graph.roots];
  while (pending.length > 0) {
    const specifier = pending.pop()!;
    if (seen.has(specifier)) continue;
    seen.add(specifier);
    for (const dep of modules.get(specifier)?.dependencies ?? []) {
      const target = dep.code?.specifier;
      if (!target || dep.isDynamic) continue;
      if (target.startsWith("npm:")) {
        // npm:/name@1.2.3/sub, npm:name@^1, npm:@scope/name@^1 -> the package's name
        const bare = target.slice(4).replace(/^\//, "");
        const name = bare.startsWith("@")
          ? bare.split("/").slice(0, 2).join("/").replace(/@[^@/]*$/, "")
          : bare.split(/[@/]/)[0]!;
        if (!packages.has(name)) packages.set(name, specifier);
      } else pending.push(target);
    }
  }
  return packages;
}

for (const entry of ["main.ts", "workers/main.ts"]) {
  Deno.test(`${entry} loads the libraries only some requests need on first use, not at start`, async () => {
    const packages = await staticNpmImports(new URL(`../${entry}`, import.meta.url).pathname);
    // The walk itself works: the libraries every request needs are found.
    for (const always of ["hono", "zod", "libsql"]) {
      assert.ok(packages.has(always), `${always} not found in ${entry}'s static imports`);
    }
    for (const name of LOADED_ON_FIRST_USE) {
      assert.equal(
        packages.get(name),
        undefined,
        `${name} is imported statically (by ${packages.get(name)}); import it where it is used`,
      );
    }
  });
}
