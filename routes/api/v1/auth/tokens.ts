import { Hono } from "hono";
import { z } from "zod";
import { type AppEnv, clientIp, principalOf, tenantOf } from "../../../../http/env.ts";
import { parseWith, readJson, tenantOnly } from "../../../../http/guards.ts";
import { checkCredentials, LoginSchema } from "../../../../auth/login.ts";
import {
  createApiToken,
  listApiTokens,
  MAX_TOKEN_DAYS,
  revokeApiToken,
} from "../../../../auth/api_tokens.ts";
import { requirePermission } from "../../../../auth/middleware.ts";
import { can } from "../../../../auth/roles.ts";
import { ForbiddenError } from "../../../../domain/errors.ts";
import { describeRoute, IdParams, listOf } from "../../../../http/openapi.ts";

/** Days until the token stops working; left out (or null), it lives until revoked. */
const ExpiresInDays = z.number().int().min(1, "At least one day.").max(
  MAX_TOKEN_DAYS,
  `At most ${MAX_TOKEN_DAYS} days.`,
).nullable().default(null);
const TokenRequestSchema = LoginSchema.extend({
  name: z.string().trim().min(1).max(80).default("API token"),
  expires_in_days: ExpiresInDays,
});
const TokenNameSchema = z.object({
  name: z.string().trim().min(1, "Name the token.").max(80),
  expires_in_days: ExpiresInDays,
});

const TokenJson = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: "The first characters, to tell tokens apart." }),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable().meta({ description: "Null: until revoked." }),
});

const TOKEN_EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "Nightly export",
  prefix: "pm_3kq8",
  created_at: "2026-03-31T14:05:09.000Z",
  last_used_at: null,
  expires_at: "2026-06-29T14:05:09.000Z",
};

const createToken = describeRoute({
  operationId: "createApiToken",
  tag: "Account",
  summary: "Create a personal API token",
  description: "Send e-mail and password (how scripts start), or, signed in, just a name. The " +
    "token is shown once; send it as `Authorization: Bearer <token>`.",
  auth: "none",
  body: {
    schema: z.union([TokenRequestSchema, TokenNameSchema]),
    example: {
      email: "dana@acme-meats.example",
      password: "correct horse battery",
      name: "Nightly export",
      expires_in_days: 90,
    },
  },
  responses: {
    201: {
      description: "Created; `token` is shown only now",
      schema: TokenJson.extend({ token: z.string() }),
      example: { token: "pm_3kq8Zx0b1Yt7Kd2Lm4Pw6Rs9Tu5Ae", ...TOKEN_EXAMPLE },
    },
  },
  errors: [400, 401, 403, 415, 422, 429],
});

const listTokens = describeRoute({
  operationId: "listApiTokens",
  tag: "Account",
  summary: "Your API tokens in this workspace",
  responses: {
    200: {
      description: "Your tokens (never their secret)",
      schema: listOf(TokenJson),
      example: { data: [TOKEN_EXAMPLE], next_cursor: null },
    },
  },
  errors: [403],
});

const revokeToken = describeRoute({
  operationId: "revokeApiToken",
  tag: "Account",
  summary: "Revoke one of your API tokens",
  params: IdParams,
  responses: { 204: { description: "Revoked" } },
  errors: [403, 404],
});

const app = new Hono<AppEnv>();
app.use("/api/v1/auth/tokens", tenantOnly());
app.use("/api/v1/auth/tokens/*", tenantOnly());

// Exchange e-mail and password for a token (no session needed: this is how scripts start).
app.post("/api/v1/auth/tokens", createToken, async (c) => {
  const tenant = tenantOf(c);
  const { services } = c.var;
  const body = await readJson(c);
  // A signed-in user may also create a token for themselves with just a name.
  const auth = c.get("auth");
  let userId: string;
  let name: string;
  let expiresInDays: number | null;
  if (auth && !(body && typeof body === "object" && "password" in body)) {
    if (!auth.role || !can(auth.role, "tokens:own")) throw new ForbiddenError();
    userId = auth.userId;
    ({ name, expires_in_days: expiresInDays } = parseWith(TokenNameSchema, body));
  } else {
    const input = parseWith(TokenRequestSchema, body);
    const { user, role } = await checkCredentials(services, {
      email: input.email,
      password: input.password,
      ip: clientIp(c),
      tenantId: tenant.id,
    });
    if (!role || !can(role, "tokens:own")) throw new ForbiddenError();
    userId = user.id;
    name = input.name;
    expiresInDays = input.expires_in_days;
  }
  const created = await createApiToken(services.control, tenant.id, userId, name, expiresInDays);
  return c.json({ token: created.token, ...created.summary }, 201);
});

app.get("/api/v1/auth/tokens", listTokens, requirePermission("records:read"), async (c) => {
  const tokens = await listApiTokens(
    c.get("services").control,
    tenantOf(c).id,
    principalOf(c).userId,
  );
  return c.json({ data: tokens, next_cursor: null });
});

app.delete("/api/v1/auth/tokens/:id", revokeToken, requirePermission("records:read"), async (c) => {
  await revokeApiToken(
    c.get("services").control,
    tenantOf(c).id,
    principalOf(c).userId,
    c.req.param("id"),
  );
  c.get("services").authCache.clear();
  return c.body(null, 204);
});

export default app;
