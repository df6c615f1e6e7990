/**
 * No 500s: every page and API route the app registers is visited as a signed-in owner of a
 * workspace full of records, with valid, empty, wrong-typed, oversized and unicode inputs in the
 * path, the query and the body. Any answer of 500 or more fails the test, with the request that
 * caused it. The route list comes from the app, so a new route is crawled without a change here.
 */
import assert from "node:assert/strict";
import { createApp } from "../app.ts";
import { signUpTenant, startTestServer, type TestServer } from "./helpers/server.ts";
import { clientWithToken } from "./helpers/api.ts";
import { seedOneOfEach } from "./helpers/records.ts";
import { putInState } from "./helpers/billing.ts";

const HUGE = "x".repeat(20_000);
const UNICODE = "Ñandú 牛肉 🥩 \u202e\u0000";

/** Values that each parameter, query value and body field is tried with. */
const ODD_VALUES: unknown[] = ["", 0, -1, 1.5, true, null, [], {}, HUGE, UNICODE, "2026-02-30"];

const ODD_QUERIES = [
  "",
  "?limit=1.5",
  "?limit=-1",
  "?limit=abc",
  "?cursor=%%%",
  "?cursor=eyJ2IjpbXX0",
  `?q=${encodeURIComponent(UNICODE)}`,
  `?q=${HUGE.slice(0, 5000)}`,
  "?sort=-nothing",
  "?status=nope&from=2026-13-45&as_of=yesterday",
];

function oddBodies(): Array<string | undefined> {
  const fields = ["name", "number", "email", "password", "role", "lines", "version", "values"];
  const bodies: Array<string | undefined> = [undefined, "", "{", "[]", "null", '"text"'];
  for (const value of ODD_VALUES) {
    bodies.push(JSON.stringify(Object.fromEntries(fields.map((f) => [f, value]))));
  }
  return bodies;
}

/** Every route as [method, pattern], GETs first, destructive methods last. */
function routesOf(server: TestServer): Array<[string, string]> {
  const order = ["GET", "POST", "PUT", "PATCH", "DELETE"];
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const r of createApp(server.services).routes) {
    if (!order.includes(r.method) || r.path.includes("*")) continue;
    const key = `${r.method} ${r.path}`;
    if (!seen.has(key)) (seen.add(key), out.push([r.method, r.path]));
  }
  // Signing out or removing oneself would end the crawl's session early: those go last.
  const last = (p: string) => /logout|sessions|tokens\/:|members\/:/.test(p) ? 1 : 0;
  return out.sort(([ma, pa], [mb, pb]) =>
    last(pa) - last(pb) || order.indexOf(ma) - order.indexOf(mb)
  );
}

Deno.test("no page or API route answers 500, whatever the path, query or body", async () => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "1000000",
    RATE_LIMIT_PER_TENANT: "1000000",
  });
  try {
    const t = await signUpTenant(server);
    await putInState(server.services, t.tenantId, "professional", "active");
    const tokenRes = await server.fetch(t.host, "/api/v1/auth/tokens", {
      method: "POST",
      json: { email: t.email, password: t.password, name: "crawl" },
    });
    const token = (await tokenRes.json()).token as string;
    const api = clientWithToken(server, t.host, token);
    await seedOneOfEach(api, "crawl");

    // A real id per collection, so that detail routes are crawled with existing records too.
    const realIds = new Map<string, string>();
    for (const [method, pattern] of routesOf(server)) {
      const list = /^\/api\/v1\/([a-z-]+)$/.exec(pattern);
      if (method !== "GET" || !list) continue;
      const res = await api.call("GET", pattern);
      const id = res.status === 200 ? res.body?.data?.[0]?.id : undefined;
      if (typeof id === "string") realIds.set(list[1]!, id);
    }

    const failures: string[] = [];
    let requests = 0;
    const send = async (method: string, path: string, body: string | undefined, page: boolean) => {
      const headers: Record<string, string> = page
        ? { cookie: t.jar.header(t.host), "content-type": "application/x-www-form-urlencoded" }
        : { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const label = `${method} ${path.slice(0, 120)} ${body?.slice(0, 80) ?? ""}`;
      let res: Response;
      try {
        res = await server.fetch(t.host, path, {
          method,
          headers,
          body: method === "GET" ? undefined : page ? `_csrf=${t.csrf}&${body ?? ""}` : body,
        });
      } catch (err) {
        failures.push(`${label} -> ${err instanceof Error ? err.message : err}`);
        return;
      }
      requests++;
      await res.body?.cancel();
      if (res.status >= 500) {
        failures.push(`${method} ${path} ${body?.slice(0, 80) ?? ""} -> ${res.status}`);
      }
    };

    for (const [method, pattern] of routesOf(server)) {
      if (pattern.startsWith("/dev/") || pattern.startsWith("/webhooks/")) continue;
      const page = !pattern.startsWith("/api/");
      const collection = /^\/(?:api\/v1\/)?([a-z-]+)\//.exec(pattern)?.[1] ?? "";
      const ids = [realIds.get(collection), "0".repeat(26), "nope", UNICODE, HUGE.slice(0, 3000)]
        .filter((v): v is string => v !== undefined);
      const paths = pattern.includes(":")
        ? ids.map((id) => pattern.replace(/:[A-Za-z_]+/g, encodeURIComponent(id)))
        : [pattern];
      for (const path of paths) {
        if (method === "GET") {
          for (const query of ODD_QUERIES) await send(method, path + query, undefined, page);
        } else if (page) {
          for (const value of ["", UNICODE, HUGE, "%E0%A4%A"]) {
            await send(
              method,
              path,
              `name=${value}&number=${value}&version=x&lines.0.weight=${value}`,
              page,
            );
          }
        } else if (method === "DELETE") {
          await send(method, path, undefined, page); // a DELETE carries no body
        } else {
          for (const body of oddBodies()) await send(method, path, body, page);
        }
      }
    }
    assert.ok(requests > 1000, `crawled ${requests} requests`);
    assert.deepEqual(failures, [], `${failures.length} requests answered 500 or more`);
  } finally {
    await server.close();
  }
});
