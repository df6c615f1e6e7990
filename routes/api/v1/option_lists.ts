/**
 * @module routes/api/v1/option_lists
 * `GET /api/v1/option-lists` and `PUT /api/v1/option-lists/{list}` (admins): the tenant's
 * editable option lists (proteins, package types, terms, ...).
 */
import { Hono } from "hono";
import { recordSecurityEvent } from "../../../security/events.ts";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import {
  listOptionLists,
  OptionListInputSchema,
  replaceOptionList,
} from "../../../domain/option_values.ts";
import { validate } from "../../../http/records.ts";
import { describeRoute, listOf } from "../../../http/openapi.ts";
import { z } from "zod";

const OptionListJson = z.object({
  key: z.string(),
  label: z.string(),
  values: z.array(z.string()),
});

const PROTEINS = { key: "protein", label: "Proteins", values: ["Beef", "Pork", "Chicken"] };

const list = describeRoute({
  operationId: "listOptionLists",
  tag: "Settings",
  summary: "The option lists (proteins, package types, terms, ...) and their values",
  responses: {
    200: {
      description: "Every option list",
      schema: listOf(OptionListJson),
      example: { data: [PROTEINS], next_cursor: null },
    },
  },
  errors: [403],
});

const replace = describeRoute({
  operationId: "replaceOptionList",
  tag: "Settings",
  summary: "Replace an option list's values (admins); records keep the values they stored",
  params: z.object({ list: z.string().max(60).meta({ example: "protein" }) }),
  body: { schema: OptionListInputSchema, example: { values: ["Beef", "Pork", "Chicken"] } },
  responses: { 200: { description: "The list", schema: OptionListJson, example: PROTEINS } },
  errors: [400, 403, 404, 415, 422],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/option-lists", tenantOnly());
app.use("/api/v1/option-lists/*", tenantOnly());

app.get("/api/v1/option-lists", list, requirePermission("records:read"), async (c) => {
  return c.json({ data: await listOptionLists(tenantOf(c).db), next_cursor: null });
});

app.put("/api/v1/option-lists/:list", replace, requirePermission("settings:manage"), async (c) => {
  const { values } = validate(OptionListInputSchema, await readJson(c));
  const list = await replaceOptionList(
    tenantOf(c).db,
    c.req.param("list"),
    values,
    principalOf(c).userId,
    c.get("services").clock,
  );
  await recordSecurityEvent(c, {
    action: "settings.option_list_changed",
    target: c.req.param("list"),
    details: { values },
  });
  return c.json(list);
});

export default app;
