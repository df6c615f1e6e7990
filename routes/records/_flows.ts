/**
 * @module routes/records/_flows
 * What the flow pages and the flow API share: the mailing dependencies of a request (the PDF on
 * the tenant's letterhead, the outbox, links back to this workspace and to the customer's
 * portal, whether the acting member may mail outsiders at all) and the record schemas a flow's
 * create validates with.
 */
import { type AppContext, principalOf, tenantOf } from "../../http/env.ts";
import { can } from "../../auth/roles.ts";
import { ForbiddenError } from "../../domain/errors.ts";
import type { RecordDef } from "../../domain/records/definition.ts";
import { getCompanyDetails } from "../../domain/company.ts";
import { loadFormatSettings } from "../../domain/format.ts";
import type { MailingDeps } from "../../domain/flows/mailing.ts";
import { renderPaperwork } from "../../paperwork/mod.ts";
import { paperBrand } from "../../customization/paper.ts";
import { brandPaper } from "../../paperwork/brand.ts";
import { sendMail } from "../../mail/outbox.ts";
import { requestOrigin } from "../../mail/links.ts";
import type { RecordValues } from "../../domain/records/rows.ts";
import { portalUrl } from "../../portal/mail.ts";
import { paperWords } from "../../paperwork/language.ts";
import { messageInWords, words } from "../../customization/terms.ts";
import { activeConfiguration } from "../../customization/cache.ts";
import { addressConfirmed } from "../../domain/outside_mail.ts";

/**
 * The mailing dependencies of this request's tenant. Whether the acting member's own address is
 * confirmed is read from the control database (a session's or token's cached view may be older).
 */
export async function mailingDeps(c: AppContext): Promise<MailingDeps> {
  const tenant = tenantOf(c);
  const services = c.get("services");
  const [company, format, { document }, senderConfirmed] = await Promise.all([
    getCompanyDetails(tenant.db, tenant.name),
    loadFormatSettings(tenant.db),
    activeConfiguration(services.readCache, tenant.db, tenant.id),
    addressConfirmed(services.control, principalOf(c).userId),
  ]);
  const origin = requestOrigin(c);
  return {
    senderConfirmed,
    companyName: company.company_name || tenant.name,
    format,
    link: (path) => `${origin}${path}`,
    async renderPdf(collection, id, language = "en") {
      const paper = await renderPaperwork(
        collection,
        tenant.db,
        id,
        company,
        paperWords(language, (text) => words(document, text), document),
        language,
      );
      const brand = await paperBrand(
        { readCache: services.readCache, storage: services.storage },
        tenant,
      );
      return {
        filename: paper.filename,
        bytes: brand ? await brandPaper(paper.bytes, brand) : paper.bytes,
      };
    },
    translate: (language) => (key, args) => messageInWords(document, language, key, args),
    send: (mail) => sendMail(services, { ...mail, tenantId: tenant.id }),
    portalLink: (invoice) =>
      portalUrl(tenant.db, {
        origin,
        tenantId: tenant.id,
        invoiceId: invoice.id,
        customerId: invoice.customerId,
        now: services.clock.now(),
      }),
  };
}

/** Draft lines without what only the flow knows (a line's cost), as the record API takes them. */
export function recordLines(lines: unknown): RecordValues[] | undefined {
  if (!Array.isArray(lines)) return undefined;
  return lines.map((line) => {
    const { cost_cents: _cost, ...rest } = line as RecordValues;
    return rest;
  });
}

/** Refuses a flow to a role that cannot write its record type (the API checks the same). */
export function requireWriteOf(c: AppContext, def: RecordDef): void {
  const role = principalOf(c).role;
  if (!role || !can(role, def.permission)) {
    throw new ForbiddenError(`Your role cannot change ${def.plural.toLowerCase()}.`);
  }
}
