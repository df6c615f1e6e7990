/**
 * @module storage/seal_cli
 * `deno task files:seal <tenant-slug>` or `--all`: encrypts the files of workspaces that may still
 * hold plain files from before encryption at rest, and ends their allowance
 * (storage/seal_plain_files.ts). Prints one line per workspace; exits 1 when one could not be
 * sealed.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { closeServices, createServices, type Services } from "../services.ts";
import { sealPlainFiles } from "./seal_plain_files.ts";

const USAGE = "Usage: files:seal <tenant-slug> | files:seal --all";

/** Seals what the arguments name; returns the text to print and the exit code. */
export async function runSealFiles(
  args: string[],
  services: Pick<Services, "control" | "registry" | "storage" | "tenantKeys">,
): Promise<{ code: number; output: string }> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { all: { type: "boolean" } },
  });
  let ids: string[];
  if (values.all && positionals.length === 0) {
    const rs = await services.control.execute("SELECT tenant_id FROM plain_file_allowances");
    ids = rs.rows.map((r) => String(r.tenant_id));
  } else if (!values.all && positionals.length === 1) {
    const tenant = await services.registry.findBySlug(positionals[0]!);
    if (!tenant) return { code: 1, output: `No workspace has the address ${positionals[0]}.` };
    ids = [tenant.id];
  } else {
    return { code: 1, output: USAGE };
  }
  const lines: string[] = [];
  let code = 0;
  for (const id of ids) {
    try {
      const r = await sealPlainFiles(services.storage, services.tenantKeys, id);
      if (!r.ended) {
        code = 1;
        lines.push(`${id}: the file storage cannot be listed; its allowance stays.`);
      } else {
        lines.push(`${id}: sealed ${r.sealed} plain file(s), ${r.encrypted} already encrypted.`);
      }
    } catch (err) {
      code = 1;
      lines.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return { code, output: lines.join("\n") || "No workspace holds plain files." };
}

if (import.meta.main) {
  const config = loadConfig();
  const services = await createServices({ ...config, LOG_LEVEL: "warn" });
  let code = 1;
  try {
    const result = await runSealFiles(Deno.args, services);
    (result.code === 0 ? console.log : console.error)(result.output);
    code = result.code;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
  } finally {
    await closeServices(services);
  }
  Deno.exit(code);
}
