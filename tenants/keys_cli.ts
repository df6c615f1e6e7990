/**
 * @module tenants/keys_cli
 * Key rotation for operators (docs/operations/security.md):
 *
 *     deno task keys:rotate --tenant <slug>          queue it for the running server (no downtime)
 *     deno task keys:rotate --tenant <slug> --now    rotate here (only with the server stopped)
 *     deno task keys:rotate --master                 re-wrap every key under ENCRYPTION_MASTER_KEY_NEXT
 *
 * A tenant's database must be re-encrypted by the process that serves it (tenants/key_rotation.ts),
 * so by default this queues a job the server's workers run. Re-wrapping under a new master key
 * touches only the control database and `control.key`, so it runs here, the server running or not.
 */
import { parseArgs } from "node:util";
import { loadConfig } from "../config.ts";
import { closeServices, createServices, type Services } from "../services.ts";
import { enqueue } from "../workers/queue.ts";
import { ROTATE_TENANT_KEY_JOB, rotateMasterKey, rotateTenantKey } from "./key_rotation.ts";

const USAGE = `Usage:
  keys:rotate --tenant <slug> [--now]
  keys:rotate --master`;

/** Runs the command in `args`; returns what to print. */
export async function runKeysCli(args: string[], services: Services): Promise<string> {
  const { values } = parseArgs({
    args,
    options: {
      tenant: { type: "string" },
      now: { type: "boolean", default: false },
      master: { type: "boolean", default: false },
    },
  });
  if (values.master) {
    const r = await rotateMasterKey(services);
    return `Re-wrapped ${r.rewrapped} data keys and the root key under master key ${r.masterKeyId}; ` +
      `${r.remaining} remain under another key. Now set ENCRYPTION_MASTER_KEY to the new key ` +
      "and remove ENCRYPTION_MASTER_KEY_NEXT.";
  }
  if (!values.tenant) throw new Error(USAGE);
  const tenant = await services.registry.findBySlug(values.tenant);
  if (!tenant) throw new Error(`No workspace ${values.tenant}.`);
  if (values.now) {
    const version = await rotateTenantKey(services, tenant.id);
    return `${tenant.slug}: database re-encrypted under data key version ${version}.`;
  }
  const id = await enqueue(services.control, {
    kind: ROTATE_TENANT_KEY_JOB,
    tenantId: tenant.id,
    payload: { tenant_id: tenant.id },
  });
  return `${tenant.slug}: rotation queued as job ${id}; the running server does it within seconds ` +
    "(see /operator/jobs).";
}

if (import.meta.main) {
  const config = loadConfig();
  const services = await createServices({ ...config, LOG_LEVEL: "warn" });
  let code = 0;
  try {
    console.log(await runKeysCli(Deno.args, services));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    code = 1;
  } finally {
    await closeServices(services);
  }
  Deno.exit(code);
}
