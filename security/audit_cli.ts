/**
 * @module security/audit_cli
 * `deno task audit:verify <tenant-slug>` verifies a workspace's security audit chain;
 * `deno task audit:verify --operator` the operators' chain in the control database. Prints the
 * outcome and exits 0 when the chain is intact, 1 when it is broken or the workspace is unknown.
 * Both compare the chain's end with the tail recorded in the control database
 * (security/chain_tail.ts). `--accept-tail` records the chain's current end as its tail, for an
 * operator who knows why it is shorter (a workspace restored from a backup), then verifies.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { migrate } from "../db/migrate.ts";
import { closeServices, createServices, type Services } from "../services.ts";
import { OPERATORS_CHAIN, resetChainTail } from "./chain_tail.ts";
import { type ChainVerification, verifyRecordedChain } from "./verify.ts";

const USAGE = "Usage: audit:verify <tenant-slug> | audit:verify --operator [--accept-tail]";

/** Verifies the chain the arguments name; returns the text to print and the exit code. */
export async function runAuditVerify(
  args: string[],
  services: Pick<Services, "control" | "registry" | "provider" | "clock" | "tenantKeys">,
): Promise<{ code: number; output: string }> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { operator: { type: "boolean" }, "accept-tail": { type: "boolean" } },
  });
  const accept = (db: Services["control"], chain: string) =>
    values["accept-tail"]
      ? resetChainTail(
        { control: services.control, chain, keys: services.tenantKeys },
        db,
        services.clock.now(),
      )
      : Promise.resolve();
  if (values.operator && positionals.length === 0) {
    await accept(services.control, OPERATORS_CHAIN);
    return report(
      "operators' chain",
      await verifyRecordedChain(
        services.control,
        services.control,
        OPERATORS_CHAIN,
        services.tenantKeys,
      ),
    );
  }
  const slug = positionals[0];
  if (!slug || positionals.length > 1 || values.operator) return { code: 1, output: USAGE };
  const tenant = await services.registry.findBySlug(slug);
  if (!tenant) return { code: 1, output: `No workspace has the address ${slug}.` };
  // Opened directly (not through a server's pool), migrated like the pool would.
  const db = await services.provider.open(tenant.id, tenant.dbUrl);
  try {
    await migrate(db, "tenant");
    await accept(db, tenant.id);
    return report(
      `${slug}'s chain`,
      await verifyRecordedChain(db, services.control, tenant.id, services.tenantKeys),
    );
  } finally {
    db.close();
  }
}

function report(name: string, result: ChainVerification): { code: number; output: string } {
  if (result.intact) {
    const range = result.firstSeq === null
      ? "no entries"
      : `${result.entries} entries, ${result.firstSeq} to ${result.lastSeq}`;
    return { code: 0, output: `Intact: ${name} (${range}).` };
  }
  return {
    code: 1,
    output: `BROKEN: ${name} at entry ${result.seq}${
      result.id ? ` (${result.id})` : ""
    }, ${result.why}. ${result.message}`,
  };
}

if (import.meta.main) {
  const config = loadConfig();
  const services = await createServices({ ...config, LOG_LEVEL: "warn" });
  let code = 1;
  try {
    const result = await runAuditVerify(Deno.args, services);
    (result.code === 0 ? console.log : console.error)(result.output);
    code = result.code;
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
  } finally {
    await closeServices(services);
  }
  Deno.exit(code);
}
