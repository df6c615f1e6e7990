/**
 * Record lists over HTTP: the total count, page numbers beside the stable cursor, and saved views
 * kept per user.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";

Deno.test("record lists: count, page numbers and saved views per user", async () => {
  const server = await startTestServer();
  try {
    const t = await signUpTenant(server, "pager");
    const api = await apiClient(server, t);
    for (const name of ["Alpha Packing", "Bravo Beef", "Cedar Pork", "Delta Foods", "Echo Meats"]) {
      await api.ok("POST", "/api/v1/suppliers", {
        name,
        city: name.startsWith("E") ? "Ames" : "Greeley",
      }, 201);
    }
    const cookie = { cookie: t.jar.header(t.host) };
    const get = async (path: string) =>
      await (await server.fetch(t.host, path, { headers: cookie })).text();

    const first = await get("/suppliers?limit=2&sort=name");
    assert.match(first, /<strong>5<\/strong> suppliers, page 1 of 3/);
    assert.match(first, /href="\/suppliers\?limit=2&amp;sort=name&amp;page=3"/);
    assert.match(first, /Alpha Packing/);
    const third = await get("/suppliers?limit=2&sort=name&page=3");
    assert.match(third, /page 3 of 3/);
    assert.match(third, /Echo Meats/);
    assert.doesNotMatch(third, /Alpha Packing/);
    assert.doesNotMatch(third, /rel="next"/, "no next page after the last");
    const filtered = await get("/suppliers?city=Ames");
    assert.match(filtered, /<strong>1<\/strong> suppliers/);

    const post = (fields: Array<[string, string]>) =>
      server.fetch(t.host, "/suppliers/views", {
        method: "POST",
        headers: {
          ...cookie,
          "content-type": "application/x-www-form-urlencoded",
          origin: `http://${t.host}:${server.port}`,
        },
        body: new URLSearchParams([["_csrf", t.csrf], ...fields]).toString(),
      });
    const saved = await post([["name", "Iowa"], ["query", "city=Ames&cursor=x&page=2"]]);
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get("location"), "/suppliers?city=Ames");
    assert.match(await get("/suppliers"), /href="\/suppliers\?city=Ames"[^>]*>Iowa</);
    assert.equal((await post([["delete", "Iowa"]])).status, 303);
    assert.doesNotMatch(await get("/suppliers"), />Iowa</);
    assert.equal((await api.ok("GET", "/api/v1/suppliers")).data.length, 5, "nothing else changed");
  } finally {
    await server.close();
  }
});
