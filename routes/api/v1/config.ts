/**
 * @module routes/api/v1/config
 * The tenant configuration document (customization/): read it as JSON or YAML, replace it with
 * `If-Match`, validate without applying, read the history, roll back, upload a logo or favicon.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type AppContext, type AppEnv, principalOf, tenantOf } from "../../../http/env.ts";
import { tenantOnly } from "../../../http/guards.ts";
import { requirePermission } from "../../../auth/middleware.ts";
import { recordSecurityEvent } from "../../../security/events.ts";
import { describeRoute } from "../../../http/openapi.ts";
import { AppError, InvalidError } from "../../../domain/errors.ts";
import {
  checkConfiguration,
  type DocumentFormat,
  formatDocument,
  formatOf,
  parseDocumentText,
  validConfiguration,
} from "../../../customization/document/parse.ts";
import {
  applyConfiguration,
  configurationHistory,
  currentConfiguration,
  rollbackConfiguration,
} from "../../../customization/document/store.ts";
import { diffConfiguration } from "../../../customization/document/diff.ts";
import { DEFAULT_CONFIGURATION } from "../../../customization/document/schema.ts";
import { assertSavable } from "../../../customization/save_check.ts";
import {
  assertBrandImagesExist,
  brandImageUrl,
  MAX_ASSET_BYTES,
  storeBrandImage,
} from "../../../customization/assets.ts";
import { ConfigurationJson, HistoryJson } from "./_config_docs.ts";
import { scheduleRulesOf } from "../../../workers/rule_jobs.ts";

const MAX_DOCUMENT_BYTES = 256 * 1024;

const IF_MATCH = {
  name: "If-Match",
  in: "header",
  required: true,
  description: "The version you read (the ETag of GET /api/v1/config).",
  schema: { type: "string" },
  example: '"3"',
};

const ERROR_STATUSES = [400, 403, 412, 415, 428];

const get = describeRoute({
  operationId: "getConfiguration",
  tag: "Settings",
  summary: "The tenant configuration document (JSON, or YAML with Accept: application/yaml)",
  description: "The ETag is the version; send it back as If-Match to change the document, or " +
    "as If-None-Match to be answered 304 while it has not changed.",
  responses: {
    200: {
      description: "The current document",
      schema: ConfigurationJson,
      example: DEFAULT_CONFIGURATION,
    },
  },
  errors: [403],
});

const put = describeRoute({
  operationId: "replaceConfiguration",
  tag: "Settings",
  summary: "Replace the configuration (owners and admins); JSON or YAML by Content-Type",
  description: "Keys left out take their defaults. A bad document answers 400 naming each path " +
    "and the allowed values, and changes nothing; a stale If-Match answers 412.",
  headers: [IF_MATCH],
  body: { schema: ConfigurationJson, example: { branding: { product_name: "Prairie Desk" } } },
  responses: {
    200: { description: "The applied document", schema: ConfigurationJson },
  },
  errors: ERROR_STATUSES,
});

const ValidationJson = z.object({
  valid: z.boolean(),
  errors: z.record(z.string(), z.array(z.string())),
  changes: z.array(z.object({ path: z.string(), from: z.unknown(), to: z.unknown() })),
});

const validate = describeRoute({
  operationId: "validateConfiguration",
  tag: "Settings",
  summary: "Check a configuration and list what it would change; nothing is applied",
  body: { schema: ConfigurationJson, example: { branding: { appearance: "dark" } } },
  responses: {
    200: {
      description: "Whether it is valid, its errors by path, and the changes it would make",
      schema: ValidationJson,
      example: {
        valid: false,
        errors: { "branding.appearance": ["Use one of: automatic, light, dark."] },
        changes: [],
      },
    },
  },
  errors: [403, 415],
});

const history = describeRoute({
  operationId: "listConfigurationHistory",
  tag: "Settings",
  summary: "Every version of the configuration, newest first: who, when and what changed",
  responses: {
    200: {
      description: "The versions",
      schema: HistoryJson,
      example: {
        data: [{
          version: 1,
          kind: "change",
          rolled_back_to: null,
          changed_at: "2026-11-20T18:00:00.000Z",
          changed_by: "01jd8x3m7q5r2s9t4v6w8y0z1a",
          changed_by_email: "owner@prairie.example",
          changes: [{ path: "branding.colors.primary", from: "#9b1c2e", to: "#1f6f43" }],
        }],
        next_cursor: null,
      },
    },
  },
  errors: [403],
});

const RollbackBody = z.strictObject({
  version: z.number().int().min(0).meta({ description: "The version to restore", example: 2 }),
});

const rollback = describeRoute({
  operationId: "rollbackConfiguration",
  tag: "Settings",
  summary: "Restore an earlier version's document, as a new version (owners and admins)",
  body: { schema: RollbackBody, example: { version: 2 } },
  responses: { 200: { description: "The restored document", schema: ConfigurationJson } },
  errors: [400, 403, 404, 415],
});

const upload = describeRoute({
  operationId: "uploadBrandImage",
  tag: "Settings",
  summary: "Upload a logo or favicon (PNG or JPEG, at most 512 KiB and 2048 px a side)",
  description: "Send the image as the body (Content-Type image/png or image/jpeg). Put the " +
    "answered name in branding.logo or branding.favicon.",
  body: { schema: { type: "string", format: "binary" }, contentType: "image/png" },
  responses: {
    201: {
      description: "The stored image",
      schema: z.object({
        name: z.string(),
        url: z.string(),
        width: z.number(),
        height: z.number(),
      }),
      example: {
        name: "3f7a0c9e8b1d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5.png",
        url: "/brand/3f7a0c9e8b1d2a4c6e8f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5.png",
        width: 240,
        height: 64,
      },
    },
  },
  errors: [403, 413, 415, 422],
});

/** The body as a parsed document, from JSON or YAML by Content-Type. */
async function readDocument(c: AppContext): Promise<unknown> {
  const format = formatOf(c.req.header("content-type"));
  if (!format) {
    throw new InvalidError(
      "Send the configuration as JSON (application/json) or YAML (application/yaml).",
      undefined,
      415,
    );
  }
  const text = await c.req.text();
  if (new TextEncoder().encode(text).length > MAX_DOCUMENT_BYTES) {
    throw new InvalidError("The configuration is larger than 256 KiB.", undefined, 413);
  }
  return parseDocumentText(text, format);
}

function wanted(c: AppContext): DocumentFormat {
  return formatOf(c.req.header("accept")) === "yaml" ? "yaml" : "json";
}

function respond(c: AppContext, version: number, document: unknown, status = 200) {
  const format = wanted(c);
  c.header("etag", `"${version}"`);
  c.header("cache-control", "no-store");
  if (format === "yaml") {
    return c.body(formatDocument(document as typeof DEFAULT_CONFIGURATION, "yaml"), 200, {
      "content-type": "application/yaml; charset=utf-8",
    });
  }
  return c.json(document, status as 200);
}

/** `If-Match: "3"` (or W/"3", or 3): the version the caller read. */
function ifMatch(c: AppContext): number {
  const header = c.req.header("if-match");
  if (!header) {
    throw new AppError(
      "invalid_request",
      428,
      'Send If-Match with the version you read (the ETag of GET /api/v1/config, such as "3").',
    );
  }
  const m = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!m) throw new InvalidError('If-Match must be a version, such as "3".');
  return Number(m[1]);
}

function author(c: AppContext) {
  const p = principalOf(c);
  return { userId: p.userId, email: p.email, now: c.get("services").clock.now() };
}

const app = new Hono<AppEnv>();
app.use("/api/v1/config", tenantOnly());
app.use("/api/v1/config/*", tenantOnly());

app.get("/api/v1/config", get, requirePermission("records:read"), async (c) => {
  const current = await currentConfiguration(tenantOf(c).db);
  const tag = `"${current.version}"`;
  if (c.req.header("if-none-match")?.split(",").some((t) => t.trim().replace(/^W\//, "") === tag)) {
    return c.body(null, 304, { etag: tag, "cache-control": "no-store" });
  }
  return respond(c, current.version, current.document);
});

app.put("/api/v1/config", put, requirePermission("settings:manage"), async (c) => {
  const expected = ifMatch(c);
  const document = validConfiguration(await readDocument(c));
  const tenant = tenantOf(c);
  await assertBrandImagesExist(
    c.get("services").storage,
    tenant.id,
    document.branding,
  );
  assertSavable(document);
  const applied = await applyConfiguration(tenant.db, document, expected, author(c));
  await scheduleRulesOf(c.get("services").control, tenant.id, applied.document);
  if (applied.changed) {
    await recordSecurityEvent(c, {
      action: "configuration.changed",
      target: `version ${applied.version}`,
      details: { version: applied.version, changes: applied.changes },
    });
  }
  return respond(c, applied.version, applied.document);
});

app.post(
  "/api/v1/config/validate",
  validate,
  requirePermission("settings:manage"),
  async (c) => {
    const value = await readDocument(c);
    const checked = checkConfiguration(value);
    if (!checked.ok) return c.json({ valid: false, errors: checked.errors, changes: [] });
    const tenant = tenantOf(c);
    try {
      await assertBrandImagesExist(
        c.get("services").storage,
        tenant.id,
        checked.document.branding,
      );
      assertSavable(checked.document);
    } catch (err) {
      if (!(err instanceof InvalidError)) throw err;
      return c.json({ valid: false, errors: err.details ?? {}, changes: [] });
    }
    const current = await currentConfiguration(tenant.db);
    return c.json({
      valid: true,
      errors: {},
      changes: diffConfiguration(current.document, checked.document),
    });
  },
);

app.get("/api/v1/config/history", history, requirePermission("records:read"), async (c) => {
  return c.json({ data: await configurationHistory(tenantOf(c).db), next_cursor: null });
});

app.post(
  "/api/v1/config/rollback",
  rollback,
  requirePermission("settings:manage"),
  async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      throw new InvalidError('Send { "version": N } as JSON.', undefined, 415);
    }
    const parsed = RollbackBody.safeParse(body);
    if (!parsed.success) {
      throw new InvalidError('Send { "version": N } with a version number.', {
        version: ["A whole number of 0 or more."],
      });
    }
    const applied = await rollbackConfiguration(tenantOf(c).db, parsed.data.version, author(c));
    await scheduleRulesOf(c.get("services").control, tenantOf(c).id, applied.document);
    if (applied.changed) {
      await recordSecurityEvent(c, {
        action: "configuration.rolled_back",
        target: `version ${parsed.data.version}`,
        details: { to: parsed.data.version, version: applied.version, changes: applied.changes },
      });
    }
    return respond(c, applied.version, applied.document);
  },
);

app.post("/api/v1/config/assets", upload, requirePermission("settings:manage"), async (c) => {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  if (!type.startsWith("image/")) {
    throw new InvalidError("Send the image as the body, as image/png or image/jpeg.", {
      file: ["Not an image upload."],
    }, 415);
  }
  const length = Number(c.req.header("content-length") ?? 0);
  if (length > MAX_ASSET_BYTES) {
    throw new InvalidError("The image is larger than 512 KiB.", { file: ["Too large."] }, 413);
  }
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const tenant = tenantOf(c);
  const stored = await storeBrandImage(
    c.get("services").storage,
    tenant.id,
    bytes,
  );
  return c.json({ ...stored, url: brandImageUrl(stored.name) }, 201);
});

export default app;
