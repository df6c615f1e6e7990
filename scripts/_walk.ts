/** The project's TypeScript sources, as paths relative to `root` (generated output excluded). */
export async function* walk(root: string, dir = ""): AsyncGenerator<string> {
  const skip = new Set([".git", ".tools", "node_modules", "data", "cov", "_build", "_islands"]);
  for await (const entry of Deno.readDir(root + dir)) {
    if (skip.has(entry.name)) continue;
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory) yield* walk(root, path);
    else if (/\.tsx?$/.test(entry.name)) yield path;
  }
}
