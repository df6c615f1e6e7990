/**
 * @module routes/api/v1/exports
 * The workspace's data rights over the API (owners only): start an export, follow its progress,
 * make a download link and download the archive; schedule or cancel the workspace's deletion
 * (with a session, after re-entering the password).
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { describeRoute, IdSchema, listOf } from "../../../http/openapi.ts";
import { ForbiddenError, NotFoundError } from "../../../domain/errors.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import { requestOrigin } from "../../../mail/links.ts";
import {
  archiveStream,
  createDownloadLink,
  exportForLink,
  findExport,
  listExports,
  requestExport,
  type WorkspaceExport,
} from "../../../data_rights/exports.ts";
import {
  cancelDeletion,
  type PendingDeletion,
  pendingDeletion,
  requestDeletion,
} from "../../../data_rights/deletion.ts";

const ExportJson = z.object({
  id: z.string(),
  status: z.enum(["queued", "running", "ready", "failed", "expired"]),
  reason: z.enum(["owner", "final"]).meta({
    description: "owner: asked for; final: made when the workspace's deletion was requested",
  }),
  progress: z.object({ done: z.number().int(), total: z.number().int() }).meta({
    description: "Parts written (tables and files) out of all of them",
  }),
  bytes: z.number().int().nullable(),
  sha256: z.string().nullable().meta({ description: "SHA-256 of the whole archive" }),
  error: z.string().nullable(),
  created_at: z.iso.datetime(),
  finished_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable().meta({
    description: "When the archive and its links are deleted (7 days after it was made)",
  }),
});

const EXPORT_EXAMPLE = {
  id: "01jf3q6v8n2m4k5h7g9d0c1b2a",
  status: "ready",
  reason: "owner",
  progress: { done: 41, total: 41 },
  bytes: 1843202,
  sha256: "9f2c1b7e0d4a4c3f8e6b5a29170d3c4b8a7f6e5d4c3b2a1908f7e6d5c4b3a291",
  error: null,
  created_at: "2026-12-06T08:00:00.000Z",
  finished_at: "2026-12-06T08:00:09.000Z",
  expires_at: "2026-12-13T08:00:09.000Z",
};

function exportJson(e: WorkspaceExport): z.infer<typeof ExportJson> {
  return {
    id: e.id,
    status: e.status,
    reason: e.reason,
    progress: { done: e.stepsDone, total: e.stepsTotal },
    bytes: e.bytes,
    sha256: e.sha256,
    error: e.error,
    created_at: e.createdAt,
    finished_at: e.finishedAt,
    expires_at: e.expiresAt,
  };
}

const DeletionJson = z.object({
  scheduled: z.boolean(),
  requested_at: z.iso.datetime().nullable(),
  purge_after: z.iso.datetime().nullable().meta({
    description: "After this instant the workspace and everything in it are deleted for good",
  }),
  final_export_id: z.string().nullable(),
});

function deletionJson(d: PendingDeletion | null): z.infer<typeof DeletionJson> {
  return {
    scheduled: Boolean(d),
    requested_at: d?.requestedAt ?? null,
    purge_after: d?.purgeAfter ?? null,
    final_export_id: d?.finalExportId ?? null,
  };
}

const DELETION_EXAMPLE = {
  scheduled: true,
  requested_at: "2026-12-06T08:00:00.000Z",
  purge_after: "2026-12-20T08:00:00.000Z",
  final_export_id: "01jf3q6v8n2m4k5h7g9d0c1b2a",
};

const IdParams = z.object({ id: IdSchema });
const TokenQuery = z.object({
  token: z.string().min(20).max(100).meta({
    example: "q8Zx0b1Yt7Kd2Lm4Pw6Rs9Vn3Hc5Jg8Bf1Dk0Qa7Me2W",
  }),
});
const DeleteBody = z.object({ password: z.string().min(1, "Enter your password.").max(200) });

const app = new Hono<AppEnv>();
app.use("/api/v1/exports", tenantOnly());
app.use("/api/v1/exports/*", tenantOnly());
app.use("/api/v1/workspace/*", tenantOnly());
const owner = requirePermission("workspace:data");

app.post(
  "/api/v1/exports",
  describeRoute({
    operationId: "createExport",
    tag: "Workspace data",
    summary: "Start a full export of the workspace (owners); made in the background",
    responses: {
      202: {
        description: "Queued",
        schema: ExportJson,
        example: { ...EXPORT_EXAMPLE, status: "queued" },
      },
    },
    errors: [403, 409],
  }),
  owner,
  async (c) => {
    const tenant = tenantOf(c);
    const exp = await requestExport(c.get("services"), tenant.id, principalOf(c).userId);
    await recordSecurityEvent(c, { action: "workspace.exported", target: exp.id });
    return c.json(exportJson(exp), 202);
  },
);

app.get(
  "/api/v1/exports",
  describeRoute({
    operationId: "listExports",
    tag: "Workspace data",
    summary: "The workspace's exports, newest first (owners)",
    responses: {
      200: {
        description: "The exports",
        schema: listOf(ExportJson),
        example: { data: [EXPORT_EXAMPLE], next_cursor: null },
      },
    },
    errors: [403],
  }),
  owner,
  async (c) => {
    const list = await listExports(c.get("services").control, tenantOf(c).id);
    return c.json({ data: list.map(exportJson), next_cursor: null });
  },
);

app.get(
  "/api/v1/exports/:id",
  describeRoute({
    operationId: "getExport",
    tag: "Workspace data",
    summary: "One export and its progress (owners)",
    params: IdParams,
    responses: { 200: { description: "The export", schema: ExportJson, example: EXPORT_EXAMPLE } },
    errors: [400, 403, 404],
  }),
  owner,
  async (c) => {
    const { id } = parseWith(IdParams, c.req.param());
    const exp = await findExport(c.get("services").control, tenantOf(c).id, id);
    if (!exp) throw new NotFoundError("There is no such export in this workspace.");
    return c.json(exportJson(exp));
  },
);

const LinkJson = z.object({ url: z.url(), expires_at: z.iso.datetime() });

app.post(
  "/api/v1/exports/:id/links",
  describeRoute({
    operationId: "createExportLink",
    tag: "Workspace data",
    summary: "A download link for a ready export; it works for owners until the export expires",
    params: IdParams,
    responses: {
      201: {
        description: "The link",
        schema: LinkJson,
        example: {
          url:
            "https://acme.projectmeats.example/api/v1/exports/01jf3q6v8n2m4k5h7g9d0c1b2a/download?token=q8Zx0b1Yt7Kd2Lm4Pw6Rs9Vn3Hc5Jg8Bf1Dk0Qa7Me2W",
          expires_at: "2026-12-13T08:00:09.000Z",
        },
      },
    },
    errors: [400, 403, 404, 409],
  }),
  owner,
  async (c) => {
    const { id } = parseWith(IdParams, c.req.param());
    const services = c.get("services");
    const link = await createDownloadLink(services, tenantOf(c).id, id);
    const origin = requestOrigin(c);
    return c.json({
      url: `${origin}/api/v1/exports/${id}/download?token=${link.token}`,
      expires_at: link.expiresAt,
    }, 201);
  },
);

app.get(
  "/api/v1/exports/:id/download",
  describeRoute({
    operationId: "downloadExport",
    tag: "Workspace data",
    summary: "Download the archive through a link (owners only, until it expires)",
    params: IdParams,
    query: TokenQuery,
    responses: {
      200: {
        description:
          "The zip archive (manifest.json, workspace.json, schema.json, tables/, files/)",
        contentType: "application/zip",
        schema: { type: "string", format: "binary" },
      },
    },
    errors: [400, 403, 404],
  }),
  owner,
  async (c) => {
    const { id } = parseWith(IdParams, c.req.param());
    const { token } = parseWith(TokenQuery, c.req.query());
    const services = c.get("services");
    const exp = await exportForLink(services, tenantOf(c).id, id, token);
    return new Response(archiveStream(services, exp), {
      headers: {
        "content-type": "application/zip",
        "content-length": String(exp.bytes ?? 0),
        "content-disposition": `attachment; filename="${tenantOf(c).slug}-export-${
          exp.createdAt.slice(0, 10)
        }.zip"`,
        "cache-control": "no-store",
      },
    });
  },
);

app.get(
  "/api/v1/workspace/deletion",
  describeRoute({
    operationId: "getWorkspaceDeletion",
    tag: "Workspace data",
    summary: "Whether the workspace is scheduled for deletion, and when",
    responses: {
      200: { description: "The state", schema: DeletionJson, example: DELETION_EXAMPLE },
    },
    errors: [403],
  }),
  owner,
  async (c) => c.json(deletionJson(await pendingDeletion(c.get("services"), tenantOf(c).id))),
);

/** Deleting a workspace is a decision for a person at a browser, never for a script's token. */
function sessionOnly(c: Parameters<typeof principalOf>[0]) {
  if (principalOf(c).via !== "session") {
    throw new ForbiddenError("Delete a workspace while signed in, not with an API token.");
  }
}

app.post(
  "/api/v1/workspace/deletion",
  describeRoute({
    operationId: "requestWorkspaceDeletion",
    tag: "Workspace data",
    summary: "Delete the workspace after a 14-day grace (owners, signed-in sessions only)",
    description:
      "Everyone can still sign in and export during the grace; an owner can cancel. A final export is made and its link e-mailed to the owner.",
    body: { schema: DeleteBody, example: { password: "correct horse battery" } },
    responses: {
      202: { description: "Scheduled", schema: DeletionJson, example: DELETION_EXAMPLE },
    },
    errors: [403, 409, 415, 422],
  }),
  owner,
  async (c) => {
    sessionOnly(c);
    const { password } = parseWith(DeleteBody, await readJson(c));
    const services = c.get("services");
    const tenant = tenantOf(c);
    const pending = await requestDeletion(services, tenant.id, principalOf(c).userId, password);
    await recordSecurityEvent(c, {
      action: "workspace.deletion_requested",
      target: tenant.slug,
      details: { purge_after: pending.purgeAfter },
    });
    return c.json(deletionJson(pending), 202);
  },
);

app.delete(
  "/api/v1/workspace/deletion",
  describeRoute({
    operationId: "cancelWorkspaceDeletion",
    tag: "Workspace data",
    summary: "Cancel the workspace's deletion (owners, signed-in sessions only)",
    responses: { 204: { description: "Cancelled: the workspace stays, unchanged" } },
    errors: [403, 404],
  }),
  owner,
  async (c) => {
    sessionOnly(c);
    const tenant = tenantOf(c);
    await cancelDeletion(c.get("services"), tenant.id);
    await recordSecurityEvent(c, { action: "workspace.deletion_cancelled", target: tenant.slug });
    return c.body(null, 204);
  },
);

export default app;
