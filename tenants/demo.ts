/**
 * @module tenants/demo
 * The demo workspace (`demo`) that a fresh start creates, so a newcomer sees a working app at
 * once. It is made through the same signup path as any tenant, then filled with sample data.
 * Its owner's address (a reserved `.test` one no one can receive mail at) is marked confirmed, so
 * the demo can send invoices, statements and rate confirmations, which need a confirmed sender
 * (domain/outside_mail.ts); a demo made before that rule is confirmed on the next start.
 */
import type { Services } from "../services.ts";
import { signup } from "./provision.ts";
import { seedDemoData } from "./demo_data.ts";
import { addDemoDocuments } from "./demo_documents.ts";
import { setPlan } from "../billing/admin.ts";
import { CompanyDetailsSchema, saveCompanyDetails } from "../domain/company.ts";
import { businessDay, DEFAULT_TIME_ZONE } from "../domain/clock.ts";

export const DEMO_SLUG = "demo";
export const DEMO_EMAIL = "demo@projectmeats.test";
export const DEMO_PASSWORD = "brisket-and-ribeye";
const DEMO_COMPANY = "Demo Meats Brokerage";

/** Creates the demo tenant and its sample data unless it exists. */
export async function ensureDemoTenant(
  services: Services,
): Promise<{ created: boolean; email: string; password: string }> {
  const existing = await services.registry.findBySlug(DEMO_SLUG);
  if (!existing) {
    const result = await signup(services, {
      company_name: DEMO_COMPANY,
      slug: DEMO_SLUG,
      owner_name: "Dana Demo",
      email: DEMO_EMAIL,
      password: DEMO_PASSWORD,
    });
    // The demo shows the full product, not a trial that turns read-only after 14 days.
    await setPlan(services, result.tenant.id, { plan: "professional", status: "active" });
    const lease = await services.pool.acquire(result.tenant.id, null);
    try {
      const today = businessDay(services.clock, DEFAULT_TIME_ZONE);
      await seedDemoData(lease.db, { ownerId: result.user.id, today, clock: services.clock });
      // A letterhead, so the demo's invoices and rate confirmations look like a broker's.
      await saveCompanyDetails(
        {
          db: lease.db,
          tenantId: result.tenant.id,
          tenantName: DEMO_COMPANY,
          userId: result.user.id,
          clock: services.clock,
        },
        services.registry,
        CompanyDetailsSchema.parse({
          company_name: DEMO_COMPANY,
          company_address: "1400 Stockyards Blvd, Suite 210",
          company_city: "Omaha",
          company_state: "NE",
          company_postal_code: "68107",
          company_country: "USA",
          company_phone: "(402) 555-0143",
          company_email: "billing@demo-meats.example",
          remittance_instructions:
            "Wire or ACH to First Prairie Bank, routing 104000016, account 7700123456, " +
            "reference the invoice number. Checks: PO Box 4410, Omaha NE 68104.",
          invoice_footer: "Thank you for your business. Claims within 24 hours of delivery.",
        }),
      );
      // Sample paperwork is a nicety: the demo starts without it rather than not at all.
      try {
        await addDemoDocuments(services, {
          tenantId: result.tenant.id,
          ownerId: result.user.id,
          db: lease.db,
          buyer: DEMO_COMPANY,
          today,
        });
      } catch (err) {
        services.log.warn("demo documents not added", {
          error: err instanceof Error ? err.message : String(err),
        });
      }
    } finally {
      lease.release();
    }
  }
  await services.control.execute({
    sql: `UPDATE users SET email_verified_at = ?
          WHERE lower(email) = ? AND email_verified_at IS NULL`,
    args: [services.clock.now().toISOString(), DEMO_EMAIL],
  });
  return { created: !existing, email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
