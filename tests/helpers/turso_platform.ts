/**
 * @module tests/helpers/turso_platform
 * A loopback double of the Turso Platform API for organization `acme`: create (409 when the name
 * is taken), look up, delete a database and mint its token, as tenants/turso_platform.ts calls
 * them. It records every call and checks the bearer token, so a test can assert what was asked.
 */
import { TursoPlatform } from "../../tenants/turso_platform.ts";

export interface TursoPlatformDouble {
  /** `METHOD /path?query` of every request, in order. */
  calls: string[];
  /** The names of the databases that exist. */
  databases: Set<string>;
  /** A client pointed at the double. */
  platform: TursoPlatform;
  close(): Promise<void>;
}

/** Starts the double; every request must carry `Bearer <apiToken>`. */
export function startTursoPlatformDouble(apiToken = "api-secret"): TursoPlatformDouble {
  const calls: string[] = [];
  const databases = new Set<string>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen() {} }, async (req) => {
    const url = new URL(req.url);
    calls.push(`${req.method} ${url.pathname}${url.search}`);
    if (req.headers.get("authorization") !== `Bearer ${apiToken}`) {
      return Response.json({ error: "bad token" }, { status: 401 });
    }
    const m = /^\/v1\/organizations\/acme\/databases(?:\/([^/]+))?(\/auth\/tokens)?$/.exec(
      url.pathname,
    );
    const found = (name: string) =>
      Response.json({
        database: { DbId: `id-${name}`, Hostname: `${name}-acme.turso.io`, Name: name },
      });
    if (m && req.method === "POST" && !m[1]) {
      const { name } = await req.json() as { name: string };
      if (databases.has(name)) return Response.json({ error: "exists" }, { status: 409 });
      databases.add(name);
      return found(name);
    }
    if (m && req.method === "GET" && m[1]) {
      return databases.has(m[1]) ? found(m[1]) : Response.json({ error: "no" }, { status: 404 });
    }
    if (m && req.method === "POST" && m[2]) return Response.json({ jwt: `jwt-for-${m[1]}` });
    if (m && req.method === "DELETE" && m[1]) {
      databases.delete(m[1]);
      return Response.json({ database: m[1] });
    }
    return Response.json({ error: "unexpected" }, { status: 400 });
  });
  return {
    calls,
    databases,
    platform: new TursoPlatform({
      apiUrl: `http://127.0.0.1:${server.addr.port}`,
      org: "acme",
      apiToken,
    }),
    close: () => server.shutdown(),
  };
}
