import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, tenantOf } from "../../../http/env.ts";
import { tenantOnly } from "../../../http/guards.ts";
import { parseQuery } from "../../../http/query.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute, listOf } from "../../../http/openapi.ts";
import {
  listSecurityEvents,
  SecurityEventJson,
  SecurityEventQuery,
} from "../../../security/list.ts";
import { verifyRecordedChain } from "../../../security/verify.ts";

const EVENT_EXAMPLE = {
  seq: 42,
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  at: "2026-03-31T14:05:09.000Z",
  actor_user_id: null,
  actor_email: "dana@acme-meats.example",
  ip: "203.0.113.7",
  user_agent: "Mozilla/5.0",
  action: "auth.sign_in_failed",
  target: null,
  details: { reason: "The e-mail or password is not right.", status: 401 },
  prev_hash: "9f2c…",
  hash: "41ab…",
};

const VerifyJson = z.object({
  intact: z.boolean(),
  entries: z.number().int().meta({ description: "Entries kept (older ones pruned by plan)" }),
  first_seq: z.number().int().nullable().optional(),
  last_seq: z.number().int().nullable().optional(),
  broken_at: z.object({
    seq: z.number().int(),
    id: z.string().nullable(),
    why: z.enum(["altered", "missing", "out_of_order", "truncated", "tail_forged"]).meta({
      description: "truncated: the chain ends before (or differs at) the newest entry recorded " +
        "apart from it, so its last entries were removed",
    }),
    message: z.string(),
  }).optional().meta({ description: "The first broken entry, when the chain is not intact." }),
});

const listEvents = describeRoute({
  operationId: "listSecurityEvents",
  tag: "Security",
  summary: "The workspace's security audit log, newest first (owners and admins)",
  query: SecurityEventQuery,
  responses: {
    200: {
      description: "One page of events",
      schema: listOf(SecurityEventJson),
      example: { data: [EVENT_EXAMPLE], next_cursor: "41" },
    },
  },
  errors: [400, 403],
});

const verify = describeRoute({
  operationId: "verifySecurityEvents",
  tag: "Security",
  summary: "Check the audit log's hash chain: intact, or the first broken entry",
  responses: {
    200: {
      description: "The outcome",
      schema: VerifyJson,
      example: { intact: true, entries: 42, first_seq: 1, last_seq: 42 },
    },
  },
  errors: [403],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/security/*", tenantOnly());

app.get("/api/v1/security/events", listEvents, requirePermission("settings:manage"), async (c) => {
  const tenant = tenantOf(c);
  const filters = parseQuery(SecurityEventQuery, c.req.query());
  return c.json(await listSecurityEvents(tenant.db, filters, tenant.timeZone));
});

app.get("/api/v1/security/verify", verify, requirePermission("settings:manage"), async (c) => {
  const tenant = tenantOf(c);
  const result = await verifyRecordedChain(
    tenant.db,
    c.get("services").control,
    tenant.id,
    c.get("services").tenantKeys,
  );
  if (result.intact) {
    return c.json({
      intact: true,
      entries: result.entries,
      first_seq: result.firstSeq,
      last_seq: result.lastSeq,
    });
  }
  const { seq, id, why, message } = result;
  return c.json({ intact: false, entries: result.entries, broken_at: { seq, id, why, message } });
});

export default app;
