/**
 * @module routes/paperwork
 * Downloads of the broker's outgoing paperwork as PDFs: a page route for signed-in members
 * (`/invoices/:id/invoice.pdf`, ...) and the same under the API with a bearer token
 * (`/api/v1/invoices/:id/pdf`, ...). Every role that reads records may download.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, tenantOf } from "../http/env.ts";
import { memberPage, tenantOnly } from "../http/guards.ts";
import { requirePermission } from "../auth/middleware.ts";
import { isId } from "../db/ids.ts";
import { NotFoundError } from "../domain/errors.ts";
import { getCompanyDetails } from "../domain/company.ts";
import { PAPERWORK, type PaperworkCollection, renderPaperwork } from "../paperwork/mod.ts";
import { recordType } from "../domain/catalog.ts";
import { describeRoute, IdParams } from "../http/openapi.ts";
import { paperBrand } from "../customization/paper.ts";
import { brandPaper } from "../paperwork/brand.ts";
import { activeConfiguration } from "../customization/cache.ts";
import { words } from "../customization/terms.ts";
import { requireFeature } from "../customization/middleware.ts";

/** `rate confirmation` -> `RateConfirmation`, for operation ids. */
const pascal = (words: string) =>
  words.replace(/(^|\s+)(\w)/g, (_, __, ch: string) => ch.toUpperCase());

async function download(c: AppContext, collection: PaperworkCollection, label: string) {
  const id = c.req.param("id") ?? "";
  if (!isId(id)) throw new NotFoundError(`No such ${label}.`);
  const tenant = tenantOf(c);
  const company = await getCompanyDetails(tenant.db, tenant.name);
  const services = c.get("services");
  const brand = await paperBrand(
    { readCache: services.readCache, storage: services.storage },
    tenant,
  );
  const { document } = await activeConfiguration(services.readCache, tenant.db, tenant.id);
  const paper = await renderPaperwork(
    collection,
    tenant.db,
    id,
    company,
    (text) => words(document, text),
    undefined, // the party's language
    document,
  );
  const bytes = brand ? await brandPaper(paper.bytes, brand) : paper.bytes;
  const filename = paper.filename;
  return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
    "content-type": "application/pdf",
    "content-disposition": `attachment; filename="${filename}"`,
    "cache-control": "no-store",
  });
}

const app = new Hono<AppEnv>();

for (const { collection, slug, label } of PAPERWORK) {
  app.get(
    `/${collection}/:id/${slug}.pdf`,
    memberPage(),
    requirePermission("records:read"),
    requireFeature("paperwork"),
    (c) => download(c, collection, label),
  );
  app.get(
    `/api/v1/${collection}/:id/pdf`,
    describeRoute({
      operationId: `download${pascal(label)}Pdf`,
      tag: recordType(collection)!.plural,
      summary: `Download the ${label} as a PDF`,
      description: `The ${label} on the company letterhead of Settings → Company, as an ` +
        "attachment named after the record's number.",
      params: IdParams,
      responses: {
        200: {
          description: "The PDF",
          contentType: "application/pdf",
          schema: { type: "string", format: "binary" },
        },
      },
      errors: [403, 404],
    }),
    tenantOnly(),
    requirePermission("records:read"),
    (c) => download(c, collection, label),
  );
}

export default app;
