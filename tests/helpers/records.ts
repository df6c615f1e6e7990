/**
 * Test fixtures for the brokerage records: one valid record of every type, created through the
 * API in dependency order (supplier -> plant -> ... -> bill, payment, claim).
 */
import type { ApiClient } from "./api.ts";

// deno-lint-ignore no-explicit-any
export type Rec = any;

export interface OneOfEach {
  suppliers: Rec;
  plants: Rec;
  customers: Rec;
  carriers: Rec;
  contacts: Rec;
  locations: Rec;
  products: Rec;
  "purchase-orders": Rec;
  "sales-orders": Rec;
  loads: Rec;
  invoices: Rec;
  bills: Rec;
  payments: Rec;
  claims: Rec;
}

let est = 1000;
let mc = 100000;

/** Creates one record of each type whose names start with `prefix` (for leak checks). */
export async function seedOneOfEach(api: ApiClient, prefix: string): Promise<OneOfEach> {
  const n = est++;
  const m = mc++;
  const suppliers = await api.ok("POST", "/api/v1/suppliers", {
    name: `${prefix} Packing`,
    city: "Greeley",
    proteins: ["Beef"],
  }, 201);
  const plants = await api.ok("POST", "/api/v1/plants", {
    name: `${prefix} Plant`,
    supplier_id: suppliers.id,
    est_number: `EST ${n}`,
  }, 201);
  const customers = await api.ok("POST", "/api/v1/customers", {
    name: `${prefix} Grocers`,
    payment_terms: "Net 30",
  }, 201);
  const carriers = await api.ok("POST", "/api/v1/carriers", {
    name: `${prefix} Reefer`,
    mc_number: `MC${m}`,
    dot_number: `${m + 7}`,
  }, 201);
  const contacts = await api.ok("POST", "/api/v1/contacts", {
    first_name: `${prefix}`,
    last_name: "Buyer",
    role: "Buyer",
    customer_id: customers.id,
  }, 201);
  const locations = await api.ok("POST", "/api/v1/locations", {
    name: `${prefix} Cold Storage`,
    kind: "delivery",
    customer_id: customers.id,
  }, 201);
  const products = await api.ok("POST", "/api/v1/products", {
    code: `${prefix}-8119`,
    description: `${prefix} beef trim 81/19`,
    protein: "Beef",
    supplier_id: suppliers.id,
  }, 201);
  const purchaseOrder = await api.ok("POST", "/api/v1/purchase-orders", {
    supplier_id: suppliers.id,
    plant_id: plants.id,
    order_date: "2026-10-01",
    status: "approved",
    notes: `${prefix} buy`,
    lines: [{ product_id: products.id, description: "Trim", cases: 800, weight: 40000, price: 2 }],
  }, 201);
  const salesOrder = await api.ok("POST", "/api/v1/sales-orders", {
    customer_id: customers.id,
    order_date: "2026-10-02",
    status: "confirmed",
    lines: [{
      description: "Trim",
      weight: 40000,
      price: 2.2,
      purchase_order_id: purchaseOrder.id,
    }],
  }, 201);
  const loads = await api.ok("POST", "/api/v1/loads", {
    carrier_id: carriers.id,
    purchase_order_id: purchaseOrder.id,
    sales_order_id: salesOrder.id,
    delivery_location_id: locations.id,
    freight_cents: 300_000,
    bol_number: `${prefix}BOL1`,
  }, 201);
  const invoices = await api.ok("POST", "/api/v1/invoices", {
    customer_id: customers.id,
    sales_order_id: salesOrder.id,
    invoice_date: "2026-10-05",
    state: "sent",
    lines: [{ description: "Trim", weight: 40000, price: 2.2 }],
  }, 201);
  const payments = await api.ok("POST", "/api/v1/payments", {
    direction: "receivable",
    amount_cents: 1_000_000,
    paid_on: "2026-10-20",
    method: "Wire",
    reference: `${prefix}-wire`,
    invoice_id: invoices.id,
  }, 201);
  const claims = await api.ok("POST", "/api/v1/claims", {
    direction: "payable",
    carrier_id: carriers.id,
    load_id: loads.id,
    reason: "temperature",
    filed_on: "2026-10-10",
    claimed_cents: 50_000,
    notes: `${prefix} warm load`,
  }, 201);
  const bills = await api.ok("POST", "/api/v1/bills", {
    kind: "carrier",
    carrier_id: carriers.id,
    number: `${prefix}-FB-1`,
    load_id: loads.id,
    bill_date: "2026-10-06",
    charges_cents: 300_000,
    notes: `${prefix} freight bill`,
  }, 201);
  return {
    suppliers,
    plants,
    customers,
    carriers,
    contacts,
    locations,
    products,
    "purchase-orders": purchaseOrder,
    "sales-orders": salesOrder,
    loads,
    invoices,
    bills,
    payments,
    claims,
  };
}
