/**
 * A workspace reshaping its own product must not break it: a field whose type changes while it
 * holds data, and the other changes below, keep every list, page and export working.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import type { SignedUp } from "../tests/helpers/server.ts";
import { validConfiguration } from "./document/parse.ts";
import { applyConfiguration } from "./document/store.ts";
import { icuLiteral, messageInWords, messagesInWords } from "./terms.ts";
import { compiledMessages, formatMessage, MAX_COMPILED } from "../i18n/format.ts";

async function withTenant(
  fn: (server: TestServer, tenant: SignedUp, api: ApiClient) => Promise<void>,
) {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    await fn(server, tenant, await apiClient(server, tenant));
  } finally {
    await server.close();
  }
}

async function configure(api: ApiClient, document: unknown) {
  const current = await api.call("GET", "/api/v1/config");
  const res = await api.call("PUT", "/api/v1/config", document, {
    "if-match": current.headers.get("etag")!,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

async function page(server: TestServer, t: SignedUp, path: string): Promise<number> {
  const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
  await res.body?.cancel();
  return res.status;
}

Deno.test("a field turned into a multi-choice while it holds single values keeps lists and filters working", async () => {
  await withTenant(async (server, tenant, api) => {
    await configure(api, {
      custom_fields: {
        suppliers: [
          { key: "grade", label: "Grade", type: "choice", choices: ["Prime", "Choice"] },
          { key: "score", label: "Score", type: "number" },
        ],
      },
    });
    const created = await api.ok("POST", "/api/v1/suppliers", {
      name: "Prairie Packers",
      custom_fields: { grade: "Prime", score: 3 },
    }, 201);
    await configure(api, {
      custom_fields: {
        suppliers: [
          { key: "grade", label: "Grade", type: "multi_choice", choices: ["Prime", "Choice"] },
          { key: "score", label: "Score", type: "multi_choice", choices: ["1", "2"] },
        ],
      },
    });
    const list = await api.ok("GET", "/api/v1/suppliers");
    assert.deepEqual(list.data[0].custom_fields, { grade: ["Prime"], score: [3] });
    const one = await api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.deepEqual(one.custom_fields.grade, ["Prime"]);
    const filtered = await api.ok("GET", "/api/v1/suppliers?grade=Prime");
    assert.deepEqual(filtered.data.map((r: { id: string }) => r.id), [created.id]);
    for (const path of ["/suppliers", "/suppliers?grade=Prime", "/suppliers/export.csv"]) {
      assert.equal(await page(server, tenant, path), 200, path);
    }
  });
});

const BRACES_AND_TAGS = {
  terminology: {
    record_types: {
      loads: {
        singular: "Load</T>",
        plural: "{count} loads",
        languages: { es: { singular: "Envío <b>", plural: "Envíos {x}", gender: "masculine" } },
      },
      carriers: { singular: "Hauler's {#}", plural: "Haulers'{" },
    },
    phrases: { "Export CSV": "Export <CSV>", "Sign out": "{bye}" },
  },
};

Deno.test("record types and phrases renamed with ICU syntax ({, <, ') keep every page rendering, in English and Spanish", async () => {
  await withTenant(async (server, tenant, api) => {
    await configure(api, BRACES_AND_TAGS);
    const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Fast Freight" }, 201);
    for (const language of ["en", "es"]) {
      for (
        const path of [
          "/",
          "/loads",
          "/loads/new",
          "/carriers",
          `/carriers/${carrier.id}`,
          `/carriers/${carrier.id}/edit`,
          "/notifications",
          "/settings/configuration",
        ]
      ) {
        const res = await server.fetch(tenant.host, path, {
          headers: { cookie: tenant.jar.header(tenant.host), "accept-language": language },
        });
        const html = await res.text();
        assert.equal(res.status, 200, `${language} ${path}`);
        assert.ok(!html.includes("<b>"), "the tenant's text is escaped");
      }
    }
    const page = await server.fetch(tenant.host, "/loads", {
      headers: { cookie: tenant.jar.header(tenant.host) },
    });
    const html = await page.text();
    assert.ok(html.includes("Export &lt;CSV"), "the reworded phrase, escaped");
    assert.ok(html.includes("{count} loads"), "the plural reads as written");
  });
});

Deno.test("messages in the tenant's words take names with ICU syntax as literal text", () => {
  const config = validConfiguration(BRACES_AND_TAGS);
  const island = messagesInWords(config, { "palette.new_load": "New load", other: "Loads" });
  assert.equal(formatMessage("en", island["palette.new_load"]), "New load</T>");
  assert.equal(formatMessage("en", island.other), "{count} loads");
  const es = messagesInWords(
    config,
    { "palette.new_load": "Nueva carga" },
    { "palette.new_load": "New load" },
    "es",
  );
  assert.equal(formatMessage("es", es["palette.new_load"]), "Nuevo envío <b>");
  assert.equal(
    messageInWords(config, "en", "event.carrier_insurance_expiring"),
    "A hauler's {#}'s insurance is expiring",
  );
  for (const text of ["a'{", "{'}", "'{", "Joe's", "x''y", "<b>{c}</b>'", "''{{}}''"]) {
    assert.equal(formatMessage("en", `New ${icuLiteral(text)} {n}`, { n: 1 }), `New ${text} 1`);
  }
});

Deno.test("a rule's set_field is refused on saving unless it names a settable field and a value it can hold", async () => {
  await withTenant(async (_server, _tenant, api) => {
    const rule = (actions: unknown[]) => ({
      custom_fields: {
        suppliers: [
          { key: "risk", label: "Risk", type: "choice", choices: ["low", "high"] },
          { key: "species", label: "Species", type: "multi_choice", choices: ["Beef"] },
        ],
      },
      rules: {
        record_rules: [{ name: "Shape", record_type: "suppliers", on: ["create"], actions }],
      },
    });
    const bad = rule([
      { type: "set_field", field: "name", value: null }, // NOT NULL: every create failed (500)
      { type: "set_field", field: "language", value: "klingon" }, // CHECK constraint: 500
      { type: "set_field", field: "credit_line_cents", value: "lots" },
      { type: "set_field", field: "species", value: "Beef" }, // a single value in a list field
      { type: "set_field", field: "no_such_field", value: "x" },
    ]);
    const current = await api.call("GET", "/api/v1/config");
    const etag = current.headers.get("etag")!;
    const refused = await api.call("PUT", "/api/v1/config", bad, { "if-match": etag });
    assert.equal(refused.status, 400, JSON.stringify(refused.body));
    assert.deepEqual(Object.keys(refused.body.error.details).sort(), [
      "rules.record_rules.0.actions.0.value",
      "rules.record_rules.0.actions.1.value",
      "rules.record_rules.0.actions.2.value",
      "rules.record_rules.0.actions.3.value",
      "rules.record_rules.0.actions.4.field",
    ]);
    const validated = await api.ok("POST", "/api/v1/config/validate", bad);
    assert.equal(validated.valid, false);
    assert.ok(validated.errors["rules.record_rules.0.actions.0.value"]);
    // Nothing was saved: suppliers can still be created.
    await api.ok("POST", "/api/v1/suppliers", { name: "Still Works" }, 201);

    await configure(
      api,
      rule([
        { type: "set_field", field: "risk", value: "high" },
        { type: "set_field", field: "payment_terms", value: "Net 7" },
        { type: "set_field", field: "species", value: null },
        { type: "set_field", field: "state", value: null },
      ]),
    );
    const created = await api.ok("POST", "/api/v1/suppliers", { name: "Shaped", state: "TX" }, 201);
    const got = await api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.equal(got.custom_fields.risk, "high");
    assert.equal(got.state, null);
  });
});

Deno.test("a multi-choice field with a default keeps its type's lists working", async () => {
  await withTenant(async (server, tenant, api) => {
    await configure(api, {
      custom_fields: {
        products: [{
          key: "grades",
          label: "Grades",
          type: "multi_choice",
          choices: ["Prime", "Choice"],
          default: "Prime",
        }],
      },
    });
    await api.ok("POST", "/api/v1/products", { code: "P1", description: "Brisket" }, 201);
    const list = await api.ok("GET", "/api/v1/products");
    assert.deepEqual(list.data[0].custom_fields.grades, ["Prime"]);
    assert.equal(await page(server, tenant, "/products"), 200);
  });
});

Deno.test("a custom field's default is refused on saving unless the field accepts it", async () => {
  await withTenant(async (_server, _tenant, api) => {
    const current = await api.call("GET", "/api/v1/config");
    const res = await api.call("PUT", "/api/v1/config", {
      custom_fields: {
        products: [
          { key: "n", label: "N", type: "number", default: "abc" },
          { key: "d", label: "D", type: "date", default: "tomorrow" },
          { key: "m", label: "M", type: "multi_choice", choices: ["a"], default: "b" },
          { key: "y", label: "Y", type: "yes_no", default: "nope" },
          { key: "t", label: "T", type: "text", default: "zz", pattern: "^A$" },
          { key: "ok", label: "OK", type: "date", default: "2026-03-31" },
        ],
      },
    }, { "if-match": current.headers.get("etag")! });
    assert.equal(res.status, 400, JSON.stringify(res.body));
    assert.deepEqual(
      Object.keys(res.body.error.details).sort(),
      [0, 1, 2, 3, 4].map((i) => `custom_fields.products.${i}.default`),
    );
  });
});

Deno.test("messages compiled with a workspace's own words are kept in a bounded cache", () => {
  for (let version = 0; version < MAX_COMPILED + 50; version++) {
    const config = validConfiguration({
      terminology: { record_types: { loads: { singular: `Shipment ${version}` } } },
    });
    messageInWords(config, "en", "event.load_delivered", { number: "L-1" });
  }
  assert.ok(compiledMessages() <= MAX_COMPILED, String(compiledMessages()));
});

Deno.test("a rule stored before the save-time check cannot break its record type: a value the field cannot hold is not written, the record says why", async () => {
  await withTenant(async (server, tenant, api) => {
    // Stored as an older version or a rollback would: past the API's save-time check.
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      await applyConfiguration(
        lease.db,
        {
          rules: {
            record_rules: [{
              name: "Legacy",
              record_type: "suppliers",
              on: ["create"],
              actions: [
                { type: "set_field", field: "name", value: null },
                { type: "set_field", field: "language", value: "klingon" },
                { type: "set_field", field: "payment_terms", value: "Net 7" },
              ],
            }],
          },
        },
        null,
        { userId: null, email: null, now: new Date() },
      );
    } finally {
      lease.release();
    }
    const created = await api.ok("POST", "/api/v1/suppliers", { name: "Kept Name" }, 201);
    const got = await api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.equal(got.name, "Kept Name");
    assert.equal(got.payment_terms, "Net 7", "the settable action still ran");
    const again = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      const notes = await again.db.execute({
        sql: "SELECT action, message FROM rule_activity WHERE record_id = ? ORDER BY message",
        args: [created.id],
      });
      const warned = notes.rows.filter((r) => r.action === "warn").map((r) => String(r.message));
      assert.equal(warned.length, 2, JSON.stringify(notes.rows));
      assert.ok(warned.every((m) => / was not set: /.test(m)));
    } finally {
      again.release();
    }
  });
});
