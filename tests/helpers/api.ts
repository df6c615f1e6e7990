/**
 * An API client for tests: signs up a tenant (or uses one), takes a bearer token with the
 * owner's password, and sends JSON requests to the tenant's host on the real server.
 */
import type { SignedUp, TestServer } from "./server.ts";

export interface ApiResponse {
  status: number;
  // deno-lint-ignore no-explicit-any
  body: any;
  headers: Headers;
}

export interface ApiClient {
  token: string;
  host: string;
  call(method: string, path: string, json?: unknown, headers?: Record<string, string>): Promise<
    ApiResponse
  >;
  /** Like `call`, but throws unless the status is `expected` (default 2xx). */
  ok(method: string, path: string, json?: unknown, expected?: number): Promise<
    // deno-lint-ignore no-explicit-any
    any
  >;
}

export async function apiClient(server: TestServer, tenant: SignedUp): Promise<ApiClient> {
  const res = await server.fetch(tenant.host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: tenant.email, password: tenant.password, name: "tests" },
  });
  if (res.status !== 201) throw new Error(`token: ${res.status} ${await res.text()}`);
  const { token } = await res.json();
  return clientWithToken(server, tenant.host, token);
}

export function clientWithToken(server: TestServer, host: string, token: string): ApiClient {
  const call = async (
    method: string,
    path: string,
    json?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> => {
    const res = await server.fetch(host, path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...headers },
      ...(json === undefined ? {} : { json }),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch { /* not JSON */ }
    return { status: res.status, body, headers: res.headers };
  };
  return {
    token,
    host,
    call,
    async ok(method, path, json, expected) {
      const r = await call(method, path, json);
      const good = expected === undefined
        ? r.status >= 200 && r.status < 300
        : r.status === expected;
      if (!good) {
        throw new Error(`${method} ${path} -> ${r.status}: ${JSON.stringify(r.body)}`);
      }
      return r.body;
    },
  };
}
