/**
 * The margin report with a customer invoiced in CAD while costs are in the workspace's USD, over
 * the real API: with no rate the sale is named as not converted and left out of the totals (never
 * added as if it were USD); with a rate it is converted at the load's day; once the invoice is
 * issued its rate is frozen, so a later rate changes nothing; the aging converts the same way;
 * and Settings → Exchange rates saves a rate and refuses a bad one.
 */
import assert from "node:assert/strict";
import { FixedClock } from "./clock.ts";
import { signUpTenant, startTestServer } from "../tests/helpers/server.ts";
import { apiClient } from "../tests/helpers/api.ts";

const RANGE = "from=2026-11-01&to=2026-11-30";

Deno.test("margin report with a CAD invoice: not converted without a rate, converted at the rate frozen on the invoice", async (t) => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const toronto = await api.ok("POST", "/api/v1/customers", {
      name: "Toronto Meats",
      currency: "CAD",
    }, 201);
    // Bought for USD 20,000.00; sold for CAD 30,000.00; freight USD 1,500.00.
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 10_000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: toronto.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 10_000, price: 3, purchase_order_id: po.id }],
    }, 201);
    assert.equal(so.currency, "CAD");
    await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      sales_order_id: so.id,
      pickup_appointment: "2026-11-03T08:00",
      freight_cents: 1_500_00,
    }, 201);
    const margin = async (by = "load") =>
      await api.ok("GET", `/api/v1/reports/margin?by=${by}&${RANGE}`);
    const page = async () =>
      await (await server.fetch(tenant.host, `/reports?report=margin&by=customer&${RANGE}`, {
        headers: { cookie: tenant.jar.header(tenant.host) },
      })).text();

    await t.step("with no rate the CAD sale is named, not added as USD", async () => {
      const report = await margin();
      const [row] = report.data;
      assert.equal(row.currency, "CAD");
      assert.equal(row.sale_cents, 30_000_00);
      assert.equal(row.cost_cents, 20_000_00);
      assert.equal(row.sale_converted_cents, null);
      assert.equal(row.margin_cents, null, "no margin from CAD minus USD");
      assert.equal(row.unconverted_cents, 30_000_00);
      assert.equal(report.totals.currency, "USD");
      assert.equal(report.totals.margin_cents, 0);
      assert.deepEqual(report.totals.unconverted, [{ currency: "CAD", cents: 30_000_00 }]);
      const html = await page();
      assert.match(html, /CA\$30,000\.00 not converted: no rate/);
      assert.doesNotMatch(html, /\$8,500\.00/, "never 30,000 - 20,000 - 1,500 as if one currency");
    });

    await t.step("a rate for a day before the load converts its sale", async () => {
      const saved = await api.ok("POST", "/api/v1/exchange-rates", {
        currency: "CAD",
        day: "2026-11-01",
        rate: "0.7312",
      });
      assert.equal(saved.rate, "0.7312");
      const [row] = (await margin()).data;
      // CAD 30,000.00 x 0.7312 = USD 21,936.00; - 20,000.00 - 1,500.00 = 436.00.
      assert.equal(row.sale_converted_cents, 21_936_00);
      assert.equal(row.margin_cents, 436_00);
      assert.equal(row.unconverted_cents, 0);
      const byCustomer = await margin("customer");
      assert.equal(byCustomer.totals.margin_cents, 436_00);
      assert.deepEqual(byCustomer.totals.unconverted, []);
      assert.match(await page(), /data-margin-total[^>]*>\$436\.00</);
    });

    await t.step("an issued invoice freezes its rate: a later rate changes nothing", async () => {
      const invoice = await api.ok("POST", "/api/v1/invoices", {
        customer_id: toronto.id,
        sales_order_id: so.id,
        invoice_date: "2026-11-04",
        due_date: "2026-12-04",
        state: "sent",
        lines: [{ description: "Trim", weight: 10_000, price: 3 }],
      }, 201);
      assert.equal(invoice.currency, "CAD");
      assert.equal(invoice.exchange_rate, "1 CAD = 0.7312 USD (2026-11-01)", "frozen on issue");
      // A rate entered afterwards for the load's own day would change an unfrozen sale.
      await api.ok("POST", "/api/v1/exchange-rates", {
        currency: "CAD",
        day: "2026-11-02",
        rate: "0.75",
      });
      const [row] = (await margin()).data;
      assert.equal(row.sale_converted_cents, 21_936_00, "the invoice's frozen 0.7312");
      const kept = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
      assert.equal(
        kept.exchange_rate,
        "1 CAD = 0.7312 USD (2026-11-01)",
        "a later rate changes nothing",
      );
      assert.equal(row.margin_cents, 436_00);
      const aging = await api.ok("GET", "/api/v1/reports/aging?as_of=2026-11-20");
      assert.equal(aging.converted_totals.currency, "USD");
      assert.equal(aging.converted_totals.total_cents, 21_936_00);
      assert.deepEqual(aging.converted_totals.unconverted, []);
      assert.deepEqual(
        aging.totals_by_currency.map((x: { currency: string }) => x.currency),
        ["CAD"],
        "the per-currency totals stay as they were",
      );
    });

    await t.step("the workspace's own currency needs no rate; a bad rate is refused", async () => {
      const set = (currency: string, day: string, rate: string) =>
        api.call("POST", "/api/v1/exchange-rates", { currency, day, rate });
      assert.equal((await set("USD", "2026-11-01", "1")).status, 422);
      assert.equal((await set("CAD", "2026-11-05", "-2")).status, 422);
      assert.equal((await set("EUR", "2026-11-05", "1.1")).status, 422);
      for (const day of ["2027-02-30", "0000-00-00", "2027-13-45"]) {
        assert.equal((await set("CAD", day, "0.73")).status, 422, `${day} does not exist`);
        const aging = await api.call("GET", `/api/v1/reports/aging?as_of=${day}`);
        assert.equal(aging.status, 400, `aging as of ${day}`);
      }
      const listed = await api.ok("GET", "/api/v1/exchange-rates");
      assert.equal(listed.workspace_currency, "USD");
      assert.deepEqual(
        listed.data.map((r: { currency: string; day: string; rate: string }) =>
          `${r.currency} ${r.day} ${r.rate}`
        ),
        ["CAD 2026-11-02 0.75", "CAD 2026-11-01 0.7312"],
      );
    });

    await t.step("Settings → Exchange rates saves a rate from its form", async () => {
      const post = (fields: Record<string, string>) =>
        server.fetch(tenant.host, "/settings/exchange-rates", {
          method: "POST",
          headers: {
            cookie: tenant.jar.header(tenant.host),
            "content-type": "application/x-www-form-urlencoded",
          },
          body: new URLSearchParams({ _csrf: tenant.csrf, ...fields }).toString(),
        });
      const refused = await post({ currency: "MXN", day: "2026-11-05", rate: "abc" });
      assert.equal(refused.status, 422);
      assert.match(await refused.text(), /positive number/);
      const ok = await post({ currency: "MXN", day: "2026-11-05", rate: "0.054321" });
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /1 MXN = 0\.054321 USD/);
      const listed = await api.ok("GET", "/api/v1/exchange-rates");
      assert.equal(listed.data.length, 3);
      // Deleting a rate: the invoice keeps its frozen one, so the margin does not move.
      const gone = await api.call("DELETE", "/api/v1/exchange-rates/CAD-2026-11-01");
      assert.equal(gone.status, 204);
      const again = await api.call("DELETE", "/api/v1/exchange-rates/CAD-2026-11-01");
      assert.equal(again.status, 404);
      const [row] = (await margin()).data;
      assert.equal(row.margin_cents, 436_00);
    });
  } finally {
    await server.close();
  }
});

Deno.test("a load's own margin converts its CAD sale, and is empty without a rate", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const toronto = await api.ok("POST", "/api/v1/customers", {
      name: "Toronto Meats",
      currency: "CAD",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 10_000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: toronto.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 10_000, price: 3, purchase_order_id: po.id }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      sales_order_id: so.id,
      pickup_appointment: "2026-11-03T08:00",
      freight_cents: 1_500_00,
    }, 201);
    const none = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(none.sale_cents, null, "a CAD sale is not shown as dollars");
    assert.equal(none.margin_cents, null, "no margin of CAD minus USD");
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-11-03",
      rate: "0.7312",
    });
    const converted = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(converted.sale_cents, 21_936_00);
    assert.equal(converted.margin_cents, 436_00);
    const [row] = (await api.ok(
      "GET",
      "/api/v1/reports/margin?by=load&from=2026-11-01&to=2026-11-30",
    )).data;
    assert.equal(row.margin_cents, converted.margin_cents, "the page and the report agree");
    // Half a cent rounds to the even cent, in SQL as in the report: 30,000.01 CAD at 0.5.
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-11-03",
      rate: "0.5",
    });
    await api.ok("PATCH", `/api/v1/sales-orders/${so.id}`, {
      version: so.version,
      lines: [{
        description: "Trim",
        cases: 1,
        price: 30_000.01,
        price_basis: "case",
        purchase_order_id: po.id,
      }],
    });
    const half = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(half.sale_cents, 15_000_00, "1,500,000.5 cents to the even 1,500,000");
    const [again] = (await api.ok(
      "GET",
      "/api/v1/reports/margin?by=load&from=2026-11-01&to=2026-11-30",
    )).data;
    assert.equal(again.sale_converted_cents, 15_000_00);
  } finally {
    await server.close();
  }
});

Deno.test("selling a PO to a CAD customer shows the margin with the sale converted, or says it cannot", async () => {
  const server = await startTestServer({}, { clock: new FixedClock("2026-11-20T18:00:00Z") });
  try {
    const tenant = await signUpTenant(server);
    const api = await apiClient(server, tenant);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packers" }, 201);
    const toronto = await api.ok("POST", "/api/v1/customers", {
      name: "Toronto Meats",
      currency: "CAD",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-18",
      lines: [{ description: "Trim", weight: 10_000, price: 2 }],
    }, 201);
    // A refused save (no order date) shows the screen again with the customer chosen.
    const screen = async () => {
      const res = await server.fetch(tenant.host, `/purchase-orders/${po.id}/sales-order`, {
        method: "POST",
        headers: {
          cookie: tenant.jar.header(tenant.host),
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams([
          ["_csrf", tenant.csrf],
          ["customer_id", toronto.id],
          ["_has.lines", "1"],
          ["lines.0.description", "Trim"],
          ["lines.0.weight", "10000"],
          ["lines.0.price", "3"],
          ["lines.0.cost_cents", "2000000"],
        ]).toString(),
      });
      assert.equal(res.status, 422);
      const html = await res.text();
      return html.slice(html.indexOf("data-lines-margin"), html.indexOf("data-lines-margin") + 600);
    };
    const none = await screen();
    assert.match(none, /CAD 30,000\.00 not converted: no rate/);
    assert.doesNotMatch(none, /10,000\.00/, "never CAD 30,000 minus USD 20,000");
    await api.ok("POST", "/api/v1/exchange-rates", {
      currency: "CAD",
      day: "2026-11-19",
      rate: "0.7312",
    });
    const converted = await screen();
    assert.match(converted, /1,936\.00/, "21,936.00 - 20,000.00");
    assert.match(converted, /CAD 30,000\.00 × 0\.7312 = USD 21,936\.00/);
  } finally {
    await server.close();
  }
});
