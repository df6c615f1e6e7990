/**
 * @module routes/api/v1/records
 * REST for every record type under `/api/v1/<collection>`: list (cursor, filters, sort, search),
 * get, create, update (version or If-Match), archive, restore, delete and history. Bodies and
 * queries are validated by the same zod schemas that the OpenAPI document is built from.
 */
import { Hono } from "hono";
import { type AppContext, type AppEnv, tenantOf } from "../../../http/env.ts";
import {
  apiWrite,
  parseListQuery,
  recordContext,
  tenantRecordType,
  validateRecordBody,
} from "../../../http/records.ts";
import { nestCustomFields } from "../../../domain/records/custom_values.ts";
import { readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute } from "../../../http/openapi.ts";
import { recordDocs } from "./_record_docs.ts";
import { isId } from "../../../db/ids.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { RECORD_TYPES } from "../../../domain/catalog.ts";
import type { RecordDef } from "../../../domain/records/definition.ts";
import { createSchema, updateSchema } from "../../../domain/records/schema.ts";
import { queryKey } from "../../../domain/read_cache.ts";
import { matchBill } from "../../../domain/payables/match.ts";
import {
  createRecord,
  deleteRecord,
  getRecord,
  historyOf,
  listRecordsJson,
  setArchived,
  updateRecord,
} from "../../../domain/records/repository.ts";

function recordId(def: RecordDef, raw: string): string {
  if (!isId(raw)) throw new NotFoundError(`No such ${def.singular.toLowerCase()}.`);
  return raw;
}

/** `If-Match: "3"` (or W/"3") supplies the version when the body does not. */
function versionFromIfMatch(c: AppContext): number | undefined {
  const header = c.req.header("if-match");
  const m = header ? /^(?:W\/)?"?(\d+)"?$/.exec(header.trim()) : null;
  return m ? Number(m[1]) : undefined;
}

const app = new Hono<AppEnv>();

for (const def of RECORD_TYPES) {
  const base = `/api/v1/${def.collection}`;
  const docs = recordDocs(def);
  app.use(base, tenantOnly());
  app.use(`${base}/*`, tenantOnly());

  app.get(base, describeRoute(docs.list), requirePermission("records:read"), async (c) => {
    const raw = c.req.query();
    const own = await tenantRecordType(c, def);
    const query = parseListQuery(own, raw);
    const tenant = tenantOf(c);
    const body = await c.get("services").readCache.bytes(
      tenant.db,
      tenant.id,
      // Statuses such as "overdue" turn with the business day, so the day is part of the key.
      `list:${tenant.today}:${def.collection}?${queryKey(raw)}`,
      () => listRecordsJson(tenant.db, own, query),
    );
    return c.body(body, 200, { "content-type": "application/json" });
  });

  app.post(base, describeRoute(docs.create), requirePermission(def.permission), async (c) => {
    const own = await tenantRecordType(c, def);
    const input = validateRecordBody(createSchema(own), own, await readJson(c));
    const record = await apiWrite(own, () => createRecord(recordContext(c), own, input));
    c.header("Location", `${base}/${record.id}`);
    c.header("ETag", `"${record.version}"`);
    return c.json(nestCustomFields(own, record), 201);
  });

  app.get(`${base}/:id`, describeRoute(docs.get), requirePermission("records:read"), async (c) => {
    const db = tenantOf(c).db;
    const own = await tenantRecordType(c, def);
    const record = await getRecord(db, own, recordId(def, c.req.param("id")));
    // A bill says how it compares with its load or PO (computed now, never stored).
    if (def.collection === "bills") record.match = await matchBill(db, record);
    c.header("ETag", `"${record.version}"`);
    return c.json(nestCustomFields(own, record));
  });

  app.patch(
    `${base}/:id`,
    describeRoute(docs.update),
    requirePermission(def.permission),
    async (c) => {
      const id = recordId(def, c.req.param("id"));
      const body = await readJson(c);
      if (body && typeof body === "object" && !("version" in body)) {
        const version = versionFromIfMatch(c);
        if (version !== undefined) (body as Record<string, unknown>).version = version;
      }
      const own = await tenantRecordType(c, def);
      const input = validateRecordBody(updateSchema(own), own, body);
      const record = await apiWrite(own, () => updateRecord(recordContext(c), own, id, input));
      c.header("ETag", `"${record.version}"`);
      return c.json(nestCustomFields(own, record));
    },
  );

  app.post(
    `${base}/:id/archive`,
    describeRoute(docs.archive),
    requirePermission(def.permission),
    async (c) => {
      const id = recordId(def, c.req.param("id"));
      const own = await tenantRecordType(c, def);
      return c.json(nestCustomFields(own, await setArchived(recordContext(c), own, id, true)));
    },
  );

  app.post(
    `${base}/:id/restore`,
    describeRoute(docs.restore),
    requirePermission(def.permission),
    async (c) => {
      const id = recordId(def, c.req.param("id"));
      const own = await tenantRecordType(c, def);
      return c.json(nestCustomFields(own, await setArchived(recordContext(c), own, id, false)));
    },
  );

  app.delete(
    `${base}/:id`,
    describeRoute(docs.remove),
    requirePermission(def.permission),
    async (c) => {
      await deleteRecord(recordContext(c), def, recordId(def, c.req.param("id")));
      return c.body(null, 204);
    },
  );

  app.get(
    `${base}/:id/history`,
    describeRoute(docs.history),
    requirePermission("records:read"),
    async (c) => {
      const id = recordId(def, c.req.param("id"));
      await getRecord(tenantOf(c).db, def, id); // 404 for ids that are not here
      const retention = c.get("billing")?.entitlements.auditRetentionDays;
      const now = c.get("services").clock.now();
      const history = await historyOf(tenantOf(c).db, def.collection, id, retention, now);
      return c.json({
        data: history.entries,
        since: history.since,
        older_hidden: history.olderHidden,
      });
    },
  );
}

export default app;
