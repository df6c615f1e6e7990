/**
 * @module data_rights/restore_cli
 * `deno task workspace:restore <archive.zip> --slug <new-slug> [--owner <e-mail>]`: restores a
 * workspace export into a NEW workspace (docs/operations/data_rights.md). The archive is verified
 * whole against its manifest before anything is written; a damaged or foreign one is refused and
 * nothing changes. Archived members who have an account here get their role back; `--owner`
 * names an existing account to own it when none of the archived owners has one.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { closeServices, createServices, type Services } from "../services.ts";
import { fileSource } from "./archive_reader.ts";
import { restoreNewWorkspace } from "./restore.ts";

const USAGE = "Usage: workspace:restore <archive.zip> --slug <new-slug> [--owner <e-mail>]";

/** Runs the command for `args`; returns the text to print and the exit code. */
export async function runRestore(
  args: string[],
  services: Services,
): Promise<{ code: number; output: string }> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { slug: { type: "string" }, owner: { type: "string" } },
  });
  const path = positionals[0];
  if (!path || positionals.length > 1 || !values.slug) return { code: 2, output: USAGE };
  try {
    await Deno.stat(path);
  } catch {
    return { code: 1, output: `There is no file ${path}.` };
  }
  const result = await restoreNewWorkspace(services, fileSource(path), {
    slug: values.slug,
    ownerEmail: values.owner,
  });
  const lines = [
    `Restored into ${result.slug} (${result.tenantId}): ${result.counts.rows} rows in ${result.counts.tables} tables, ${result.counts.files} files.`,
    `Members with their role back: ${result.restoredMembers.join(", ") || "none"}.`,
  ];
  if (result.missingMembers.length) {
    lines.push(`Not members (no account here; invite them): ${result.missingMembers.join(", ")}.`);
  }
  return { code: 0, output: lines.join("\n") };
}

if (import.meta.main) {
  const config = loadConfig();
  const services = await createServices({ ...config, LOG_LEVEL: "warn" });
  let code = 1;
  try {
    const result = await runRestore(Deno.args, services);
    (result.code === 0 ? console.log : console.error)(result.output);
    code = result.code;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
  } finally {
    await closeServices(services);
  }
  Deno.exit(code);
}
