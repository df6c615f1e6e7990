import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { CookieJar } from "../tests/helpers/http.ts";
import { safeNext } from "./guards.ts";

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
