import { Hono } from "hono";
import { failedSignIn, recordSecurityEvent } from "../../../../security/events.ts";
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
import { secondStepForToken } from "../../../../auth/second_factor.ts";
import { can, type Role } from "../../../../auth/roles.ts";
import { roleGrants, SCOPE_NAMES } from "../../../../auth/scopes.ts";
import { AllowedIpsSchema, MAX_ALLOWED_IPS } from "../../../../auth/ip_allow.ts";
import { ForbiddenError, InvalidError } from "../../../../domain/errors.ts";
import { describeRoute, IdParams, listOf } from "../../../../http/openapi.ts";

/** Days until the token stops working; left out (or null), it lives until revoked. */
const ExpiresInDays = z.number().int().min(1, "At least one day.").max(
  MAX_TOKEN_DAYS,
  `At most ${MAX_TOKEN_DAYS} days.`,
).nullable().default(null);
/** Scope names (auth/scopes.ts); left out (or null), the token has full access. */
const Scopes = z.array(
  z.enum(SCOPE_NAMES, {
    error: (issue) =>
      `"${String(issue.input)}" is not a scope; the API reference lists them (such as loads:read).`,
  }),
).min(1, "Give at least one scope, or leave scopes out for a full-access token.").max(100)
  .nullable().default(null).meta({
    description: "Scopes such as `loads:read` or `invoices:write` (write includes read). Left " +
      "out or null: a full-access token with every right of your role.",
  });
const AllowedIps = AllowedIpsSchema.default([]).meta({
  description: `IPv4/IPv6 addresses and CIDR ranges (at most ${MAX_ALLOWED_IPS}) the token may ` +
    "be used from; empty or left out: anywhere.",
});
const TokenLimits = { expires_in_days: ExpiresInDays, scopes: Scopes, allowed_ips: AllowedIps };
const TokenRequestSchema = LoginSchema.extend({
  name: z.string().trim().min(1).max(80).default("API token"),
  code: z.string().trim().min(1).max(40).optional().meta({
    description: "With a second factor on the account: the authenticator app's current code " +
      "or a recovery code. Without it such an account answers 401 `second_factor_required`.",
  }),
  ...TokenLimits,
});
const TokenNameSchema = z.object({
  name: z.string().trim().min(1, "Name the token.").max(80),
  ...TokenLimits,
});

/** A token may not be given a scope its creator's role lacks (the role also caps it later). */
function assertRoleGrants(role: Role, scopes: string[] | null): void {
  const beyond = (scopes ?? []).filter((s) => !roleGrants(role, s));
  if (beyond.length === 0) return;
  throw new InvalidError("Some fields need attention.", {
    scopes: [`Your role (${role}) does not grant ${beyond.join(", ")}.`],
  }, 422);
}

const TokenJson = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().meta({ description: "The first characters, to tell tokens apart." }),
  created_at: z.iso.datetime(),
  last_used_at: z.iso.datetime().nullable(),
  expires_at: z.iso.datetime().nullable().meta({ description: "Null: until revoked." }),
  scopes: z.array(z.string()).nullable().meta({
    description: "Null: full access (every right of your role, as tokens made before scopes).",
  }),
  allowed_ips: z.array(z.string()).meta({ description: "Empty: usable from anywhere." }),
});

const TOKEN_EXAMPLE = {
  id: "01jd8x7k3m5n9p2q4r6s8t0v1w",
  name: "Nightly export",
  prefix: "pm_3kq8",
  created_at: "2026-03-31T14:05:09.000Z",
  last_used_at: null,
  expires_at: "2026-06-29T14:05:09.000Z",
  scopes: ["purchase_orders:read", "loads:write"],
  allowed_ips: ["203.0.113.0/24"],
};

const createToken = describeRoute({
  operationId: "createApiToken",
  tag: "Account",
  summary: "Create a personal API token",
  description: "Send e-mail and password (how scripts start), or, signed in, just a name. The " +
    "token is shown once; send it as `Authorization: Bearer <token>`. Give `scopes` to limit " +
    "what it may call (your role still caps them) and `allowed_ips` to limit where from; a " +
    "call outside them answers 403 naming the missing scope or the address. A scoped token " +
    "cannot create, list or revoke tokens.",
  auth: "none",
  body: {
    schema: z.union([TokenRequestSchema, TokenNameSchema]),
    example: {
      email: "dana@acme-meats.example",
      password: "correct horse battery",
      name: "Nightly export",
      expires_in_days: 90,
      scopes: ["purchase_orders:read", "loads:write"],
      allowed_ips: ["203.0.113.0/24"],
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
  let input: z.infer<typeof TokenNameSchema>;
  if (auth && !(body && typeof body === "object" && "password" in body)) {
    if (!auth.role || !can(auth.role, "tokens:own")) throw new ForbiddenError();
    userId = auth.userId;
    input = parseWith(TokenNameSchema, body);
    assertRoleGrants(auth.role, input.scopes);
  } else {
    const { email, password, ...rest } = parseWith(TokenRequestSchema, body);
    const { user, role } = await checkCredentials(services, {
      email,
      password,
      ip: clientIp(c),
      tenantId: tenant.id,
    }).catch((err) => failedSignIn(c, email, err));
    // The password alone never yields a token of an account with a second factor.
    await secondStepForToken(services, user.id, tenant.id, rest.code);
    if (!role || !can(role, "tokens:own")) throw new ForbiddenError();
    assertRoleGrants(role, rest.scopes);
    userId = user.id;
    input = rest;
  }
  const created = await createApiToken(
    services.control,
    tenant.id,
    userId,
    input.name,
    input.expires_in_days,
    new Date(),
    { scopes: input.scopes, allowedIps: input.allowed_ips },
  );
  await recordSecurityEvent(c, {
    action: "token.created",
    actor: { userId },
    target: input.name,
    details: { token_id: created.summary.id },
  });
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
    c.get("services"),
    tenantOf(c).id,
    principalOf(c).userId,
    c.req.param("id"),
  );
  await recordSecurityEvent(c, {
    action: "token.revoked",
    details: { token_id: c.req.param("id") },
  });
  return c.body(null, 204);
});

export default app;
