import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import { request } from "node:http";
import { safeNext } from "./guards.ts";

/** POSTs `body` in 64 KB chunks with Transfer-Encoding: chunked (no Content-Length); the status. */
function chunkedPost(
  port: number,
  host: string,
  path: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      hostname: "127.0.0.1",
      port,
      path,
      method: "POST",
      headers: { ...headers, host: `${host}:${port}`, "transfer-encoding": "chunked" },
    }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    for (let i = 0; i < body.length; i += 65536) req.write(body.slice(i, i + 65536));
    req.end();
  });
}

Deno.test("safeNext() keeps same-site paths and refuses what a browser would read as another site", () => {
  for (const kept of ["/", "/records/customers?sort=-name", "/a%09b", "/..//x.example"]) {
    assert.equal(safeNext(kept), kept, kept);
  }
  for (
    const refused of [
      undefined,
      "",
      "//evil.example",
      "/\\evil.example",
      "https://evil.example",
      "javascript:alert(1)",
      "/\t/evil.example", // a browser drops the tab: //evil.example
      "/\n/evil.example",
      "/x\r\nSet-Cookie: y=1",
      "/ /evil.example",
      "/\x00",
    ]
  ) {
    assert.equal(safeNext(refused), "/", JSON.stringify(refused));
  }
});

Deno.test("signing in with a next address holding a tab or a line break goes home, never elsewhere and never a 500", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    for (const next of ["/\t/evil.example", "/x\r\nSet-Cookie: y=1"]) {
      const jar = new CookieJar();
      const page = await server.fetch(t.host, "/login");
      jar.store(t.host, page);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? "";
      const res = await server.fetch(t.host, "/login", {
        method: "POST",
        headers: {
          cookie: jar.header(t.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({ _csrf: csrf, email: t.email, password: t.password, next })
          .toString(),
      });
      await res.body?.cancel();
      assert.equal(res.status, 303, JSON.stringify(next));
      assert.equal(res.headers.get("location"), "/", JSON.stringify(next));
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith("y=")));
    }
  } finally {
    await server.close();
  }
});

Deno.test("a JSON or form body over 1 MB is refused with 413 before it is read, chunked or not; nothing is written", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server);
    const { apiClient } = await import("../tests/helpers/api.ts");
    const api = await apiClient(server, t);
    const count = async () => {
      const lease = await server.services.pool.acquire(t.tenantId, null);
      try {
        return Number((await lease.db.execute("SELECT count(*) AS n FROM suppliers")).rows[0]!.n);
      } finally {
        lease.release();
      }
    };
    const before = await count();
    const big = JSON.stringify({ name: "Prairie Packers", notes: "x".repeat(2 * 1024 * 1024) });
    const sized = await server.fetch(t.host, "/api/v1/suppliers", {
      method: "POST",
      headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
      body: big,
    });
    assert.equal(sized.status, 413);
    assert.match((await sized.json()).error.message, /larger than 1024 KB/);
    // The same body streamed without a Content-Length.
    const chunked = await chunkedPost(server.port, t.host, "/api/v1/suppliers", big, {
      authorization: `Bearer ${api.token}`,
      "content-type": "application/json",
    });
    assert.equal(chunked, 413);
    assert.equal(await count(), before, "nothing written");

    // A sign-in form needs no session: refused by size before anything else.
    const form = await server.fetch(t.host, "/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `email=${"a".repeat(2 * 1024 * 1024)}&password=x`,
    });
    assert.equal(form.status, 413);
    await form.body?.cancel();

    // An ordinary body still goes through.
    await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    assert.equal(await count(), before + 1);
  } finally {
    await server.close();
  }
});
