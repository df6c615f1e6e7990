/**
 * What a broker reads on the record pages: money, prices, counts and dates through
 * domain/format.ts, and history that names records instead of showing their ids.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer } from "../../tests/helpers/server.ts";
import { apiClient } from "../../tests/helpers/api.ts";
import { seedOneOfEach } from "../../tests/helpers/records.ts";

Deno.test("record pages format money, prices, counts and dates, and history names records", async (t) => {
  const server = await startTestServer();
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const seeded = await seedOneOfEach(api, "fmt");
    const get = async (path: string) => {
      const res = await server.fetch(tenant.host, path, {
        headers: { cookie: tenant.jar.header(tenant.host) },
      });
      assert.equal(res.status, 200, path);
      return await res.text();
    };

    await t.step("the payments list shows amounts as money, not 10000.00", async () => {
      const html = await get("/payments");
      assert.match(html, /fmt-wire · \$10,000\.00 on Oct 20, 2026/);
      assert.doesNotMatch(html, /10000\.00/);
    });

    await t.step(
      "a sales order's lines show $2.20 for a price, blank cases, grouped weight",
      async () => {
        const html = await get(`/sales-orders/${seeded["sales-orders"].id}`);
        const lines = html.slice(html.indexOf('class="lines-view"'));
        const row = lines.slice(lines.indexOf("<tbody>"), lines.indexOf("</tbody>"));
        assert.match(row, /data-label="Price"><span class="money">\$2\.20<\/span>/);
        assert.match(row, /data-label="Cases"><span class="muted">—<\/span>/, "no cases is blank");
        assert.match(row, /data-label="Weight"><span class="number">40,000<\/span>/);
        assert.doesNotMatch(row, />2\.2</);
      },
    );

    await t.step(
      "a purchase order's history names its supplier and formats its lines",
      async () => {
        const html = await get(`/purchase-orders/${seeded["purchase-orders"].id}`);
        const history = html.slice(html.indexOf("<h2>History</h2>"));
        assert.match(history, /Supplier: — → fmt Packing/);
        assert.match(history, /Plant: — → fmt Plant/);
        assert.match(history, /Order date: — → Oct 1, 2026/);
        assert.match(history, /Lines: — → 1 line, \$80,000\.00/);
        assert.ok(!history.includes(seeded.suppliers.id), "the supplier's id is not shown");
        assert.doesNotMatch(history, /80000\.00/);
      },
    );

    await t.step(
      "a load's detail shows its freight as money and its dates written out",
      async () => {
        const html = await get(`/loads/${seeded.loads.id}`);
        assert.match(html, /<span class="money">\$3,000\.00<\/span>/);
        const history = html.slice(html.indexOf("<h2>History</h2>"));
        assert.match(history, /Carrier: — → fmt Reefer/);
        assert.match(history, /Freight rate: — → \$3,000\.00/);
      },
    );
  } finally {
    await server.close();
  }
});
