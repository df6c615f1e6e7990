/**
 * @module routes/api/v1/custom_fields
 * Stored values of custom fields the configuration no longer declares: list them, and purge one
 * field's values for good (customization/fields.ts). Declaring fields is the configuration's job.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, tenantOf } from "../../../http/env.ts";
import { readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute } from "../../../http/openapi.ts";
import { validate } from "../../../http/records.ts";
import { activeConfiguration } from "../../../customization/cache.ts";
import { orphanedFields, purgeCustomField } from "../../../customization/fields.ts";

const Orphaned = z.object({
  data: z.array(z.object({ collection: z.string(), key: z.string(), records: z.number() })),
});

const PurgeBody = z.strictObject({
  collection: z.string().min(1).max(40).meta({ example: "loads" }),
  key: z.string().min(1).max(40).meta({ example: "container" }),
});

const list = describeRoute({
  operationId: "listOrphanedCustomFields",
  tag: "Settings",
  summary: "Custom field values kept after their field was removed from the configuration",
  responses: {
    200: {
      description: "Each removed field with the number of records holding it",
      schema: Orphaned,
      example: { data: [{ collection: "loads", key: "container", records: 42 }] },
    },
  },
  errors: [403],
});

const purge = describeRoute({
  operationId: "purgeCustomField",
  tag: "Settings",
  summary: "Delete a removed custom field's values from every record (owners and admins)",
  body: { schema: PurgeBody, example: { collection: "loads", key: "container" } },
  responses: {
    200: {
      description: "How many records lost the value",
      schema: z.object({ records: z.number() }),
      example: { records: 42 },
    },
  },
  errors: [403, 404, 409, 422],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/custom-fields/*", tenantOnly());

app.get("/api/v1/custom-fields/orphaned", list, requirePermission("records:read"), async (c) => {
  const tenant = tenantOf(c);
  const config = await activeConfiguration(c.get("services").readCache, tenant.db, tenant.id);
  return c.json({ data: await orphanedFields(tenant.db, config.document.custom_fields) });
});

app.post(
  "/api/v1/custom-fields/purge",
  purge,
  requirePermission("settings:manage"),
  async (c) => {
    const body = validate(PurgeBody, await readJson(c));
    const tenant = tenantOf(c);
    const config = await activeConfiguration(c.get("services").readCache, tenant.db, tenant.id);
    const records = await purgeCustomField(
      tenant.db,
      config.document.custom_fields,
      body.collection,
      body.key,
    );
    return c.json({ records });
  },
);

export default app;
