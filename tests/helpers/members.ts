/**
 * @module tests/helpers/members
 * Test fixtures for the auth API tests: members with a given role, JSON sign-in, and reading the
 * dev outbox. Private to the tests of auth/, mail/ and routes/api/v1/.
 */
import { newId } from "../../db/ids.ts";
import { hashPassword } from "../../auth/password.ts";
import type { Role } from "../../auth/roles.ts";
import { CookieJar } from "./http.ts";
import type { SignedUp, TestServer } from "./server.ts";

export interface Session {
  host: string;
  jar: CookieJar;
  csrf: string;
  userId: string;
  email: string;
  password: string;
}

let counter = 0;

/** Creates a user with a membership of `role` directly in the control database. */
export async function addMember(
  server: TestServer,
  tenantId: string,
  role: Role,
  email = `${role}${counter++}-${Date.now().toString(36)}@members.example`,
  password = "pastrami on rye 99",
): Promise<{ userId: string; email: string; password: string }> {
  const userId = newId();
  const now = new Date().toISOString();
  await server.services.control.batch([
    {
      sql: `INSERT INTO users (id, email, name, password_hash, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?)`,
      args: [userId, email, `${role} person`, await hashPassword(password, 1024), now, now],
    },
    {
      sql: "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
      args: [tenantId, userId, role, now],
    },
  ], "write");
  return { userId, email, password };
}

/** Signs in through POST /api/v1/auth/login; throws unless it succeeds. */
export async function signIn(
  server: TestServer,
  host: string,
  email: string,
  password: string,
): Promise<Session> {
  const jar = new CookieJar();
  const res = await server.fetch(host, "/api/v1/auth/login", {
    method: "POST",
    json: { email, password },
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  jar.store(host, res);
  const body = await res.json();
  return { host, jar, csrf: body.csrf_token, userId: body.user.id, email, password };
}

/** Sends a JSON request with the session's cookie and CSRF token. */
export function call(
  server: TestServer,
  session: Session | null,
  method: string,
  path: string,
  json?: unknown,
  host = session?.host ?? "localhost",
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session) {
    headers.cookie = session.jar.header(host);
    headers["x-csrf-token"] = session.csrf;
  }
  return server.fetch(host, path, { method, headers, json });
}

/** Every outbox message to an address, newest first. */
export async function mailTo(
  server: TestServer,
  to: string,
): Promise<Array<{ subject: string; text: string; status: string }>> {
  const rs = await server.services.control.execute({
    sql: `SELECT subject, body_text, status FROM outbox WHERE to_addr = ?
          ORDER BY created_at DESC, id DESC`,
    args: [to],
  });
  return rs.rows.map((r) => ({
    subject: String(r.subject),
    text: String(r.body_text),
    status: String(r.status),
  }));
}

/** The first link in a text, as host and path-with-query for `server.fetch`. */
export function linkIn(text: string): { host: string; path: string; token: string } {
  const match = /https?:\/\/\S+/.exec(text);
  if (!match) throw new Error(`no link in: ${text}`);
  const url = new URL(match[0]);
  return {
    host: url.hostname,
    path: url.pathname + url.search,
    token: url.searchParams.get("token") ?? "",
  };
}

/** Each member's role in a tenant, by user id: what the control database really holds. */
export async function rolesOf(
  server: TestServer,
  tenantId: string,
): Promise<Record<string, string>> {
  const rs = await server.services.control.execute({
    sql: "SELECT user_id, role FROM memberships WHERE tenant_id = ?",
    args: [tenantId],
  });
  return Object.fromEntries(rs.rows.map((r) => [String(r.user_id), String(r.role)]));
}

/** The cast of the member-management tests: the owner and an admin signed in, and a broker. */
export async function ownerAdminBroker(server: TestServer, t: SignedUp) {
  const owner = await signIn(server, t.host, t.email, t.password);
  const adminUser = await addMember(server, t.tenantId, "admin");
  const admin = await signIn(server, t.host, adminUser.email, adminUser.password);
  const broker = await addMember(server, t.tenantId, "broker");
  return { owner, adminUser, admin, broker };
}

/**
 * Marks accounts' addresses confirmed, as opening their confirmation links does (every account
 * when no id is given): inviting anyone needs a confirmed address (auth/invitations.ts).
 */
export async function confirmAddress(server: TestServer, ...userIds: string[]): Promise<void> {
  const ids = userIds.length ? ` AND id IN (${userIds.map(() => "?").join(", ")})` : "";
  await server.services.control.execute({
    sql: `UPDATE users SET email_verified_at = ? WHERE email_verified_at IS NULL${ids}`,
    args: [new Date().toISOString(), ...userIds],
  });
  server.services.authCache.clear();
}
