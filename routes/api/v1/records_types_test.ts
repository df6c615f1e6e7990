/**
 * Every record type through the API: create (in the fixtures), read, update, stale update, list
 * filters, search, bad input, archive and delete rules, and another tenant's ids.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../../tests/helpers/server.ts";
import { apiClient } from "../../../tests/helpers/api.ts";
import { type OneOfEach, seedOneOfEach } from "../../../tests/helpers/records.ts";
import { RECORD_TYPES } from "../../../domain/catalog.ts";
import { filterFields } from "../../../domain/records/query.ts";

/** A change each type accepts, and the field to read it back from. */
const PATCHES: Record<string, Record<string, unknown>> = {
  suppliers: { phone: "555-0142" },
  plants: { manager: "Pat Plant" },
  customers: { credit_limit_cents: 99_000_00 },
  carriers: { insurance_policy: "POL-42" },
  contacts: { title: "Head buyer" },
  locations: { receiving_hours: "24/7" },
  products: { namp_number: "120A" },
  "purchase-orders": { carrier_release: "REL-9" },
  "sales-orders": { customer_po: "CPO-77" },
  loads: { seal_number: "SEAL-5" },
  invoices: { notes: "Thanks for the business" },
  bills: { notes: "Fuel surcharge included" },
  payments: { reference: "WIRE-2" },
  claims: { approved_cents: 40_000 },
};

/** Types whose fixture record nothing references (so it may be deleted). */
const LEAVES = new Set(["contacts", "bills", "payments", "claims"]);

Deno.test("every record type: read, update, stale update, filters, search, bad input, archive, delete", async (t) => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const other = await apiClient(server, await signUpTenant(server));
    const records: OneOfEach = await seedOneOfEach(api, "zulu");

    for (const def of RECORD_TYPES) {
      const rec = records[def.collection as keyof OneOfEach];
      const base = `/api/v1/${def.collection}`;
      await t.step(def.collection, async () => {
        // read
        const read = await api.call("GET", `${base}/${rec.id}`);
        assert.equal(read.status, 200);
        assert.equal(read.body.id, rec.id);
        assert.equal(read.headers.get("etag"), `"${rec.version}"`);

        // another tenant's id is not there
        assert.equal((await other.call("GET", `${base}/${rec.id}`)).status, 404);
        assert.equal((await api.call("GET", `${base}/not-an-id`)).status, 404);

        // update, then a stale update that changes nothing
        const patch = PATCHES[def.collection]!;
        const updated = await api.ok("PATCH", `${base}/${rec.id}`, {
          version: rec.version,
          ...patch,
        });
        for (const [k, v] of Object.entries(patch)) assert.deepEqual(updated[k], v);
        assert.equal(updated.version, rec.version + 1);
        const stale = await api.call("PATCH", `${base}/${rec.id}`, {
          version: rec.version,
          ...patch,
        });
        assert.equal(stale.status, 409);
        // If-Match works instead of a version in the body
        const viaEtag = await api.call("PATCH", `${base}/${rec.id}`, patch, {
          "if-match": `"${updated.version}"`,
        });
        assert.equal(viaEtag.status, 200, JSON.stringify(viaEtag.body));

        // list filters: one that matches the record, one that does not
        const field = filterFields(def).find((f) =>
          f.kind !== "date" && updated[f.name] !== null && updated[f.name] !== undefined &&
          !(Array.isArray(updated[f.name]))
        );
        if (field) {
          const value = String(updated[field.name]);
          const hit = await api.ok("GET", `${base}?${field.name}=${encodeURIComponent(value)}`);
          assert.ok(
            hit.data.some((r: { id: string }) => r.id === rec.id),
            `${field.name}=${value}`,
          );
          const miss = await api.ok(
            "GET",
            `${base}?${field.name}=${
              field.kind === "boolean" ? String(!updated[field.name]) : "zzz-none"
            }`,
          );
          assert.ok(!miss.data.some((r: { id: string }) => r.id === rec.id));
        }
        const badFilter = await api.call("GET", `${base}?no_such_filter=1`);
        assert.equal(badFilter.status, 400);
        assert.ok(badFilter.body.error.details.no_such_filter);

        // search within the list by the record's own title words
        const list = await api.ok("GET", `${base}?q=zulu`);
        if (
          def.fields.some((f) =>
            f.search && String(updated[f.name] ?? "").toLowerCase().includes("zulu")
          )
        ) {
          assert.ok(
            list.data.some((r: { id: string }) => r.id === rec.id),
            `search ${def.collection}`,
          );
        }

        // bad input: nothing is written
        const countBefore = (await api.ok("GET", `${base}?limit=200&archived=include`)).data.length;
        const empty = await api.call("POST", base, {});
        const required = def.fields.filter((f) =>
          f.required && !f.computed && !(def.numbering && f.name === "number")
        );
        if (required.length) {
          assert.equal(empty.status, 422);
          for (const f of required) {
            assert.ok(empty.body.error.details[f.name], `${f.name} required`);
          }
        }
        const junk = await api.call("POST", base, { nonsense: 1 });
        assert.equal(junk.status, 422);
        assert.ok(junk.body.error.details.nonsense);
        const malformed = await server.fetch(tenant.host, base, {
          method: "POST",
          headers: { authorization: `Bearer ${api.token}`, "content-type": "application/json" },
          body: "{not json",
        });
        assert.equal(malformed.status, 400);
        await malformed.body?.cancel();
        const countAfter = (await api.ok("GET", `${base}?limit=200&archived=include`)).data.length;
        assert.equal(countAfter, countBefore);

        // archive hides it from lists; restore brings it back
        const archived = await api.ok("POST", `${base}/${rec.id}/archive`);
        assert.ok(archived.archived_at);
        const visible = await api.ok("GET", `${base}?limit=200`);
        assert.ok(!visible.data.some((r: { id: string }) => r.id === rec.id));
        const only = await api.ok("GET", `${base}?limit=200&archived=only`);
        assert.ok(only.data.some((r: { id: string }) => r.id === rec.id));
        await api.ok("POST", `${base}/${rec.id}/restore`);

        // history lists create, update(s), archive, restore
        const history = await api.ok("GET", `${base}/${rec.id}/history`);
        assert.deepEqual(
          history.data.map((h: { action: string }) => h.action).reverse(),
          ["create", "update", "update", "archive", "restore"],
        );
      });
    }

    await t.step("delete: refused while referenced, allowed for leaves", async () => {
      for (const def of RECORD_TYPES) {
        if (LEAVES.has(def.collection)) continue;
        const rec = records[def.collection as keyof OneOfEach];
        const res = await api.call("DELETE", `/api/v1/${def.collection}/${rec.id}`);
        assert.equal(res.status, 409, `${def.collection} is referenced`);
      }
      for (const collection of LEAVES) {
        const rec = records[collection as keyof OneOfEach];
        assert.equal((await api.call("DELETE", `/api/v1/${collection}/${rec.id}`)).status, 204);
        assert.equal((await api.call("GET", `/api/v1/${collection}/${rec.id}`)).status, 404);
      }
      // Deleting the payment gave the invoice its outstanding amount back.
      const invoice = await api.ok("GET", `/api/v1/invoices/${records.invoices.id}`);
      assert.equal(invoice.paid_cents, 0);
      assert.equal(invoice.outstanding_cents, invoice.total_cents);
    });
  } finally {
    await server.close();
  }
});
