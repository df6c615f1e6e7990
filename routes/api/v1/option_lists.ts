/**
 * @module routes/api/v1/option_lists
 * `GET /api/v1/option-lists` and `PUT /api/v1/option-lists/{list}` (admins): the tenant's
 * editable option lists (proteins, package types, terms, ...).
 */
import { Hono } from "hono";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import {
  listOptionLists,
  OptionListInputSchema,
  replaceOptionList,
} from "../../../domain/option_values.ts";
import { validate } from "./records.ts";

const app = new Hono<AppEnv>();
app.use("/api/v1/option-lists", tenantOnly());
app.use("/api/v1/option-lists/*", tenantOnly());

app.get("/api/v1/option-lists", requirePermission("records:read"), async (c) => {
  return c.json({ data: await listOptionLists(tenantOf(c).db), next_cursor: null });
});

app.put("/api/v1/option-lists/:list", requirePermission("settings:manage"), async (c) => {
  const { values } = validate(OptionListInputSchema, await readJson(c));
  const list = await replaceOptionList(
    tenantOf(c).db,
    c.req.param("list"),
    values,
    principalOf(c).userId,
  );
  return c.json(list);
});

export default app;
