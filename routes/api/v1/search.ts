/**
 * @module routes/api/v1/search
 * `GET /api/v1/search?q=`: one query across every record of the tenant (names, numbers, MC, DOT
 * and EST numbers, contact names), best matches first.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, tenantOf } from "../../../http/env.ts";
import { tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { searchAll } from "../../../domain/records/search.ts";
import { cachedBytes } from "../../../domain/read_cache.ts";
import { InvalidError } from "../../../domain/errors.ts";
import { issuesByField } from "../../../domain/records/schema.ts";

export const SearchQuerySchema = z.strictObject({
  q: z.string().trim().min(1, "Type something to search for.").max(200),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

const app = new Hono<AppEnv>();
app.use("/api/v1/search", tenantOnly());

app.get("/api/v1/search", requirePermission("records:read"), async (c) => {
  const parsed = SearchQuerySchema.safeParse(c.req.query());
  if (!parsed.success) {
    throw new InvalidError("The query has problems.", issuesByField(parsed.error), 400);
  }
  const tenant = tenantOf(c);
  const { q, limit } = parsed.data;
  const body = await cachedBytes(tenant.db, tenant.id, `search:${limit}:${q}`, async () => {
    const hits = await searchAll(tenant.db, q, limit);
    return JSON.stringify({
      data: hits.map((h) => ({ ...h, url: `/${h.collection}/${h.id}` })),
      next_cursor: null,
    });
  });
  return c.body(body, 200, { "content-type": "application/json" });
});

export default app;
