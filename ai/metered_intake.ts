/**
 * @module ai/metered_intake
 * Taking in a tenant's uploads: each file is checked against the plan's monthly document
 * allowance, stored and queued for reading (domain/documents/intake.ts), and counted when it is
 * new (a duplicate of an earlier upload costs nothing). The API and the upload page call this, so
 * no handler meters usage (the pattern of assistant/metered.ts).
 */
import type { Client } from "../db/client.ts";
import type { Services } from "../services.ts";
import { mayUse, recordUsage } from "../billing/entitlements.ts";
import { entitlementError } from "../billing/errors.ts";
import { intakeDocument } from "../domain/documents/intake.ts";
import type { DocumentRecord } from "../domain/documents/repository.ts";
import { imageLimits } from "../domain/documents/image_size.ts";

/** Stores and queues `files` for the tenant in order; 402 once the month's allowance is used. */
export async function intakeForTenant(
  services: Services,
  tenant: { id: string; db: Client },
  userId: string | null,
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>,
): Promise<Array<{ document: DocumentRecord; duplicate: boolean }>> {
  const out = [];
  for (const file of files) {
    const decision = await mayUse(services, tenant.id, "documentsPerMonth", 1);
    if (!decision.allowed) throw entitlementError(decision);
    const result = await intakeDocument({
      db: tenant.db,
      control: services.control,
      storage: services.storage,
      tenantId: tenant.id,
      userId,
      maxBytes: services.config.DOCUMENT_MAX_BYTES,
      imageLimits: imageLimits(services.config),
      clock: services.clock,
    }, file);
    if (!result.duplicate) await recordUsage(services, tenant.id, "documentsPerMonth", 1);
    out.push(result);
  }
  return out;
}
