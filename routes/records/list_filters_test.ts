/**
 * The list pages' reference filters over real HTTP with a signed-in cookie: a select per small
 * referenced collection, preselected from the query, sent once, respected by CSV export; a big
 * collection keeps the hidden input.
 */
import assert from "node:assert/strict";
import { type SignedUp, signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import type { TestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { parseCsv } from "../../domain/records/csv.ts";

function pageGetter(server: TestServer, t: SignedUp) {
  return async (path: string) => {
    const res = await server.fetch(t.host, path, { headers: { cookie: t.jar.header(t.host) } });
    return { status: res.status, text: await res.text() };
  };
}

/** The `<select>` with this id, up to its end tag. */
function selectOf(html: string, id: string): string | undefined {
  return new RegExp(`<select id="${id}"[^>]*>[\\s\\S]*?</select>`).exec(html)?.[0];
}

/** How often a control named `name` appears in the page (inputs and selects). */
function controlsNamed(html: string, name: string): number {
  return [...html.matchAll(new RegExp(`<(?:input|select)[^>]*name="${name}"`, "g"))].length;
}

/** The table rows' titles (the first cell of each row). */
function listedTitles(html: string): string[] {
  return [...html.matchAll(/<th scope="row"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
}

function assertControlsLabelled(html: string) {
  const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
  assert.equal(new Set(ids).size, ids.length, `duplicate ids: ${ids}`);
  for (const m of html.matchAll(/<select id="([^"]+)"/g)) {
    assert.match(html, new RegExp(`<label for="${m[1]}"`), `${m[1]} has a label`);
  }
}

Deno.test("list pages: reference filters are labelled selects, sent once, followed by CSV export", async (t) => {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const get = pageGetter(server, tenant);
    // Created out of title order, so the select's order is the sort's doing.
    const zenith = await api.ok("POST", "/api/v1/suppliers", { name: "Zenith Beef" }, 201);
    const prairie = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const retired = await api.ok("POST", "/api/v1/suppliers", { name: "Old Mill Meats" }, 201);
    const po = (supplier: { id: string }, order_date: string) =>
      api.ok("POST", "/api/v1/purchase-orders", { supplier_id: supplier.id, order_date }, 201);
    const prairiePos = [await po(prairie, "2026-10-01"), await po(prairie, "2026-10-02")];
    const zenithPo = await po(zenith, "2026-10-03");
    const retiredPo = await po(retired, "2026-10-04");
    await api.ok("POST", `/api/v1/suppliers/${retired.id}/archive`);

    await t.step("the supplier select is preselected and the list follows it", async () => {
      const page = await get(`/purchase-orders?supplier_id=${prairie.id}`);
      assert.equal(page.status, 200);
      assert.match(page.text, /<label for="filter-supplier_id">Supplier<\/label>/);
      const select = selectOf(page.text, "filter-supplier_id");
      assert.ok(select, "a supplier select");
      assert.match(select, /name="supplier_id"/);
      assert.match(select, /<option value(?:="")?>Any<\/option>/);
      assert.match(select, new RegExp(`<option value="${prairie.id}" selected>Prairie Packers<`));
      assert.match(select, new RegExp(`<option value="${zenith.id}">Zenith Beef<`));
      assert.ok(select.indexOf("Prairie Packers") < select.indexOf("Zenith Beef"), "by title");
      assert.doesNotMatch(select, /Old Mill Meats/, "archived suppliers are not offered");
      assert.deepEqual(
        listedTitles(page.text).sort(),
        prairiePos.map((p) => p.number).sort(),
      );
      assert.doesNotMatch(page.text, new RegExp(`>${zenithPo.number}<`));
      assert.match(page.text, /<details class="more-filters" open>/);
      assertControlsLabelled(page.text);
    });

    await t.step("the filter is sent once: no hidden supplier_id beside the select", async () => {
      const page = await get(`/purchase-orders?supplier_id=${prairie.id}&sort=-order_date`);
      assert.equal(controlsNamed(page.text, "supplier_id"), 1);
      assert.doesNotMatch(page.text, /type="hidden" name="supplier_id"/);
      assert.match(page.text, /type="hidden" name="sort" value="-order_date"/);
    });

    await t.step("Export CSV carries the filter and lists only that supplier's POs", async () => {
      const page = await get(`/purchase-orders?supplier_id=${prairie.id}`);
      const link = /href="(\/purchase-orders\/export\.csv[^"]*)"/.exec(page.text)?.[1];
      assert.ok(link);
      assert.match(link, new RegExp(`supplier_id=${prairie.id}`));
      const csv = await get(`/purchase-orders/export.csv?supplier_id=${prairie.id}`);
      assert.equal(csv.status, 200);
      const rows = parseCsv(csv.text);
      const ids = rows.slice(1).map((r) => r[0]).sort();
      assert.deepEqual(ids, prairiePos.map((p) => p.id).sort());
      const supplierColumn = rows[0]!.indexOf("Supplier");
      assert.ok(rows.slice(1).every((r) => r[supplierColumn] === "Prairie Packers"));
    });

    await t.step("an archived supplier is offered only while it is the one selected", async () => {
      const page = await get(`/purchase-orders?supplier_id=${retired.id}&archived=include`);
      const select = selectOf(page.text, "filter-supplier_id")!;
      assert.match(
        select,
        new RegExp(`<option value="${retired.id}" selected>Old Mill Meats \\(archived\\)<`),
      );
      assert.deepEqual(listedTitles(page.text), [retiredPo.number]);
      assert.equal(controlsNamed(page.text, "supplier_id"), 1);
    });

    await t.step("several suppliers at once (the API's syntax) stay a hidden input", async () => {
      const both = `${prairie.id},${zenith.id}`;
      const page = await get(`/purchase-orders?supplier_id=${both}`);
      assert.equal(selectOf(page.text, "filter-supplier_id"), undefined);
      assert.match(page.text, new RegExp(`type="hidden" name="supplier_id" value="${both}"`));
      assert.equal(controlsNamed(page.text, "supplier_id"), 1);
      assert.equal(listedTitles(page.text).length, 3);
    });

    await t.step("loads offer a carrier select; plants a supplier select", async () => {
      const carrier = await api.ok("POST", "/api/v1/carriers", { name: "Cold Chain Express" }, 201);
      await api.ok("POST", "/api/v1/loads", {
        carrier_id: carrier.id,
        purchase_order_id: zenithPo.id,
      }, 201);
      const page = await get("/loads");
      assert.equal(page.status, 200);
      assert.match(page.text, /<label for="filter-carrier_id">Carrier<\/label>/);
      const select = selectOf(page.text, "filter-carrier_id");
      assert.ok(select, "a carrier select");
      assert.match(select, new RegExp(`<option value="${carrier.id}">Cold Chain Express<`));
      assert.doesNotMatch(page.text, /<details class="more-filters" open>/, "no filter in use");
      // A long title is shortened, so the select cannot push the panel wider than a phone.
      const long = await api.ok("POST", "/api/v1/carriers", {
        name: "Greater Omaha Refrigerated Transport and Logistics",
      }, 201);
      const after = selectOf((await get("/loads")).text, "filter-carrier_id")!;
      assert.match(
        after,
        new RegExp(`<option value="${long.id}">Greater Omaha Refrigerated Tran…<`),
      );
      assertControlsLabelled(page.text);
      const plants = await get(`/plants?supplier_id=${zenith.id}`);
      assert.match(selectOf(plants.text, "filter-supplier_id")!, /Zenith Beef/);
    });
  } finally {
    await server.close();
  }
});

Deno.test("list pages: a referenced collection over 300 active records, or of deals, gets the searchable picker with only the chosen record", async () => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const get = pageGetter(server, tenant);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Aardvark Foods" }, 201);
    const lease = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      await lease.db.execute(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n
          WHERE i < 300)
        INSERT INTO customers (id, name, created_at, updated_at)
        SELECT printf('bulk%04d', i), printf('Bulk customer %04d', i), '2026-01-01T00:00:00Z',
          '2026-01-01T00:00:00Z' FROM n`);
    } finally {
      lease.release();
    }
    const page = await get(`/sales-orders?customer_id=${customer.id}`);
    assert.equal(page.status, 200);
    // Without JavaScript: a select of the chosen customer alone (no select of 301); with it, the
    // FilterPicker island's combobox searches the rest (tests/e2e/list_filter_combobox_test.ts).
    const big = selectOf(page.text, "filter-customer_id")!;
    assert.match(big, new RegExp(`<option value="${customer.id}" selected>Aardvark Foods<`));
    assert.doesNotMatch(big, /Bulk customer/, "no select of 301");
    assert.match(page.text, /data-island="FilterPicker"/);
    assert.doesNotMatch(page.text, new RegExp(`type="hidden" name="customer_id"`));
    assert.equal(controlsNamed(page.text, "customer_id"), 1);
    const archiveOne = await server.services.pool.acquire(tenant.tenantId, null);
    try {
      await archiveOne.db.execute(
        "UPDATE customers SET archived_at = '2026-02-01T00:00:00Z' WHERE id = 'bulk0001'",
      );
    } finally {
      archiveOne.release();
    }
    const at300 = await get(`/sales-orders?customer_id=${customer.id}`);
    assert.match(
      selectOf(at300.text, "filter-customer_id")!,
      new RegExp(`<option value="${customer.id}" selected>Aardvark Foods<`),
      "300 active customers still make a select",
    );
    assert.equal(controlsNamed(at300.text, "customer_id"), 1);
    await api.ok("POST", "/api/v1/customers", { name: "One too many" }, 201);
    const unfiltered = await get("/sales-orders");
    assert.doesNotMatch(selectOf(unfiltered.text, "filter-customer_id")!, /<option value="[^"]/);
    // Deals are never offered as a select of hundreds: only the one chosen (a "See all" link).
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-10-02",
    }, 201);
    const invoices = await get("/invoices");
    assert.doesNotMatch(selectOf(invoices.text, "filter-customer_id")!, /<option value="[^"]/);
    assert.doesNotMatch(selectOf(invoices.text, "filter-sales_order_id")!, /<option value="[^"]/);
    const seeAll = await get(`/invoices?sales_order_id=${so.id}`);
    assert.match(
      selectOf(seeAll.text, "filter-sales_order_id")!,
      new RegExp(`<option value="${so.id}" selected>${so.number}<`),
    );
    assert.equal(controlsNamed(seeAll.text, "sales_order_id"), 1);
    assertControlsLabelled(seeAll.text);
  } finally {
    await server.close();
  }
});
