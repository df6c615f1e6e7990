/**
 * @module routes/activity
 * The record page's Activity forms: add a note, log a call, mark a follow-up done. Each answers
 * with a redirect back to the record's Activity card; a refused input comes back as a message.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../http/env.ts";
import { memberPage, readBody, safeNext } from "../http/guards.ts";
import { flashParams } from "../http/flash.ts";
import { can } from "../auth/roles.ts";
import { ForbiddenError } from "../domain/errors.ts";
import { RECORD_TYPES } from "../domain/catalog.ts";
import type { RecordDef } from "../domain/records/definition.ts";
import { getRecord } from "../domain/records/repository.ts";
import { CallSchema, completeFollowUp, logCall, NoteSchema } from "../domain/activity/mod.ts";
import { postNote } from "../notifications/notes.ts";
import { languageOf, tOf } from "../i18n/middleware.ts";
import { translateRecordType } from "../i18n/records.ts";

function requireWrite(c: AppContext, def: RecordDef): void {
  const role = principalOf(c).role;
  if (!role || !can(role, def.permission)) {
    throw new ForbiddenError(
      tOf(c)("activity_page.role_cannot_add", {
        types: translateRecordType(def, languageOf(c)).plural.toLowerCase(),
      }),
    );
  }
}

function back(c: AppContext, def: RecordDef, error?: string): Response {
  const id = c.req.param("id");
  const query = error ? `?${new URLSearchParams(flashParams(c, "error", error))}` : "";
  return c.redirect(`/${def.collection}/${id}${query}#activity`, 303);
}

const app = new Hono<AppEnv>();

for (const def of RECORD_TYPES) {
  const base = `/${def.collection}/:id`;
  app.use(`${base}/notes`, memberPage());
  app.use(`${base}/calls`, memberPage());

  app.post(`${base}/notes`, async (c) => {
    requireWrite(c, def);
    const parsed = NoteSchema.safeParse(await readBody(c));
    if (!parsed.success) return back(c, def, parsed.error.issues[0]?.message);
    const tenant = tenantOf(c);
    const auth = principalOf(c);
    await postNote(
      { services: c.get("services"), tenantId: tenant.id, db: tenant.db },
      def,
      c.req.param("id") ?? "",
      parsed.data.body,
      { userId: auth.userId, name: auth.name },
    );
    return back(c, def);
  });

  app.post(`${base}/calls`, async (c) => {
    requireWrite(c, def);
    const parsed = CallSchema.safeParse(await readBody(c));
    if (!parsed.success) return back(c, def, parsed.error.issues[0]?.message);
    const db = tenantOf(c).db;
    const id = c.req.param("id") ?? "";
    await getRecord(db, def, id);
    await logCall(db, { entity: def.collection, entityId: id }, parsed.data, {
      userId: principalOf(c).userId,
      at: c.get("services").clock.now().toISOString(),
    });
    return back(c, def);
  });
}

app.use("/follow-ups/*", memberPage());
app.post("/follow-ups/:id/done", async (c) => {
  const role = principalOf(c).role;
  if (!role || !can(role, "records:write")) throw new ForbiddenError();
  const body = await readBody(c);
  await completeFollowUp(
    tenantOf(c).db,
    c.req.param("id"),
    c.get("services").clock.now().toISOString(),
  );
  return c.redirect(safeNext(typeof body.next === "string" ? body.next : "/"), 303);
});

export default app;
