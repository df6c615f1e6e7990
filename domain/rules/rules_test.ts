/**
 * The brokerage rules over the real API: numbering under concurrency, totals and weights,
 * payments and payment status, due dates, aging buckets, credit hold and its override, margin.
 */
import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../../tests/helpers/server.ts";
import { type ApiClient, apiClient, clientWithToken } from "../../tests/helpers/api.ts";
import { addMember } from "../../tests/helpers/members.ts";
import type { Role } from "../../auth/roles.ts";
import { addDays, dueDateFromTerms, termsDays } from "./due_dates.ts";
import { lineAmountCents, toPounds } from "./totals.ts";
import { weekStart } from "../reports.ts";
import { FixedClock } from "../clock.ts";

async function memberClient(server: TestServer, host: string, tenantId: string, role: Role) {
  const m = await addMember(server, tenantId, role);
  const res = await server.fetch(host, "/api/v1/auth/tokens", {
    method: "POST",
    json: { email: m.email, password: m.password, name: role },
  });
  assert.equal(res.status, 201);
  return clientWithToken(server, host, (await res.json()).token);
}

/** The rules tests run on a known day: the orders and invoices below are dated around it. */
const TODAY = "2026-11-20";

async function setup() {
  const server = await startTestServer({
    RATE_LIMIT_PER_IP: "100000",
    RATE_LIMIT_PER_TENANT: "100000",
  }, { clock: new FixedClock(`${TODAY}T18:00:00Z`) });
  const tenant = await signUpTenant(server);
  const api = await apiClient(server, tenant);
  const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Rule Packers" }, 201);
  const customer = await api.ok("POST", "/api/v1/customers", {
    name: "Rule Grocers",
    payment_terms: "Net 30",
  }, 201);
  return { server, tenant, api, supplier, customer };
}

async function sentInvoice(
  api: ApiClient,
  customerId: string,
  invoiceDate: string,
  cents: number,
  extra: Record<string, unknown> = {},
) {
  return await api.ok("POST", "/api/v1/invoices", {
    customer_id: customerId,
    invoice_date: invoiceDate,
    state: "sent",
    lines: [{ description: "Trim", cases: 1, price: cents / 100, price_basis: "case" }],
    ...extra,
  }, 201);
}

Deno.test("unit: line amounts, pounds, terms and weeks", () => {
  assert.equal(lineAmountCents({ price: 2.1575, weight: 40000, price_basis: "weight" }), 8_630_000);
  assert.equal(
    lineAmountCents({ price: 42.5, cases: 10, weight: 999, price_basis: "case" }),
    42_500,
  );
  assert.equal(Math.round(toPounds(1000, "KG") * 100) / 100, 2204.62);
  assert.equal(toPounds(1000, "LB"), 1000);
  assert.equal(termsDays("Net 45"), 45);
  assert.equal(termsDays("Wire 1 day prior"), -1);
  assert.equal(termsDays("Something else"), null);
  assert.equal(termsDays("30 days"), 30);
  assert.equal(termsDays("2% 10 Net 30"), 30);
  assert.equal(termsDays("COD"), 0);
  assert.equal(termsDays("C.O.D."), 0);
  assert.equal(termsDays("Due upon receipt"), 0);
  assert.equal(termsDays("CIA - wire before release"), 0);
  // "cod" and "cia" inside other words are no cash terms.
  assert.equal(termsDays("Special terms per contract"), null);
  assert.equal(termsDays("Commercial terms"), null);
  assert.equal(termsDays("Net 30 EOM"), null, "counted from the month's end, not the date");
  assert.equal(weekStart("2026-11-25"), "2026-11-23"); // a Wednesday -> Monday
  assert.equal(addDays("2026-12-31", 1), "2027-01-01");
});

Deno.test("unit: due dates from terms counted from the month's end", () => {
  assert.equal(dueDateFromTerms("Net 30 EOM", "2027-01-05"), "2027-03-02"); // Jan 31 + 30
  assert.equal(dueDateFromTerms("30 EOM", "2028-01-31"), "2028-03-01"); // leap year
  assert.equal(dueDateFromTerms("EOM", "2027-02-03"), "2027-02-28");
  assert.equal(dueDateFromTerms("Net 10th prox", "2027-01-05"), "2027-02-10");
  assert.equal(dueDateFromTerms("10th proximo", "2027-12-20"), "2028-01-10");
  assert.equal(dueDateFromTerms("30th prox", "2027-01-31"), "2027-02-28"); // February is short
  assert.equal(dueDateFromTerms("Prox", "2027-03-09"), "2027-04-15");
  assert.equal(dueDateFromTerms("Net 30", "2027-01-31"), "2027-03-02");
  assert.equal(dueDateFromTerms("Wire 1 day prior", "2028-03-05", "2028-03-01"), "2028-02-29");
  assert.equal(dueDateFromTerms("Special terms per contract", "2027-01-05"), null);
  assert.equal(dueDateFromTerms(null, "2027-01-05"), null);
});

Deno.test("numbers are generated per tenant, never duplicated under concurrent creation", async () => {
  const { server, api, supplier } = await setup();
  try {
    // Someone typed the number the counter would give next: it is skipped, not reused.
    await api.ok("POST", "/api/v1/purchase-orders", {
      number: "PO-10003",
      supplier_id: supplier.id,
      order_date: "2026-11-01",
    }, 201);
    const created = await Promise.all(
      Array.from({ length: 40 }, () =>
        api.call("POST", "/api/v1/purchase-orders", {
          supplier_id: supplier.id,
          order_date: "2026-11-01",
        })),
    );
    assert.deepEqual(created.map((r) => r.status), Array(40).fill(201));
    const numbers = created.map((r) => r.body.number as string);
    assert.equal(new Set(numbers).size, 40);
    assert.ok(!numbers.includes("PO-10003"));
    const sorted = numbers.map((n) => Number(n.slice(3))).sort((a, b) => a - b);
    assert.deepEqual(sorted, [10001, 10002, ...Array.from({ length: 38 }, (_, i) => 10004 + i)]);

    const dup = await api.call("POST", "/api/v1/purchase-orders", {
      number: "po-10003",
      supplier_id: supplier.id,
      order_date: "2026-11-01",
    });
    assert.equal(dup.status, 409);
    assert.ok(dup.body.error.details.number);

    // Numbers are per tenant: another tenant starts at the beginning.
    const other = await apiClient(server, await signUpTenant(server));
    const s2 = await other.ok("POST", "/api/v1/suppliers", { name: "Other" }, 201);
    const first = await other.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: s2.id,
      order_date: "2026-11-01",
    }, 201);
    assert.equal(first.number, "PO-10001");
  } finally {
    await server.close();
  }
});

Deno.test("totals and weights follow the lines on every change, in LB and KG", async () => {
  const { server, api, supplier } = await setup();
  try {
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [
        { description: "Loins", weight: 1000, weight_unit: "KG", price: 4.4 },
        { description: "Boxes", cases: 20, weight: 500, price: 10, price_basis: "case" },
      ],
    }, 201);
    assert.equal(po.total_cents, 440_000 + 20_000);
    assert.equal(po.total_weight_lb, 2704.62);
    const changed = await api.ok("PATCH", `/api/v1/purchase-orders/${po.id}`, {
      version: po.version,
      lines: [{ description: "Loins", weight: 2000, weight_unit: "LB", price: 2 }],
    });
    assert.equal(changed.total_cents, 400_000);
    assert.equal(changed.total_weight_lb, 2000);
    assert.equal(changed.outstanding_cents, 400_000);
    const history = await api.ok("GET", `/api/v1/purchase-orders/${po.id}/history`);
    assert.deepEqual(history.data[0].changes.lines, ["2 lines, $4,600.00", "1 line, $4,000.00"]);
    assert.deepEqual(history.data[0].changes.total_cents, [460_000, 400_000]);
  } finally {
    await server.close();
  }
});

Deno.test("payments: partial and full, payables on POs and freight, void and moved payments", async () => {
  const { server, api, supplier, customer } = await setup();
  try {
    const invoice = await sentInvoice(api, customer.id, "2026-11-01", 100_000);
    const p1 = await api.ok("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 30_000,
      paid_on: "2026-11-05",
      invoice_id: invoice.id,
    }, 201);
    let inv = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
    assert.equal(inv.outstanding_cents, 70_000);
    assert.equal(inv.status, "partially_paid");
    await api.ok("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 70_000,
      paid_on: "2026-11-06",
      invoice_id: invoice.id,
    }, 201);
    inv = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
    assert.equal(inv.outstanding_cents, 0);
    assert.equal(inv.status, "paid");

    // A payment moved to another invoice: both are recomputed.
    const second = await sentInvoice(api, customer.id, "2026-11-02", 50_000);
    await api.ok("PATCH", `/api/v1/payments/${p1.id}`, {
      version: p1.version,
      invoice_id: second.id,
    });
    assert.equal((await api.ok("GET", `/api/v1/invoices/${invoice.id}`)).outstanding_cents, 30_000);
    assert.equal((await api.ok("GET", `/api/v1/invoices/${second.id}`)).outstanding_cents, 20_000);
    // Archiving a payment gives its amount back.
    await api.ok("POST", `/api/v1/payments/${p1.id}/archive`);
    assert.equal((await api.ok("GET", `/api/v1/invoices/${second.id}`)).outstanding_cents, 50_000);

    // Payables: a PO and a load's freight.
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 1000, price: 1 }],
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 40_000,
      paid_on: "2026-11-03",
      purchase_order_id: po.id,
    }, 201);
    const paidPo = await api.ok("GET", `/api/v1/purchase-orders/${po.id}`);
    assert.equal(paidPo.payment_status, "partial");
    assert.equal(paidPo.outstanding_cents, 60_000);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      freight_cents: 250_000,
    }, 201);
    await api.ok("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 250_000,
      paid_on: "2026-11-09",
      load_id: load.id,
    }, 201);
    assert.equal((await api.ok("GET", `/api/v1/loads/${load.id}`)).payment_status, "paid");

    // Misapplied payments are refused.
    const both = await api.call("POST", "/api/v1/payments", {
      direction: "payable",
      amount_cents: 1,
      paid_on: "2026-11-09",
      load_id: load.id,
      purchase_order_id: po.id,
    });
    assert.equal(both.status, 422);
    const receivableOnPo = await api.call("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 1,
      paid_on: "2026-11-09",
      purchase_order_id: po.id,
    });
    assert.equal(receivableOnPo.status, 422);
    const voided = await sentInvoice(api, customer.id, "2026-11-03", 10_000);
    await api.ok("PATCH", `/api/v1/invoices/${voided.id}`, { version: 1, state: "void" });
    const onVoid = await api.call("POST", "/api/v1/payments", {
      direction: "receivable",
      amount_cents: 100,
      paid_on: "2026-11-09",
      invoice_id: voided.id,
    });
    assert.equal(onVoid.status, 422);
    // An invoice with payments cannot be voided.
    const paidInv = await api.ok("GET", `/api/v1/invoices/${invoice.id}`);
    const voidPaid = await api.call("PATCH", `/api/v1/invoices/${invoice.id}`, {
      version: paidInv.version,
      state: "void",
    });
    assert.equal(voidPaid.status, 409);
  } finally {
    await server.close();
  }
});

Deno.test("due dates follow terms; past-due invoices turn overdue and age into buckets", async () => {
  const { server, api, customer } = await setup();
  try {
    const net30 = await sentInvoice(api, customer.id, "2026-01-10", 10_000);
    assert.equal(net30.due_date, "2026-02-09");
    const wire = await sentInvoice(api, customer.id, "2026-01-10", 10_000, {
      payment_terms: "Wire 1 day prior",
      ship_date: "2026-01-12",
    });
    assert.equal(wire.due_date, "2026-01-11");
    const explicit = await sentInvoice(api, customer.id, "2026-01-10", 10_000, {
      due_date: "2026-03-01",
    });
    assert.equal(explicit.due_date, "2026-03-01");

    // A due date from the terms follows new terms or dates; one typed in stays.
    const net15 = await api.ok("PATCH", `/api/v1/invoices/${net30.id}`, {
      version: net30.version,
      payment_terms: "Net 15",
    });
    assert.equal(net15.due_date, "2026-01-25");
    const later = await api.ok("PATCH", `/api/v1/invoices/${net30.id}`, {
      version: net15.version,
      invoice_date: "2026-01-20",
    });
    assert.equal(later.due_date, "2026-02-04");
    const typed = await api.ok("PATCH", `/api/v1/invoices/${explicit.id}`, {
      version: explicit.version,
      payment_terms: "Net 7",
      invoice_date: "2026-01-11",
    });
    assert.equal(typed.due_date, "2026-03-01");
    const both = await api.ok("PATCH", `/api/v1/invoices/${net30.id}`, {
      version: later.version,
      payment_terms: "Net 45",
      due_date: "2026-02-28",
    });
    assert.equal(both.due_date, "2026-02-28", "a due date sent with the change wins");

    // Aging as of a fixed day: one invoice per bucket (amounts tell them apart).
    const asOf = "2026-06-30";
    const cases: Array<[number, number]> = [[-5, 1_00], [10, 2_00], [45, 3_00], [75, 4_00], [
      120,
      5_00,
    ]];
    const other = await api.ok("POST", "/api/v1/customers", { name: "Aging Foods" }, 201);
    for (const [daysPast, cents] of cases) {
      await sentInvoice(api, other.id, "2026-01-01", cents, { due_date: addDays(asOf, -daysPast) });
    }
    const aging = await api.ok("GET", `/api/v1/reports/aging?as_of=${asOf}`);
    const row = aging.data.find((r: { customer_id: string }) => r.customer_id === other.id);
    assert.deepEqual(row.buckets, {
      "current": 1_00,
      "1-30": 2_00,
      "31-60": 3_00,
      "61-90": 4_00,
      "over 90": 5_00,
    });
    assert.equal(row.total_cents, 15_00);
    // A draft is not billed yet: the customer's outstanding receivables leave it out, as aging does.
    await sentInvoice(api, other.id, "2026-01-01", 99_00, { state: "draft" });
    assert.equal((await api.ok("GET", `/api/v1/customers/${other.id}`)).outstanding_cents, 15_00);
    // Today, an invoice due in January is overdue.
    assert.equal((await api.ok("GET", `/api/v1/invoices/${net30.id}`)).status, "overdue");
    const overdue = await api.ok("GET", "/api/v1/invoices?status=overdue&limit=200");
    assert.ok(overdue.data.some((i: { id: string }) => i.id === net30.id));
  } finally {
    await server.close();
  }
});

Deno.test("credit hold refuses sales orders over the limit, on hold or 60+ days late; admins override", async () => {
  const { server, tenant, api, supplier } = await setup();
  try {
    const broker = await memberClient(server, tenant.host, tenant.tenantId, "broker");
    const admin = await memberClient(server, tenant.host, tenant.tenantId, "admin");
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Tight Credit Co",
      credit_limit_cents: 100_000,
    }, 201);
    const order = (cents: number, extra: Record<string, unknown> = {}) => ({
      customer_id: customer.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", cases: 1, price: cents / 100, price_basis: "case" }],
      ...extra,
    });
    await broker.ok("POST", "/api/v1/sales-orders", order(60_000), 201);
    const over = await broker.call("POST", "/api/v1/sales-orders", order(50_000));
    assert.equal(over.status, 422);
    assert.match(over.body.error.message, /credit limit of \$1,000\.00/);

    // A broker cannot override; an admin can, with a reason, and the history says so.
    const brokerOverride = await broker.call(
      "POST",
      "/api/v1/sales-orders",
      order(50_000, {
        credit_override: true,
        credit_override_reason: "Known customer",
      }),
    );
    assert.equal(brokerOverride.status, 403);
    const noReason = await admin.call(
      "POST",
      "/api/v1/sales-orders",
      order(50_000, { credit_override: true }),
    );
    assert.equal(noReason.status, 422);
    const overridden = await admin.ok(
      "POST",
      "/api/v1/sales-orders",
      order(50_000, {
        credit_override: true,
        credit_override_reason: "Prepaid by wire",
      }),
      201,
    );
    const history = await admin.ok("GET", `/api/v1/sales-orders/${overridden.id}/history`);
    assert.deepEqual(history.data[0].changes.credit_override, [null, true]);
    assert.deepEqual(history.data[0].changes.credit_override_reason, [null, "Prepaid by wire"]);

    // Credit hold flag.
    const held = await api.ok(
      "POST",
      "/api/v1/customers",
      { name: "Held Co", credit_hold: true },
      201,
    );
    const onHold = await broker.call("POST", "/api/v1/sales-orders", {
      ...order(100),
      customer_id: held.id,
    });
    assert.equal(onHold.status, 422);
    assert.match(onHold.body.error.message, /on credit hold/);

    // Invoices more than 60 days past due.
    const late = await api.ok("POST", "/api/v1/customers", { name: "Late Payer" }, 201);
    await sentInvoice(api, late.id, "2026-01-01", 5_000, {
      due_date: addDays(TODAY, -61),
    });
    const lateOrder = await broker.call("POST", "/api/v1/sales-orders", {
      ...order(100),
      customer_id: late.id,
    });
    assert.equal(lateOrder.status, 422);
    assert.match(lateOrder.body.error.message, /past due/);
    void supplier;
  } finally {
    await server.close();
  }
});

Deno.test("margin per load and margin reports by customer, supplier and salesperson", async () => {
  const { server, api, supplier, customer } = await setup();
  try {
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", weight: 10_000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-11-01",
      salesperson: "Sam Seller",
      lines: [{ description: "Trim", weight: 10_000, price: 2.3, purchase_order_id: po.id }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      purchase_order_id: po.id,
      sales_order_id: so.id,
      pickup_appointment: "2026-11-03T08:00",
      freight_cents: 1_500_00,
      other_costs_cents: 100_00,
    }, 201);
    assert.equal(load.sale_cents, 23_000_00);
    assert.equal(load.cost_cents, 20_000_00);
    assert.equal(load.margin_cents, 23_000_00 - 20_000_00 - 1_500_00 - 100_00);

    // A price change on the SO changes the margin at once.
    await api.ok("PATCH", `/api/v1/sales-orders/${so.id}`, {
      version: so.version,
      lines: [{ description: "Trim", weight: 10_000, price: 2.4, purchase_order_id: po.id }],
    });
    const after = await api.ok("GET", `/api/v1/loads/${load.id}`);
    assert.equal(after.margin_cents, 24_000_00 - 20_000_00 - 1_600_00);

    for (const by of ["load", "customer", "supplier", "salesperson"]) {
      const report = await api.ok(
        "GET",
        `/api/v1/reports/margin?by=${by}&from=2026-11-01&to=2026-11-30`,
      );
      assert.equal(report.data.length, 1, by);
      assert.equal(report.data[0].margin_cents, 2_400_00, by);
    }
    const bySalesperson = await api.ok(
      "GET",
      "/api/v1/reports/margin?by=salesperson&from=2026-11-01&to=2026-11-30",
    );
    assert.equal(bySalesperson.data[0].label, "Sam Seller");
    const outside = await api.ok(
      "GET",
      "/api/v1/reports/margin?by=customer&from=2026-10-01&to=2026-10-31",
    );
    assert.equal(outside.data.length, 0);
    const bad = await api.call("GET", "/api/v1/reports/margin?from=2026-11-30&to=2026-11-01");
    assert.equal(bad.status, 400);
  } finally {
    await server.close();
  }
});

Deno.test("an order moved on several loads is shared between them and counted once in margin", async () => {
  const { server, api, supplier, customer } = await setup();
  try {
    // $20,000.01 bought, $23,000.02 sold: the odd cents must not vanish or double.
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-11-01",
      lines: [{ description: "Trim", cases: 1, price: 20_000.01, price_basis: "case" }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-11-01",
      lines: [{
        description: "Trim",
        cases: 1,
        price: 23_000.02,
        price_basis: "case",
        purchase_order_id: po.id,
      }],
    }, 201);
    const truck = (day: string) =>
      api.ok("POST", "/api/v1/loads", {
        purchase_order_id: po.id,
        sales_order_id: so.id,
        pickup_appointment: `2026-11-${day}T08:00`,
        freight_cents: 1_000_00,
      }, 201);
    const loads = [await truck("03"), await truck("04"), await truck("05")];
    const fresh = await Promise.all(
      loads.map((l) => api.ok("GET", `/api/v1/loads/${l.id}`)),
    );
    const sum = (key: string) => fresh.reduce((s, l) => s + l[key], 0);
    assert.equal(sum("sale_cents"), 23_000_02);
    assert.equal(sum("cost_cents"), 20_000_01);
    for (const l of fresh) {
      assert.ok(Math.abs(l.sale_cents - 7_666_67) <= 1, String(l.sale_cents));
      assert.ok(Math.abs(l.cost_cents - 6_666_67) <= 1, String(l.cost_cents));
    }
    const margin = 23_000_02 - 20_000_01 - 3 * 1_000_00;
    assert.equal(sum("margin_cents"), margin);
    for (const by of ["load", "customer", "supplier"]) {
      const report = await api.ok(
        "GET",
        `/api/v1/reports/margin?by=${by}&from=2026-11-01&to=2026-11-30`,
      );
      const total = report.data.reduce(
        (s: number, r: { margin_cents: number }) => s + r.margin_cents,
        0,
      );
      assert.equal(total, margin, by);
    }
    const list = await api.ok("GET", `/api/v1/loads?sales_order_id=${so.id}&sort=margin_cents`);
    assert.equal(list.data.length, 3);

    // An archived load gives its share back to the order's other loads.
    await api.ok("POST", `/api/v1/loads/${loads[2].id}/archive`);
    const two = await Promise.all(
      loads.slice(0, 2).map((l) => api.ok("GET", `/api/v1/loads/${l.id}`)),
    );
    assert.equal(two[0].sale_cents + two[1].sale_cents, 23_000_02);
    const report = await api.ok(
      "GET",
      "/api/v1/reports/margin?by=customer&from=2026-11-01&to=2026-11-30",
    );
    assert.equal(report.data[0].margin_cents, 23_000_02 - 20_000_01 - 2 * 1_000_00);
    assert.equal(report.data[0].loads, 2);
  } finally {
    await server.close();
  }
});
