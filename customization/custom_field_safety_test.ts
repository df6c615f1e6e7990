/**
 * What a fuzzing pass found in custom fields, against the real server: a tenant's pattern that
 * backtracks (ReDoS), keys that are SQL keywords, numbers past 2^53, repeated multi-choice values
 * and control characters in custom text.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";

async function withApi(fn: (server: TestServer, api: ApiClient) => Promise<void>) {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await fn(server, await apiClient(server, tenant));
  } finally {
    await server.close();
  }
}

async function configure(api: ApiClient, document: unknown) {
  const current = await api.call("GET", "/api/v1/config");
  const etag = current.headers.get("etag")!;
  return await api.call("PUT", "/api/v1/config", document, { "if-match": etag });
}

Deno.test("a backtracking custom-field pattern runs on RE2: the check is instant and the server stays free", async () => {
  await withApi(async (server, api) => {
    const res = await configure(api, {
      custom_fields: {
        suppliers: [
          { key: "vessel", label: "Vessel", type: "text", pattern: "^(a+)+$" },
          {
            key: "container",
            label: "Container",
            type: "text",
            document_pattern: "(x+x+)+y",
          },
        ],
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));

    // With JavaScript's RegExp this took 10 s at 32 characters and doubled with each one more.
    const evil = "a".repeat(30) + "!";
    const started = performance.now();
    const health = (async () => {
      const t = performance.now();
      const r = await server.fetch(api.host, "/healthz");
      await r.body?.cancel();
      return performance.now() - t;
    })();
    const refused = await api.call("POST", "/api/v1/suppliers", {
      name: "x",
      custom_fields: { vessel: evil },
    });
    const took = performance.now() - started;
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.ok(took < 2000, `the check took ${took.toFixed(0)} ms`);
    assert.ok((await health) < 2000, "/healthz did not wait behind the check");

    // The pattern still does its job.
    const ok = await api.call("POST", "/api/v1/suppliers", {
      name: "y",
      custom_fields: { vessel: "aaaa" },
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
  });
});

Deno.test("the configuration refuses patterns RE2 cannot run, saying why, and over-long ones", async () => {
  await withApi(async (_server, api) => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ pattern: "^(a)\\1$" }, "pattern", /RE2.*Backreferences/s],
      [{ pattern: "^(?=a)a$" }, "pattern", /RE2.*Lookarounds/s],
      [{ document_pattern: "(?<!x)y" }, "document_pattern", /RE2.*Lookarounds/s],
      [{ pattern: "[a-" }, "pattern", /not a valid RE2 regular expression/],
      [{ pattern: "a".repeat(201) }, "pattern", /at most 200 characters/],
      [{ document_pattern: "a".repeat(201) }, "document_pattern", /at most 200 characters/],
    ];
    for (const [extra, key, message] of cases) {
      const res = await configure(api, {
        custom_fields: {
          suppliers: [{ key: "vessel", label: "Vessel", type: "text", ...extra }],
        },
      });
      assert.equal(res.status, 400, `${JSON.stringify(extra)}: ${JSON.stringify(res.body)}`);
      const text = JSON.stringify(res.body);
      assert.match(text, new RegExp(key), JSON.stringify(extra));
      assert.match(text, message, text);
    }
    // RE2 syntax an ordinary pattern uses is taken.
    const fine = await configure(api, {
      custom_fields: {
        suppliers: [{
          key: "vessel",
          label: "Vessel",
          type: "text",
          pattern: "^(?i)[a-z]{4}\\d{7}$",
          document_pattern: "\\p{Lu}{4}\\d{7}",
        }],
      },
    });
    assert.equal(fine.status, 200, JSON.stringify(fine.body));
    const made = await api.call("POST", "/api/v1/suppliers", {
      name: "x",
      custom_fields: { vessel: "mscu1234567" },
    });
    assert.equal(made.status, 201, JSON.stringify(made.body));
  });
});

const KEYWORDS = ["when", "order", "group", "select", "from", "index", "default"];

Deno.test("custom-field keys that are SQL keywords work in create, read, list, sort, filter and search", async () => {
  await withApi(async (_server, api) => {
    const res = await configure(api, {
      custom_fields: {
        suppliers: KEYWORDS.map((key) => ({
          key,
          label: `Field ${key}`,
          type: key === "when" ? "date" : "text",
          column: true,
        })),
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const values = Object.fromEntries(
      KEYWORDS.map((k) => [k, k === "when" ? "2026-03-31" : `${k}-value`]),
    );
    const created = await api.call("POST", "/api/v1/suppliers", {
      name: "Keyword Meats",
      custom_fields: values,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = (created.body as { id: string }).id;
    const got = await api.ok("GET", `/api/v1/suppliers/${id}`);
    assert.deepEqual(got.custom_fields, values);
    await api.ok("POST", "/api/v1/suppliers", { name: "Other Meats" }, 201);

    for (const key of KEYWORDS) {
      const sorted = await api.ok("GET", `/api/v1/suppliers?sort=-${key}`);
      assert.equal(sorted.data[0].name, "Keyword Meats", `sort by ${key}`);
      const filter = key === "when"
        ? "when_from=2026-03-01&when_to=2026-04-01"
        : `${key}=${key}-value`;
      const filtered = await api.ok("GET", `/api/v1/suppliers?${filter}`);
      assert.deepEqual(filtered.data.map((r: { id: string }) => r.id), [id], `filter ${key}`);
    }
    const found = await api.ok("GET", "/api/v1/suppliers?q=select-value");
    assert.deepEqual(found.data.map((r: { id: string }) => r.id), [id]);
    const patched = await api.ok("PATCH", `/api/v1/suppliers/${id}`, {
      version: got.version,
      custom_fields: { order: "changed" },
    });
    assert.equal(patched.custom_fields.order, "changed");
  });
});

Deno.test("custom numbers past 2^53 are refused with 422, multi-choice values may not repeat", async () => {
  await withApi(async (_server, api) => {
    const res = await configure(api, {
      custom_fields: {
        suppliers: [
          { key: "weight", label: "Weight", type: "number" },
          { key: "species", label: "Species", type: "multi_choice", choices: ["x", "y"] },
        ],
      },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const weight of [9007199254740993, -9007199254740993, 1e300]) {
      const r = await api.call("POST", "/api/v1/suppliers", {
        name: "x",
        custom_fields: { weight },
      });
      assert.equal(r.status, 422, `${weight}: ${JSON.stringify(r.body)}`);
      assert.match(JSON.stringify(r.body), /too large to keep exactly/);
    }
    const safe = await api.ok("POST", "/api/v1/suppliers", {
      name: "x",
      custom_fields: { weight: 9007199254740991, species: ["x", "y"] },
    }, 201);
    const read = await api.ok("GET", `/api/v1/suppliers/${safe.id}`);
    assert.equal(read.custom_fields.weight, 9007199254740991);
    assert.deepEqual(read.custom_fields.species, ["x", "y"]);

    const twice = await api.call("POST", "/api/v1/suppliers", {
      name: "x",
      custom_fields: { species: ["x", "x"] },
    });
    assert.equal(twice.status, 422, JSON.stringify(twice.body));
    assert.match(JSON.stringify(twice.body), /Choose each value once/);
    const patch = await api.call("PATCH", `/api/v1/suppliers/${safe.id}`, {
      version: read.version,
      custom_fields: { species: ["y", "y"] },
    });
    assert.equal(patch.status, 422, JSON.stringify(patch.body));
  });
});

Deno.test("record names and custom text refuse NUL, other control codes and direction overrides", async () => {
  await withApi(async (_server, api) => {
    const res = await configure(api, {
      custom_fields: { suppliers: [{ key: "vessel", label: "Vessel", type: "text" }] },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const bad of ["a\u0000b", "a\u001bb", "a\u0007b", "a\u007fb", "a\u202egnp.pdf"]) {
      const named = await api.call("POST", "/api/v1/suppliers", { name: bad });
      assert.equal(named.status, 422, `${JSON.stringify(bad)}: ${JSON.stringify(named.body)}`);
      assert.match(JSON.stringify(named.body), /control codes/);
      const custom = await api.call("POST", "/api/v1/suppliers", {
        name: "x",
        custom_fields: { vessel: bad },
      });
      assert.equal(custom.status, 422, `${JSON.stringify(bad)}: ${JSON.stringify(custom.body)}`);
    }
    assert.equal((await api.ok("GET", "/api/v1/suppliers")).data.length, 0, "nothing stored");
    // Tabs and line breaks stay allowed in text; so do notes with CRLF from a browser form.
    const fine = await api.call("POST", "/api/v1/suppliers", {
      name: "Tab\tMeats",
      custom_fields: { vessel: "MSC\tAnna" },
    });
    assert.equal(fine.status, 201, JSON.stringify(fine.body));
  });
});
