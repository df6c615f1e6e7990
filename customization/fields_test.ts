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

const FIELDS = {
  suppliers: [
    { key: "haccp_plan", label: "HACCP plan", type: "text", pattern: "^HP-\\d{4}$", search: true },
    { key: "rating", label: "Rating", type: "number", min: 1, max: 5, column: true },
    { key: "annual_volume", label: "Annual volume", type: "money", max: 1000000 },
    { key: "audited_on", label: "Audited on", type: "date" },
    { key: "tier", label: "Tier", type: "choice", choices: ["Gold", "Silver"], default: "Silver" },
    { key: "species", label: "Species", type: "multi_choice", choices: ["Beef", "Pork", "Lamb"] },
    { key: "halal", label: "Halal", type: "yes_no" },
    { key: "main_buyer", label: "Main buyer", type: "link", link_to: "customers" },
  ],
};

async function configure(api: ApiClient, document: unknown, version: string) {
  const res = await api.call("PUT", "/api/v1/config", document, { "if-match": version });
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

Deno.test("custom fields of every type are stored, answered under custom_fields, filtered and searched", async () => {
  await withApi(async (_server, api) => {
    await configure(api, { custom_fields: FIELDS }, '"0"');
    const buyer = await api.ok("POST", "/api/v1/customers", { name: "Lone Star Grocers" }, 201);
    const created = await api.ok("POST", "/api/v1/suppliers", {
      name: "Prairie Packers",
      custom_fields: {
        haccp_plan: "HP-0042",
        rating: 4.5,
        annual_volume: 50_000_000,
        audited_on: "2026-03-31",
        species: ["Beef", "Lamb"],
        halal: true,
        main_buyer: buyer.id,
      },
    }, 201);
    assert.deepEqual(created.custom_fields, {
      haccp_plan: "HP-0042",
      rating: 4.5,
      annual_volume: 50_000_000,
      audited_on: "2026-03-31",
      tier: "Silver", // the default
      species: ["Beef", "Lamb"],
      halal: true,
      main_buyer: buyer.id,
    });
    assert.equal(created.rating, undefined, "custom values answer only under custom_fields");
    await api.ok("POST", "/api/v1/suppliers", { name: "Other Meats" }, 201);

    const got = await api.ok("GET", `/api/v1/suppliers/${created.id}`);
    assert.deepEqual(got.custom_fields, created.custom_fields);

    const filtered = await api.ok("GET", "/api/v1/suppliers?halal=true&tier=Silver");
    assert.deepEqual(filtered.data.map((r: { name: string }) => r.name), ["Prairie Packers"]);
    assert.deepEqual(filtered.data[0].custom_fields.species, ["Beef", "Lamb"]);
    const bySpecies = await api.ok("GET", "/api/v1/suppliers?species=Pork");
    assert.equal(bySpecies.data.length, 0);
    const sorted = await api.ok("GET", "/api/v1/suppliers?sort=rating"); // empty values last
    assert.equal(sorted.data[0].name, "Prairie Packers");
    const found = await api.ok("GET", "/api/v1/suppliers?q=HP-0042");
    assert.deepEqual(found.data.map((r: { id: string }) => r.id), [created.id]);

    const patched = await api.ok("PATCH", `/api/v1/suppliers/${created.id}`, {
      version: got.version,
      custom_fields: { rating: null, tier: "Gold" },
    });
    assert.equal(patched.custom_fields.rating, null);
    assert.equal(patched.custom_fields.tier, "Gold");
    assert.equal(patched.custom_fields.haccp_plan, "HP-0042", "fields not sent stay as they were");
  });
});

Deno.test("custom field checks answer 422 naming custom_fields.<key>, and nothing is written", async () => {
  await withApi(async (_server, api) => {
    await configure(api, {
      custom_fields: {
        suppliers: [
          ...FIELDS.suppliers,
          { key: "license", label: "License", type: "text", required: true },
        ],
      },
    }, '"0"');
    const bad = await api.call("POST", "/api/v1/suppliers", {
      name: "Prairie Packers",
      custom_fields: {
        haccp_plan: "plan 7",
        rating: 9,
        annual_volume: 200_000_000,
        tier: "Bronze",
        species: ["Goat"],
        main_buyer: "01jzzzzzzzzzzzzzzzzzzzzzzz",
        nonsense: 1,
      },
    });
    assert.equal(bad.status, 422);
    const details = bad.body.error.details as Record<string, string[]>;
    for (
      const key of ["haccp_plan", "rating", "annual_volume", "tier", "species.0", "license"]
    ) {
      assert.ok(details[`custom_fields.${key}`], `${key}: ${JSON.stringify(details)}`);
    }
    assert.ok(details["custom_fields.nonsense"], "an unknown custom key is named");
    const list = await api.ok("GET", "/api/v1/suppliers");
    assert.equal(list.data.length, 0);

    const missingBuyer = await api.call("POST", "/api/v1/suppliers", {
      name: "Prairie Packers",
      custom_fields: { license: "L-1", main_buyer: "01jzzzzzzzzzzzzzzzzzzzzzzz" },
    });
    assert.equal(missingBuyer.status, 422);
    assert.match(
      missingBuyer.body.error.details["custom_fields.main_buyer"][0],
      /No such customer/,
    );
  });
});

Deno.test("removing a custom field keeps its values until purged; a rollback shows them again", async () => {
  await withApi(async (_server, api) => {
    await configure(api, { custom_fields: FIELDS }, '"0"');
    const s = await api.ok("POST", "/api/v1/suppliers", {
      name: "Prairie Packers",
      custom_fields: { haccp_plan: "HP-0042", rating: 3 },
    }, 201);
    await configure(api, { custom_fields: { suppliers: [FIELDS.suppliers[1]] } }, '"1"');
    const hidden = await api.ok("GET", `/api/v1/suppliers/${s.id}`);
    assert.deepEqual(hidden.custom_fields, { rating: 3 });

    const orphans = await api.ok("GET", "/api/v1/custom-fields/orphaned");
    assert.deepEqual(orphans.data, [
      { collection: "suppliers", key: "haccp_plan", records: 1 },
      { collection: "suppliers", key: "tier", records: 1 },
    ]);
    const refused = await api.call("POST", "/api/v1/custom-fields/purge", {
      collection: "suppliers",
      key: "rating",
    });
    assert.equal(refused.status, 409, "a configured field is not purged");

    await api.ok("POST", "/api/v1/config/rollback", { version: 1 });
    const back = await api.ok("GET", `/api/v1/suppliers/${s.id}`);
    assert.equal(back.custom_fields.haccp_plan, "HP-0042");

    await configure(api, { custom_fields: { suppliers: [FIELDS.suppliers[1]] } }, '"3"');
    const purged = await api.ok("POST", "/api/v1/custom-fields/purge", {
      collection: "suppliers",
      key: "haccp_plan",
    });
    assert.equal(purged.records, 1);
    await api.ok("POST", "/api/v1/config/rollback", { version: 1 });
    const gone = await api.ok("GET", `/api/v1/suppliers/${s.id}`);
    assert.equal(gone.custom_fields.haccp_plan, null);
    assert.equal(gone.custom_fields.rating, 3);
  });
});

Deno.test("the tenant's OpenAPI document has its custom fields; another tenant's does not", async () => {
  await withApi(async (server, api) => {
    await configure(api, { custom_fields: FIELDS }, '"0"');
    const own = await api.ok("GET", "/api/openapi.json");
    const supplier = own.components.schemas.Supplier.properties.custom_fields;
    assert.deepEqual(Object.keys(supplier.properties), FIELDS.suppliers.map((f) => f.key));
    assert.equal(supplier.properties.rating.title, "Rating");
    const body = own.paths["/api/v1/suppliers"].post.requestBody.content["application/json"].schema;
    assert.match(JSON.stringify(body.properties.custom_fields.properties.tier), /"Gold","Silver"/);
    assert.equal(own.components.schemas.Customer.properties.custom_fields, undefined);

    const other = await apiClient(server, await signUpTenant(server));
    const shared = await other.ok("GET", "/api/openapi.json");
    assert.equal(shared.components.schemas.Supplier.properties.custom_fields, undefined);
    const bare = await (await server.fetch("localhost", "/api/openapi.json")).json();
    assert.equal(bare.components.schemas.Supplier.properties.custom_fields, undefined);
  });
});
