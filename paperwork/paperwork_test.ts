import assert from "node:assert/strict";
import { signUpTenant, startTestServer, type TestServer } from "../tests/helpers/server.ts";
import { type ApiClient, apiClient } from "../tests/helpers/api.ts";
import { startWorker, uploadFile, waitForDocument } from "../tests/helpers/documents.ts";
import { signIn } from "../tests/helpers/members.ts";
import { pdfPages } from "../domain/documents/pdf.ts";
import { lineAmountCents } from "../domain/rules/totals.ts";

const COMPANY = {
  company_name: "Prairie Protein Brokers",
  company_address: "400 Stockyards Blvd",
  company_city: "Omaha",
  company_state: "NE",
  company_postal_code: "68107",
  company_country: "USA",
  company_phone: "402-555-0100",
  company_email: "billing@prairie.example",
  remittance_instructions: "Wire to First Plains Bank, ABA 104000016, account 556677",
  invoice_footer: "Thank you for your business.",
};

/** Signs up a tenant, saves its company details through Settings → Company, returns a client. */
async function workspace(server: TestServer): Promise<ApiClient> {
  const t = await signUpTenant(server);
  const owner = await signIn(server, t.host, t.email, t.password);
  const res = await server.fetch(t.host, "/settings/company", {
    method: "POST",
    headers: {
      cookie: owner.jar.header(t.host),
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({ _csrf: owner.csrf, ...COMPANY }).toString(),
  });
  await res.body?.cancel();
  assert.equal(res.status, 303);
  return await apiClient(server, t);
}

async function pdfOf(server: TestServer, api: ApiClient, path: string): Promise<Uint8Array> {
  const res = await server.fetch(api.host, path, {
    headers: { authorization: `Bearer ${api.token}` },
  });
  assert.equal(res.status, 200, path);
  assert.equal(res.headers.get("content-type"), "application/pdf");
  return new Uint8Array(await res.arrayBuffer());
}

/** Every page's text, whitespace collapsed, read back with the app's own PDF reader. */
async function pagesText(bytes: Uint8Array): Promise<string[]> {
  const pages = await pdfPages(bytes);
  return pages.map((p) => p.lines.join("\n").replace(/\s+/g, " ").trim());
}

/** Fails naming the first expected text that the PDF's text does not contain. */
function assertPrints(text: string, expected: string[]): void {
  for (const part of expected) assert.ok(text.includes(part), `${part}\nnot in: ${text}`);
}

async function invoiceWithParties(api: ApiClient) {
  const customer = await api.ok("POST", "/api/v1/customers", {
    name: "Harbor Restaurant Supply",
    address: "12 Pier Road",
    city: "Boston",
    state: "MA",
    postal_code: "02110",
    payment_terms: "Net 30",
  }, 201);
  await api.ok("POST", "/api/v1/contacts", {
    first_name: "Ann",
    last_name: "Ledger",
    role: "Accounting / AP",
    email: "ap@harbor.example",
    customer_id: customer.id,
  }, 201);
  const order = await api.ok("POST", "/api/v1/sales-orders", {
    customer_id: customer.id,
    order_date: "2026-10-01",
    customer_po: "HRS-4471",
    lines: [{ description: "Beef brisket 120A", weight: 36000, price: 3.1 }],
  }, 201);
  const invoice = await api.ok("POST", "/api/v1/invoices", {
    customer_id: customer.id,
    sales_order_id: order.id,
    invoice_date: "2026-10-05",
    ship_date: "2026-10-03",
    state: "sent",
    tax_cents: 12_345,
    lines: [
      { description: "Beef brisket 120A", cases: 900, weight: 36000, price: 3.1275 },
      { description: "Pork loin boneless", cases: 200, weight: 8000, price: 1.85 },
    ],
  }, 201);
  await api.ok("POST", "/api/v1/payments", {
    direction: "receivable",
    amount_cents: 5_000_000,
    paid_on: "2026-10-20",
    invoice_id: invoice.id,
  }, 201);
  return { customer, order, invoice: await api.ok("GET", `/api/v1/invoices/${invoice.id}`) };
}

Deno.test("the invoice PDF prints the letterhead, the customer, the lines, totals and how to pay", async () => {
  const server = await startTestServer();
  const worker = startWorker(server);
  try {
    const api = await workspace(server);
    const { customer, order, invoice } = await invoiceWithParties(api);
    assert.equal(invoice.total_cents, 12_751_345);
    assert.equal(invoice.outstanding_cents, 7_751_345);

    const bytes = await pdfOf(server, api, `/api/v1/invoices/${invoice.id}/pdf`);
    const [text] = await pagesText(bytes);
    assertPrints(text!, [
      "Prairie Protein Brokers",
      "400 Stockyards Blvd Omaha, NE 68107 USA 402-555-0100 billing@prairie.example",
      "INVOICE",
      `Invoice number: ${invoice.number}`,
      "Invoice date: Oct 5, 2026",
      "Ship date: Oct 3, 2026",
      "Due date: Nov 4, 2026",
      "Terms: Net 30",
      "Customer PO: HRS-4471",
      `Sales order: ${order.number}`,
      "Harbor Restaurant Supply",
      "12 Pier Road",
      "Boston, MA 02110",
      "Attn: Ann Ledger, ap@harbor.example",
      "Beef brisket 120A 900 36,000 LB $3.1275/LB $112,590.00",
      "Pork loin boneless 200 8,000 LB $1.85/LB $14,800.00",
      "Subtotal $127,390.00",
      "Tax $123.45",
      "Total $127,513.45",
      "Amount paid $50,000.00",
      "Balance due $77,513.45",
      "Wire to First Plains Bank, ABA 104000016, account 556677",
      "Thank you for your business.",
    ]);
    assert.doesNotMatch(text!, /Status:/, "a sent invoice carries no draft or void mark");

    // The app reads its own paperwork: the upload pipeline classifies it and drafts it back.
    const up = await uploadFile(server, api, `${invoice.number}.pdf`, bytes);
    assert.equal(up.status, 202);
    const doc = await waitForDocument(api, up.body.id);
    assert.equal(doc.status, "review");
    assert.equal(doc.classification, "invoice");
    assert.equal(doc.draft.fields.number.value, invoice.number);
    assert.equal(doc.draft.fields.invoice_date.value, "2026-10-05");
    assert.equal(doc.draft.fields.due_date.value, "2026-11-04");
    assert.equal(doc.draft.parties.customer_id.match.id, customer.id);
    const lines = doc.draft.lines.map((l: Record<string, { value: unknown }>) =>
      Object.fromEntries(Object.entries(l).map(([k, v]) => [k, v.value]))
    );
    assert.equal(lines.length, 2);
    const read = lines.reduce((sum: number, l: Record<string, unknown>) =>
      sum + lineAmountCents(l), 0) + doc.draft.fields.tax_cents.value;
    assert.equal(read, invoice.total_cents, "the total read back is the invoice's total");
  } finally {
    await worker.stop();
    await server.close();
  }
});

Deno.test("a 60-line invoice continues on more pages and prints every line", async () => {
  const server = await startTestServer();
  try {
    const api = await workspace(server);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Metro Grocers" }, 201);
    const descriptions = Array.from({ length: 60 }, (_, i) => {
      const n = String(i + 1).padStart(2, "0");
      return i % 7 === 3
        ? `Item ${n} beef chuck roll 2x choice boxed wax-lined, from plant EST 245C, catch weight, keep at 28-32 F, packed in combo bins for the export customer`
        : `Item ${n} pork loin boneless`;
    });
    const invoice = await api.ok("POST", "/api/v1/invoices", {
      customer_id: customer.id,
      invoice_date: "2026-10-05",
      lines: descriptions.map((description, i) => ({
        description,
        cases: 10 + i,
        weight: 1000 + i,
        price: 2,
      })),
    }, 201);
    const pages = await pagesText(await pdfOf(server, api, `/api/v1/invoices/${invoice.id}/pdf`));
    assert.ok(pages.length > 1, `${pages.length} page(s)`);
    assert.match(pages[1]!, new RegExp(`^Invoice ${invoice.number}, continued Description Cases`));
    assert.match(pages.at(-1)!, /Page \d of \d/);
    const all = pages.join(" ");
    descriptions.forEach((description, i) => {
      const start = all.indexOf(`Item ${String(i + 1).padStart(2, "0")} `);
      assert.ok(start >= 0, `line ${i + 1} is printed`);
      const end = i < 59 ? all.indexOf(`Item ${String(i + 2).padStart(2, "0")} `) : all.length;
      // A long description wraps under itself: its words appear in order before the next line.
      let at = start;
      for (const word of description.split(" ")) {
        at = all.indexOf(word, at);
        assert.ok(at >= 0 && at < end, `line ${i + 1}: "${word}"`);
        at += word.length;
      }
    });
    assert.ok(all.includes(`Total $${(invoice.total_cents / 100).toLocaleString("en-US")}`));
  } finally {
    await server.close();
  }
});

Deno.test("the rate confirmation prints the carrier, stops, set point, references and rate", async () => {
  const server = await startTestServer();
  try {
    const api = await workspace(server);
    const supplier = await api.ok("POST", "/api/v1/suppliers", { name: "Prairie Packing" }, 201);
    const plant = await api.ok("POST", "/api/v1/plants", {
      name: "Prairie Plant 2",
      supplier_id: supplier.id,
      est_number: "EST 245C",
    }, 201);
    const customer = await api.ok("POST", "/api/v1/customers", { name: "Metro Grocers" }, 201);
    const carrier = await api.ok("POST", "/api/v1/carriers", {
      name: "Polar Express Trucking",
      mc_number: "MC 884201",
      dot_number: "3012345",
      payment_terms: "Net 15",
      phone: "308-555-0199",
    }, 201);
    const pickup = await api.ok("POST", "/api/v1/locations", {
      name: "Prairie dock 4",
      kind: "pickup",
      address: "1 Packer Way",
      city: "Lexington",
      state: "NE",
      receiving_hours: "Mon-Fri 06:00-14:00",
    }, 201);
    const delivery = await api.ok("POST", "/api/v1/locations", {
      name: "Metro Cold Storage",
      kind: "delivery",
      city: "Chicago",
      state: "IL",
      receiving_hours: "Mon-Sat 04:00-12:00",
      contact_name: "Receiving desk",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      plant_id: plant.id,
      order_date: "2026-10-01",
      carrier_release: "REL-3390",
      lines: [{ description: "Trim", weight: 40000, price: 2 }],
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-10-02",
      customer_po: "MG-1188",
      lines: [{ description: "Trim", weight: 40000, price: 2.2 }],
    }, 201);
    const load = await api.ok("POST", "/api/v1/loads", {
      carrier_id: carrier.id,
      purchase_order_id: po.id,
      sales_order_id: so.id,
      pickup_location_id: pickup.id,
      delivery_location_id: delivery.id,
      pickup_appointment: "2026-10-07T08:00",
      delivery_appointment: "2026-10-09T05:30",
      bol_number: "BOL-77812",
      seal_number: "SL-5521",
      setpoint_temp_f: 28,
      freight_cents: 325_000,
      notes: "Driver calls dispatch one hour before delivery.",
    }, 201);
    const [text] = await pagesText(await pdfOf(server, api, `/api/v1/loads/${load.id}/pdf`));
    assertPrints(text!, [
      "Prairie Protein Brokers",
      "RATE CONFIRMATION",
      `Load number: ${load.number}`,
      "Polar Express Trucking",
      "MC 884201 DOT 3012345",
      "Reefer set point: 28°F",
      "BOL number: BOL-77812",
      "Seal number: SL-5521",
      `PO number: ${po.number}`,
      "Pickup number: REL-3390",
      "Customer PO: MG-1188",
      "Prairie dock 4",
      "1 Packer Way",
      "Pickup appointment: Oct 7, 2026 08:00",
      "Receiving hours: Mon-Fri 06:00-14:00",
      "Metro Cold Storage",
      "Delivery appointment: Oct 9, 2026 05:30",
      "Receiving hours: Mon-Sat 04:00-12:00",
      "Total rate $3,250.00",
      "Payment terms Net 15",
      "Driver calls dispatch one hour before delivery.",
      "Reefer set point from pickup to delivery: 28°F",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("the purchase order prints the supplier, the plant's EST number, pickup and lines", async () => {
  const server = await startTestServer();
  try {
    const api = await workspace(server);
    const supplier = await api.ok("POST", "/api/v1/suppliers", {
      name: "Prairie Packing",
      city: "Lexington",
      state: "NE",
      payment_terms: "Net 15",
    }, 201);
    const plant = await api.ok("POST", "/api/v1/plants", {
      name: "Prairie Plant 2",
      supplier_id: supplier.id,
      est_number: "est 245c",
    }, 201);
    const pickup = await api.ok("POST", "/api/v1/locations", {
      name: "Prairie dock 4",
      kind: "pickup",
      receiving_hours: "Mon-Fri 06:00-14:00",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      plant_id: plant.id,
      order_date: "2026-10-01",
      pickup_date: "2026-10-07",
      pickup_location_id: pickup.id,
      supplier_confirmation: "SC-8841",
      moved_by: "customer_pickup",
      notes: "Boxed, wax-lined, USDA inspected.",
      lines: [
        { description: "Beef chuck roll 2x", cases: 800, weight: 40000, price: 2.05 },
        { description: "Beef brisket 120A", cases: 40, price: 45, price_basis: "case" },
      ],
    }, 201);
    const bytes = await pdfOf(server, api, `/api/v1/purchase-orders/${po.id}/pdf`);
    const [text] = await pagesText(bytes);
    assertPrints(text!, [
      "Prairie Protein Brokers",
      "PURCHASE ORDER",
      `PO number: ${po.number}`,
      "Order date: Oct 1, 2026",
      "Pickup date: Oct 7, 2026",
      "Terms: Net 15",
      "Supplier confirmation: SC-8841",
      "Who moves it: Customer picks up",
      "Prairie Packing",
      "PLANT PICKUP LOCATION Prairie Plant 2 Prairie dock 4 EST 245C",
      "Hours: Mon-Fri 06:00-14:00",
      "Beef chuck roll 2x 800 40,000 LB $2.05/LB $82,000.00",
      "Beef brisket 120A 40 $45.00/case $1,800.00",
      "Total $83,800.00",
      "Boxed, wax-lined, USDA inspected.",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("the sales confirmation prints the customer, delivery, customer PO, salesperson and lines", async () => {
  const server = await startTestServer();
  try {
    const api = await workspace(server);
    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Harbor Restaurant Supply",
      address: "12 Pier Road",
      city: "Boston",
      state: "MA",
      postal_code: "02110",
      payment_terms: "Net 15",
    }, 201);
    const delivery = await api.ok("POST", "/api/v1/locations", {
      name: "Harbor dock 2",
      kind: "delivery",
      city: "Chelsea",
      state: "MA",
      receiving_hours: "Mon-Fri 05:00-11:00",
      customer_id: customer.id,
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-10-02",
      delivery_date: "2026-10-09",
      delivery_location_id: delivery.id,
      customer_po: "HRS-5120",
      salesperson: "Dana Cruz",
      notes: "Deliver before 9am; call on arrival.",
      lines: [
        { description: "Beef brisket 120A", cases: 900, weight: 36000, price: 3.1275 },
        { description: "Pork loin boneless", cases: 40, price: 45, price_basis: "case" },
      ],
    }, 201);
    assert.equal(so.total_cents, 11_439_000);
    const [text] = await pagesText(await pdfOf(server, api, `/api/v1/sales-orders/${so.id}/pdf`));
    assertPrints(text!, [
      "Prairie Protein Brokers",
      "SALES CONFIRMATION",
      `SO number: ${so.number}`,
      "Order date: Oct 2, 2026",
      "Delivery date: Oct 9, 2026",
      "Customer PO: HRS-5120",
      "Salesperson: Dana Cruz",
      "Harbor Restaurant Supply",
      "12 Pier Road",
      "Boston, MA 02110",
      "Harbor dock 2",
      "Chelsea, MA",
      "Hours: Mon-Fri 05:00-11:00",
      "Beef brisket 120A 900 36,000 LB $3.1275/LB $112,590.00",
      "Pork loin boneless 40 $45.00/case $1,800.00",
      "Total $114,390.00",
      "Payment terms Net 15",
      "Deliver before 9am; call on arrival.",
    ]);
  } finally {
    await server.close();
  }
});

Deno.test("a Spanish supplier's purchase order and a Spanish customer's sales confirmation print in Spanish", async () => {
  const server = await startTestServer();
  try {
    const api = await workspace(server);
    const refused = await api.call("POST", "/api/v1/suppliers", { name: "X", language: "fr" });
    assert.equal(refused.status, 422, "a language outside the catalogues is refused");
    const supplier = await api.ok("POST", "/api/v1/suppliers", {
      name: "Empacadora del Norte",
      language: "es",
    }, 201);
    assert.equal(supplier.language, "es");
    const pickup = await api.ok("POST", "/api/v1/locations", {
      name: "Andén 4",
      kind: "pickup",
      receiving_hours: "Lun-Vie 06:00-14:00",
    }, 201);
    const po = await api.ok("POST", "/api/v1/purchase-orders", {
      supplier_id: supplier.id,
      order_date: "2026-10-01",
      pickup_location_id: pickup.id,
      moved_by: "customer_pickup",
      lines: [{ description: "Beef chuck roll 2x", cases: 800, weight: 40000, price: 2.05 }],
    }, 201);
    const [poText] = await pagesText(
      await pdfOf(server, api, `/api/v1/purchase-orders/${po.id}/pdf`),
    );
    assertPrints(poText!, [
      "ORDEN DE COMPRA",
      "Empacadora del Norte",
      "Horario: Lun-Vie 06:00-14:00",
      "El cliente recoge",
      "Beef chuck roll 2x",
      "Página 1 de 1",
    ]);
    assert.doesNotMatch(
      poText!,
      /PURCHASE ORDER|Order date|Who moves it|Customer picks up|Hours:|Page 1/,
    );

    const customer = await api.ok("POST", "/api/v1/customers", {
      name: "Carnes Monterrey",
      language: "es",
    }, 201);
    const so = await api.ok("POST", "/api/v1/sales-orders", {
      customer_id: customer.id,
      order_date: "2026-10-02",
      salesperson: "Dana Cruz",
      lines: [{ description: "Beef brisket 120A", cases: 900, weight: 36000, price: 3.1275 }],
    }, 201);
    const [soText] = await pagesText(
      await pdfOf(server, api, `/api/v1/sales-orders/${so.id}/pdf`),
    );
    assertPrints(soText!, [
      "CONFIRMACIÓN DE VENTA",
      "Carnes Monterrey",
      "Fecha del pedido: 2 oct 2026",
      "Vendedor: Dana Cruz",
      "Página 1 de 1",
    ]);
    assert.doesNotMatch(soText!, /SALES CONFIRMATION|Order date|Salesperson|Oct 2|Page 1/);

    // The same supplier back on the workspace's language prints English again.
    await api.ok("PATCH", `/api/v1/suppliers/${supplier.id}`, {
      language: null,
      version: supplier.version,
    });
    const [again] = await pagesText(
      await pdfOf(server, api, `/api/v1/purchase-orders/${po.id}/pdf`),
    );
    assertPrints(again!, ["PURCHASE ORDER", "Who moves it: Customer picks up", "Hours: Lun-Vie"]);
  } finally {
    await server.close();
  }
});
