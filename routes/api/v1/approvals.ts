/**
 * @module routes/api/v1/approvals
 * The approval queue of tenant rules (domain/approvals/store.ts): list requests, approve or
 * reject one. Who may decide is the rule's role (or an owner), checked in the domain.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { isJsonType, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute } from "../../../http/openapi.ts";
import { validate } from "../../../http/records.ts";
import { isId } from "../../../db/ids.ts";
import { NotFoundError } from "../../../domain/errors.ts";
import { approvalsOf, decideApproval, listApprovals } from "../../../domain/approvals/store.ts";

const ApprovalJson = z.object({
  id: z.string(),
  collection: z.string(),
  record_id: z.string(),
  rule_name: z.string(),
  role: z.string(),
  message: z.string(),
  status: z.enum(["pending", "approved", "rejected"]),
  requested_by: z.string().nullable(),
  requested_at: z.string(),
  decided_by: z.string().nullable(),
  decided_by_name: z.string().nullable(),
  decided_at: z.string().nullable(),
  note: z.string(),
});

const EXAMPLE = {
  id: "01jf3k9m2q8r7t6v5w4x3y2z1a",
  collection: "purchase-orders",
  record_id: "01jf3k8a1b2c3d4e5f6g7h8j9k",
  rule_name: "Large PO approval",
  role: "admin",
  message: "A PO over $250,000 needs a second approver.",
  status: "approved",
  requested_by: "01jf3k7a1b2c3d4e5f6g7h8j9k",
  requested_at: "2026-10-01T14:05:00.000Z",
  decided_by: "01jf3k6a1b2c3d4e5f6g7h8j9k",
  decided_by_name: "Ada Admin",
  decided_at: "2026-10-01T15:10:00.000Z",
  note: "Checked the plant's capacity.",
};

const Params = z.object({ id: z.string().meta({ example: EXAMPLE.id }) });

const ListQuery = z.strictObject({
  status: z.enum(["pending", "approved", "rejected", "all"]).default("pending"),
  collection: z.string().max(40).optional(),
  record_id: z.string().max(40).optional(),
});

const DecisionBody = z.strictObject({
  note: z.string().trim().max(500).default("").meta({ example: "Checked with the plant." }),
});

const list = describeRoute({
  operationId: "listApprovals",
  tag: "Records",
  summary: "Approval requests of the tenant's rules: pending ones by default, or one record's",
  query: ListQuery,
  responses: {
    200: {
      description: "The requests",
      schema: z.object({ data: z.array(ApprovalJson) }),
      example: {
        data: [{
          ...EXAMPLE,
          status: "pending",
          decided_by: null,
          decided_by_name: null,
          decided_at: null,
          note: "",
        }],
      },
    },
  },
  errors: [400, 403],
});

const decision = (approve: boolean) =>
  describeRoute({
    operationId: approve ? "approveRequest" : "rejectRequest",
    tag: "Records",
    summary: approve
      ? "Approve a pending request (the rule's role or an owner, not the one who asked)"
      : "Reject a pending request (the rule's role or an owner)",
    params: Params,
    body: { schema: DecisionBody, example: { note: "Checked with the plant." }, optional: true },
    responses: {
      200: {
        description: "The decided request",
        schema: ApprovalJson,
        example: approve ? EXAMPLE : { ...EXAMPLE, status: "rejected" },
      },
    },
    errors: [403, 404, 409, 422],
  });

const app = new Hono<AppEnv>();
app.use("/api/v1/approvals", tenantOnly());
app.use("/api/v1/approvals/*", tenantOnly());

app.get("/api/v1/approvals", list, requirePermission("records:read"), async (c) => {
  const query = validate(ListQuery, c.req.query());
  const db = tenantOf(c).db;
  const data = query.collection && query.record_id
    ? (await approvalsOf(db, query.collection, query.record_id)).filter((a) =>
      query.status === "all" || a.status === query.status
    )
    : await listApprovals(db, query.status);
  return c.json({ data });
});

for (const approve of [true, false]) {
  app.post(
    `/api/v1/approvals/:id/${approve ? "approve" : "reject"}`,
    decision(approve),
    requirePermission("records:read"),
    async (c) => {
      const id = c.req.param("id");
      if (!isId(id)) throw new NotFoundError("No such approval request.");
      const raw = isJsonType(c.req.header("content-type") ?? "") ? await readJson(c) : {};
      const body = validate(DecisionBody, raw ?? {});
      const who = principalOf(c);
      const decided = await decideApproval(tenantOf(c).db, id, {
        approve,
        userId: who.userId!,
        userName: who.name ?? "",
        role: who.role,
        note: body.note,
        now: c.get("services").clock.now().toISOString(),
      });
      return c.json(decided);
    },
  );
}

export default app;
