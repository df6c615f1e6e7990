/**
 * @module routes/api/v1/search
 * `GET /api/v1/search?q=`: one query across every record of the tenant (names, numbers, MC, DOT
 * and EST numbers, contact names), best matches first.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { readableCollections } from "../../../auth/scopes.ts";
import {
  searchAll,
  shownSubtitle,
  titlesFromFormats,
  withShownTitles,
} from "../../../domain/records/search.ts";
import { recordTitle } from "../../../domain/records/repository.ts";
import { loadFormatSettings } from "../../../domain/format.ts";
import { formatsFor } from "../../../i18n/mod.ts";
import { recordType } from "../../../domain/catalog.ts";
import { recordTypeFor, recordTypeIn } from "../../../customization/terms.ts";
import { activeConfiguration } from "../../../customization/cache.ts";
import { apiLanguage } from "../../../i18n/middleware.ts";
import { InvalidError } from "../../../domain/errors.ts";
import { issuesByField } from "../../../domain/records/schema.ts";
import { describeRoute, listOf } from "../../../http/openapi.ts";

export const SearchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, "Type something to search for.").max(200).meta({
    description: "What to look for",
    example: "PO-10301",
  }),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const search = describeRoute({
  operationId: "searchRecords",
  tag: "Search",
  summary: "Search every record: names, numbers, MC, DOT and EST numbers, contacts",
  description: "A scoped API token finds only the record types it may read (`<type>:read`).",
  query: SearchQuerySchema,
  responses: {
    200: {
      description: "Best matches first",
      schema: listOf(z.object({
        collection: z.string(),
        id: z.string(),
        title: z.string(),
        subtitle: z.string(),
        snippet: z.string().meta({ description: "Plain text around the match" }),
        highlights: z.array(z.tuple([z.int(), z.int()])).meta({
          description: "Where the matched words sit in `snippet`: [start, end) in UTF-16 units",
        }),
        url: z.string().meta({ description: "The record's page, relative to the host" }),
      })),
      example: {
        data: [{
          collection: "purchase-orders",
          id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
          title: "PO-10301",
          subtitle: "Prairie Packers",
          snippet: "PO-10301 Beef trim 90CL",
          highlights: [[0, 8]],
          url: "/purchase-orders/01jd8x7k3m5n9p2q4r6s8t0v1w",
        }],
        next_cursor: null,
      },
    },
  },
  errors: [400, 403],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/search", tenantOnly());

app.get("/api/v1/search", search, requirePermission("records:read"), async (c) => {
  const parsed = SearchQuerySchema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new InvalidError("The query has problems.", issuesByField(parsed.error), 400);
  }
  const tenant = tenantOf(c);
  const { q, limit } = parsed.data;
  // A scoped token finds only the record types it may read.
  const auth = principalOf(c);
  const only = readableCollections(auth.scopes, auth.role);
  // Subtitles name the record type as the reader does (the palette's session reads the member's
  // language; a token client English unless it asks), in the workspace's words.
  const language = await apiLanguage(c);
  const config = (await activeConfiguration(c.get("services").readCache, tenant.db, tenant.id))
    .document;
  const body = await c.get("services").readCache.bytes(
    tenant.db,
    tenant.id,
    `search:${language}:${limit}:${only?.join(",") ?? "*"}:${q}`,
    async () => {
      const found = await searchAll(tenant.db, q, limit, only);
      // A payment's title (amount and date) in the reader's language and the workspace's formats.
      const format = titlesFromFormats(found)
        ? formatsFor(await loadFormatSettings(tenant.db, config.formats), language)
        : null;
      const hits = format
        ? await withShownTitles(tenant.db, found, (def, row) => recordTitle(def, row, format))
        : found;
      return JSON.stringify({
        data: hits.map((h) => {
          const def = recordType(h.collection);
          const subtitle = def
            ? shownSubtitle(
              h.subtitle,
              [def.singular, recordTypeFor(config, def).singular],
              recordTypeIn(config, def, language).singular,
            )
            : h.subtitle;
          return { ...h, subtitle, url: `/${h.collection}/${h.id}` };
        }),
        next_cursor: null,
      });
    },
  );
  return c.body(body, 200, { "content-type": "application/json" });
});

export default app;
