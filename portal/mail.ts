/**
 * @module portal/mail
 * The portal address an invoice e-mail carries: a link signed for the invoice and its customer,
 * valid for the tenant's chosen number of days, on the host the broker sent it from (the
 * tenant's subdomain or its own domain).
 */
import type { Executor } from "../db/transaction.ts";
import { signPortalToken } from "./links.ts";
import { linkDays } from "./view.ts";

/** The absolute address of the customer's portal page for one invoice. */
export async function portalUrl(
  db: Executor,
  input: { origin: string; tenantId: string; invoiceId: string; customerId: string; now: Date },
): Promise<string> {
  const token = await signPortalToken(db, {
    tenantId: input.tenantId,
    invoiceId: input.invoiceId,
    customerId: input.customerId,
    now: input.now,
    days: await linkDays(db),
  });
  return `${input.origin}/portal/${token}`;
}
