import assert from "node:assert/strict";
import { can, type Permission, ROLES, rolesWith } from "./roles.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { addMember, call, confirmAddress, type Session, signIn } from "../tests/helpers/members.ts";
import { newId } from "../db/ids.ts";
import { RECORD_TYPES } from "../domain/catalog.ts";

Deno.test("can() grants owner everything and keeps money, members and billing apart", () => {
  for (const p of ["records:read", "members:manage", "billing:manage"] as const) {
    assert.equal(can("owner", p), true);
  }
  assert.equal(can("admin", "billing:manage"), false);
  assert.equal(can("broker", "money:write"), false);
  assert.equal(can("accounting", "records:write"), false);
  assert.equal(can("viewer", "records:write"), false);
  assert.equal(can("viewer", "tokens:own"), false);
  assert.equal(can("viewer", "records:read"), true);
});

Deno.test("rolesWith() lists the roles that grant a permission, in ROLES order", () => {
  assert.deepEqual(rolesWith("money:write"), ["owner", "admin", "accounting"]);
  assert.deepEqual(rolesWith("records:write"), ["owner", "admin", "broker"]);
  assert.deepEqual(rolesWith("billing:manage"), ["owner"]);
  for (const p of ["records:read", "money:write", "members:manage"] as const) {
    assert.deepEqual(rolesWith(p), ROLES.filter((role) => can(role, p)));
  }
});

interface Guarded {
  method: string;
  path: string | ((ctx: { targetId: string }) => string);
  /** A permission, "signed-in", or several permissions of which any one will do. */
  permission: Permission | Permission[] | "signed-in";
  body?: (role: string) => unknown;
  /** What a caller with no credentials gets (401 unless the route is also a sign-in). */
  anonymous?: number;
}

// Every guarded API route of the platform and the permission auth/roles.ts gives it. An allowed
// call may still answer 404 or 409 (it passed the guard); a refused one answers exactly 403.
const ROUTES: Guarded[] = [
  { method: "GET", path: "/api/v1/me", permission: "signed-in" },
  { method: "GET", path: "/api/v1/auth/csrf", permission: "signed-in" },
  { method: "GET", path: "/api/v1/auth/tokens", permission: "records:read" },
  {
    method: "POST",
    path: "/api/v1/auth/tokens",
    permission: "tokens:own",
    body: () => ({ name: "matrix" }),
    anonymous: 422, // without a session it is the e-mail + password exchange, which needs both
  },
  { method: "DELETE", path: `/api/v1/auth/tokens/${newId()}`, permission: "records:read" },
  { method: "GET", path: "/api/v1/members", permission: "records:read" },
  {
    method: "PATCH",
    path: ({ targetId }) => `/api/v1/members/${targetId}`,
    permission: "members:manage",
    body: () => ({ role: "viewer" }),
  },
  { method: "DELETE", path: `/api/v1/members/${newId()}`, permission: "members:manage" },
  { method: "GET", path: "/api/v1/invitations", permission: "members:manage" },
  {
    method: "POST",
    path: "/api/v1/invitations",
    permission: "members:manage",
    body: (role) => ({ email: `new-${role}@matrix.example`, role: "broker" }),
  },
  { method: "DELETE", path: `/api/v1/invitations/${newId()}`, permission: "members:manage" },
  { method: "POST", path: "/api/v1/auth/verify/resend", permission: "signed-in", body: () => ({}) },
  { method: "GET", path: "/api/v1/search?q=beef", permission: "records:read" },
  { method: "GET", path: "/api/v1/reports/margin", permission: "records:read" },
  { method: "GET", path: "/api/v1/reports/aging", permission: "records:read" },
  { method: "GET", path: "/api/v1/option-lists", permission: "records:read" },
  {
    method: "PUT",
    path: "/api/v1/option-lists/no-such-list",
    permission: "settings:manage",
    body: () => ({ values: ["x"] }),
  },
  { method: "GET", path: "/api/v1/domains", permission: "settings:manage" },
  // Documents: read by everyone; uploaded and reviewed by any role that changes some records
  // (the record type's own permission is then checked on accept, in domain/documents/access.ts).
  { method: "GET", path: "/api/v1/documents", permission: "records:read" },
  { method: "GET", path: `/api/v1/documents/${newId()}`, permission: "records:read" },
  {
    method: "POST",
    path: "/api/v1/documents",
    permission: ["records:write", "money:write"],
    body: () => ({}),
  },
  ...["accept", "attach", "reject"].map((action): Guarded => ({
    method: "POST",
    path: `/api/v1/documents/${newId()}/${action}`,
    permission: ["records:write", "money:write"],
    body: () => ({}),
  })),
  { method: "GET", path: "/api/v1/assistant/conversations", permission: "records:read" },
  { method: "GET", path: "/api/v1/billing", permission: "records:read" },
  { method: "DELETE", path: "/api/v1/domains/none.example", permission: "settings:manage" },
  // Every record type: reads for everyone, writes by the type's permission (records or money).
  ...RECORD_TYPES.flatMap((def): Guarded[] => {
    const base = `/api/v1/${def.collection}`;
    const id = newId();
    return [
      { method: "GET", path: base, permission: "records:read" },
      { method: "GET", path: `${base}/${id}/history`, permission: "records:read" },
      { method: "POST", path: base, permission: def.permission, body: () => ({}) },
      {
        method: "PATCH",
        path: `${base}/${id}`,
        permission: def.permission,
        body: () => ({ version: 1 }),
      },
      {
        method: "POST",
        path: `${base}/${id}/archive`,
        permission: def.permission,
        body: () => ({}),
      },
      { method: "DELETE", path: `${base}/${id}`, permission: def.permission },
    ];
  }),
];

Deno.test("role matrix: every guarded route allows exactly the roles auth/roles.ts grants", async () => {
  // Hundreds of calls from one address: above the default per-IP limit, which has its own tests.
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const t = await signUpTenant(server);
    const target = await addMember(server, t.tenantId, "viewer");
    const sessions = new Map<string, Session>();
    for (const role of ROLES) {
      const m = role === "owner"
        ? { email: t.email, password: t.password }
        : await addMember(server, t.tenantId, role);
      sessions.set(role, await signIn(server, t.host, m.email, m.password));
    }
    await confirmAddress(server); // inviting needs a confirmed address
    const failures: string[] = [];
    for (const route of ROUTES) {
      const path = typeof route.path === "function"
        ? route.path({ targetId: target.userId })
        : route.path;
      const anonymous = await call(server, null, route.method, path, route.body?.("anon"), t.host);
      await anonymous.body?.cancel();
      if (anonymous.status !== (route.anonymous ?? 401)) {
        failures.push(`anonymous ${route.method} ${path}: ${anonymous.status}`);
      }
      for (const role of ROLES) {
        const res = await call(server, sessions.get(role)!, route.method, path, route.body?.(role));
        await res.body?.cancel();
        const allowed = route.permission === "signed-in" ||
          [route.permission].flat().some((p) => can(role, p));
        const ok = allowed
          ? res.status !== 403 && res.status < 500 && res.status !== 401
          : res.status === 403;
        if (!ok) {
          failures.push(`${role} ${route.method} ${path}: ${res.status} (allowed: ${allowed})`);
        }
      }
    }
    assert.deepEqual(failures, []);
    // The refused calls wrote nothing: only owner and admin created invitations.
    const rs = await server.services.control.execute({
      sql: "SELECT email FROM invitations WHERE tenant_id = ? ORDER BY email",
      args: [t.tenantId],
    });
    assert.deepEqual(rs.rows.map((r) => String(r.email)), [
      "new-admin@matrix.example",
      "new-owner@matrix.example",
    ]);
  } finally {
    await server.close();
  }
});
