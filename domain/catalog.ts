/**
 * @module domain/catalog
 * Every record type of the brokerage (DOMAIN.md) described once: parties, deals and money.
 * The repository, API, OpenAPI document, pages, CSV and search all read these descriptions.
 * Pure data: islands import it to validate forms with the same schemas as the server.
 */
import {
  DOT_NUMBER,
  enumValues,
  EST_NUMBER,
  f,
  type FieldDef,
  MC_NUMBER,
} from "./records/fields.ts";
import type { RecordDef } from "./records/definition.ts";
import { BUSINESS_DAY } from "../db/business_day.ts";
import { CURRENCIES } from "./currency.ts";
import {
  loadBilledFreightSql,
  loadCostSql,
  loadMarginSql,
  loadSaleInWorkspaceSql,
} from "./rules/margin.ts";

const address = (): FieldDef[] => [
  f.longtext("address", "Street address", { max: 300, group: "Address" }),
  f.text("city", "City", {
    column: true,
    filter: true,
    sort: true,
    search: true,
    group: "Address",
  }),
  f.text("state", "State / province", { max: 60, column: true, filter: true, group: "Address" }),
  f.text("postal_code", "Postal code", { max: 20, group: "Address" }),
  f.option("country", "Country", "country", { group: "Address" }),
];

export const PO_STATUS = enumValues("Draft", "Pending", "Approved", "Delivered", "Cancelled");
export const SO_STATUS = enumValues("Draft", "Confirmed", "In transit", "Delivered", "Cancelled");
export const LOAD_STATUS = enumValues(
  "Booked",
  "Dispatched",
  "Picked up",
  "Delivered",
  "POD received",
);
export const PAYMENT_STATUS = enumValues("Unpaid", "Partial", "Paid");
export const INVOICE_STATE = enumValues("Draft", "Sent", "Void");
export const INVOICE_STATUS = enumValues(
  "Draft",
  "Sent",
  "Partially paid",
  "Paid",
  "Overdue",
  "Void",
);
export const BILL_KIND = [
  { value: "carrier", label: "Carrier freight bill" },
  { value: "supplier", label: "Supplier invoice" },
  { value: "other", label: "Other vendor bill" },
] as const;
export const BILL_STATE = enumValues("Open", "Disputed", "Void");
export const BILL_STATUS = enumValues(
  "Open",
  "Partially paid",
  "Paid",
  "Overdue",
  "Disputed",
  "Void",
);
export const CLAIM_STATUS = enumValues("Open", "Approved", "Denied", "Settled");
export const CLAIM_REASON = enumValues("Short weight", "Temperature", "Quality", "Damage", "Late");
export const DIRECTION = enumValues("Receivable", "Payable");
export const WEIGHT_UNIT = [{ value: "LB", label: "LB" }, { value: "KG", label: "KG" }] as const;
export const PRICE_BASIS = [
  { value: "weight", label: "per weight unit" },
  { value: "case", label: "per case" },
] as const;

/** Lines of POs, SOs and invoices: product, cases, weight with unit, price per weight or case. */
export function lineFields(extra: FieldDef[] = []): FieldDef[] {
  return [
    ...extra,
    f.ref("product_id", "Product", "products"),
    f.text("description", "Description", { required: true, max: 300 }),
    f.integer("cases", "Cases", { max: 100_000 }),
    f.decimal("weight", "Weight", { min: 0, max: 10_000_000 }),
    f.enumOf("weight_unit", "Unit", WEIGHT_UNIT, { defaultValue: "LB" }),
    f.decimal("price", "Price", { min: 0, max: 1_000_000, hint: "Per weight unit or per case" }),
    f.enumOf("price_basis", "Price per", PRICE_BASIS, { defaultValue: "weight" }),
    f.money("amount_cents", "Amount", { computed: true }),
  ];
}

/** The languages a supplier, customer or carrier can be written to in (mail/language.ts). */
const PARTY_LANGUAGES = [{ value: "en", label: "English" }, { value: "es", label: "Español" }];

export const suppliers: RecordDef = {
  collection: "suppliers",
  table: "suppliers",
  singular: "Supplier",
  plural: "Suppliers",
  permission: "records:write",
  titleField: "name",
  defaultSort: "name",
  deletable: true,
  references: [
    { collection: "plants", column: "supplier_id", label: "Plants" },
    { collection: "contacts", column: "supplier_id", label: "Contacts" },
    { collection: "purchase-orders", column: "supplier_id", label: "Purchase orders" },
    { collection: "products", column: "supplier_id", label: "Products" },
    { collection: "locations", column: "supplier_id", label: "Locations" },
    { collection: "claims", column: "supplier_id", label: "Claims" },
    { collection: "bills", column: "supplier_id", label: "Bills" },
  ],
  fields: [
    f.text("name", "Name", { required: true, column: true, sort: true, search: true }),
    ...address(),
    f.phone("phone", "Main phone", { column: true, search: true }),
    f.email("email", "Main e-mail", { search: true }),
    f.enumOf("language", "Language", PARTY_LANGUAGES, {
      hint: "Purchase orders to them are printed in it; empty follows the workspace's language.",
    }),
    f.options("proteins", "Proteins offered", "protein", { column: true, group: "Product" }),
    f.option("plant_type", "Plant type", "plant_type", { filter: true, group: "Product" }),
    f.options("certifications", "Certifications", "certification", { group: "Product" }),
    f.option("origin", "Origin", "origin", { filter: true, group: "Product" }),
    f.options("shipping_offered", "Shipping offered", "shipping", { group: "Product" }),
    f.option("fresh_frozen", "Fresh or frozen", "fresh_frozen", { group: "Product" }),
    f.option("package_type", "Package type", "package_type", { group: "Product" }),
    f.option("weight_type", "Net or catch weight", "weight_type", { group: "Product" }),
    f.option("payment_terms", "Payment terms", "terms", { group: "Terms" }),
    f.money("credit_line_cents", "Credit line extended", { group: "Terms" }),
    f.boolean("credit_app_sent", "Credit application sent", { group: "Terms" }),
    f.boolean("credit_app_set_up", "Credit set up", { group: "Terms", filter: true }),
    f.option("appointment_method", "How to book a pickup", "appointment_method", {
      group: "Terms",
    }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

export const plants: RecordDef = {
  collection: "plants",
  table: "plants",
  singular: "Plant",
  plural: "Plants",
  permission: "records:write",
  titleField: "name",
  defaultSort: "name",
  deletable: true,
  searchPrefix: { est_number: "EST" },
  references: [
    { collection: "purchase-orders", column: "plant_id", label: "Purchase orders" },
  ],
  fields: [
    f.text("name", "Name", { required: true, column: true, sort: true, search: true }),
    f.ref("supplier_id", "Supplier", "suppliers", { required: true, column: true, filter: true }),
    f.text("est_number", "USDA establishment number", {
      required: true,
      max: 20,
      format: EST_NUMBER,
      column: true,
      sort: true,
      search: true,
      hint: 'As printed on the box, e.g. "EST 245C".',
    }),
    f.option("plant_type", "Plant type", "plant_type", { column: true, filter: true }),
    ...address(),
    f.text("manager", "Manager", { search: true }),
    f.phone("phone", "Phone"),
    f.text("capacity", "Capacity", { hint: "e.g. 40 loads a week" }),
    f.options("certifications", "Certifications", "certification"),
  ],
};

export const customers: RecordDef = {
  collection: "customers",
  table: "customers",
  singular: "Customer",
  plural: "Customers",
  permission: "records:write",
  titleField: "name",
  defaultSort: "name",
  deletable: true,
  references: [
    { collection: "sales-orders", column: "customer_id", label: "Sales orders" },
    { collection: "invoices", column: "customer_id", label: "Invoices" },
    { collection: "contacts", column: "customer_id", label: "Contacts" },
    { collection: "locations", column: "customer_id", label: "Locations" },
    { collection: "claims", column: "customer_id", label: "Claims" },
  ],
  fields: [
    f.text("name", "Name", { required: true, column: true, sort: true, search: true }),
    ...address(),
    f.phone("phone", "Phone", { search: true }),
    f.email("email", "E-mail", { search: true }),
    f.enumOf("language", "Language", PARTY_LANGUAGES, {
      hint: "E-mails and PDFs to them are written in it; empty follows the workspace's language.",
    }),
    f.option("industry", "Industry", "industry", { column: true, filter: true, group: "Buying" }),
    f.options("proteins", "Proteins wanted", "protein", { group: "Buying" }),
    f.option("origin_preference", "Origin preference", "origin", { group: "Buying" }),
    f.boolean("picks_up", "Picks up loads themselves", { group: "Buying" }),
    f.option("payment_terms", "Payment terms", "terms", { column: true, group: "Credit" }),
    // No fixed default: left empty, it is the workspace's own currency (domain/rules/mod.ts), so a
    // Canadian broker's new customers are in CAD without choosing it each time.
    f.enumOf("currency", "Currency", CURRENCIES, {
      filter: true,
      group: "Credit",
      hint:
        "Sales orders and invoices are made in it; the credit limit is in it too. Empty: the workspace's currency.",
    }),
    f.money("credit_limit_cents", "Credit limit", { column: true, sort: true, group: "Credit" }),
    f.boolean("credit_hold", "Credit hold", {
      column: true,
      filter: true,
      group: "Credit",
      hint: "No new sales orders while set.",
    }),
    // Billed and unpaid, as aging counts it; the credit check also counts drafts and open orders.
    f.money("outstanding_cents", "Outstanding receivables", {
      computed: true,
      sql:
        "(SELECT COALESCE(SUM(i.outstanding_cents), 0) FROM invoices i WHERE i.customer_id = customers.id AND i.state = 'sent')",
      column: true,
      sort: true,
    }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

export const carriers: RecordDef = {
  collection: "carriers",
  table: "carriers",
  singular: "Carrier",
  plural: "Carriers",
  permission: "records:write",
  titleField: "name",
  defaultSort: "name",
  deletable: true,
  searchPrefix: { mc_number: "MC", dot_number: "DOT" },
  references: [
    { collection: "loads", column: "carrier_id", label: "Loads" },
    { collection: "bills", column: "carrier_id", label: "Bills" },
    { collection: "contacts", column: "carrier_id", label: "Contacts" },
    { collection: "claims", column: "carrier_id", label: "Claims" },
  ],
  fields: [
    f.text("name", "Name", { required: true, column: true, sort: true, search: true }),
    f.text("code", "Code", { max: 20, search: true }),
    f.enumOf("mode", "Type", enumValues("Truck", "Reefer", "Rail", "Sea", "Air"), {
      defaultValue: "reefer",
      column: true,
      filter: true,
    }),
    f.text("mc_number", "MC number", {
      max: 16,
      format: MC_NUMBER,
      column: true,
      search: true,
    }),
    f.text("dot_number", "DOT number", {
      max: 16,
      format: DOT_NUMBER,
      column: true,
      search: true,
    }),
    f.text("insurance_provider", "Insurance provider", { group: "Insurance" }),
    f.text("insurance_policy", "Policy number", { group: "Insurance", search: true }),
    f.date("insurance_expires", "Insurance expires", {
      column: true,
      sort: true,
      group: "Insurance",
    }),
    f.boolean("insurance_expiring", "Insurance expires within 30 days", {
      computed: true,
      sql:
        `(carriers.insurance_expires IS NOT NULL AND carriers.insurance_expires <= date(${BUSINESS_DAY}, '+30 days'))`,
      filter: true,
      column: true,
    }),
    f.phone("phone", "Dispatch phone"),
    f.email("dispatch_email", "Dispatch e-mail"),
    f.email("ap_email", "Accounts payable e-mail"),
    f.enumOf("language", "Language", PARTY_LANGUAGES, {
      hint: "E-mails and PDFs to them are written in it; empty follows the workspace's language.",
    }),
    f.option("payment_terms", "Payment terms", "terms"),
    f.option("appointment_method", "How to make an appointment", "appointment_method"),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

export const contacts: RecordDef = {
  collection: "contacts",
  table: "contacts",
  singular: "Contact",
  plural: "Contacts",
  permission: "records:write",
  titleField: "first_name",
  defaultSort: "last_name",
  deletable: true,
  references: [],
  fields: [
    f.text("first_name", "First name", { required: true, max: 80, column: true, search: true }),
    f.text("last_name", "Last name", { max: 80, column: true, sort: true, search: true }),
    f.option("role", "Role", "contact_role", { column: true, filter: true }),
    f.text("title", "Title", { max: 120 }),
    f.email("email", "E-mail", { column: true, search: true }),
    f.phone("office_phone", "Office phone", { search: true }),
    f.phone("direct_phone", "Direct phone"),
    f.phone("cell_phone", "Cell phone", { column: true, search: true }),
    f.ref("supplier_id", "Supplier", "suppliers", { filter: true, column: true }),
    f.ref("customer_id", "Customer", "customers", { filter: true, column: true }),
    f.ref("carrier_id", "Carrier", "carriers", { filter: true }),
    f.longtext("notes", "Notes"),
  ],
};

export const locations: RecordDef = {
  collection: "locations",
  table: "locations",
  singular: "Location",
  plural: "Locations",
  permission: "records:write",
  titleField: "name",
  defaultSort: "name",
  deletable: true,
  references: [
    { collection: "purchase-orders", column: "pickup_location_id", label: "Pickups" },
    { collection: "sales-orders", column: "delivery_location_id", label: "Deliveries" },
    { collection: "loads", column: "pickup_location_id", label: "Loads picked up here" },
    { collection: "loads", column: "delivery_location_id", label: "Loads delivered here" },
  ],
  fields: [
    f.text("name", "Name", { required: true, column: true, sort: true, search: true }),
    f.enumOf("kind", "Used for", enumValues("Pickup", "Delivery", "Both"), {
      defaultValue: "both",
      column: true,
      filter: true,
    }),
    ...address(),
    f.text("receiving_hours", "Receiving hours", { max: 120 }),
    f.option("appointment_method", "Appointment method", "appointment_method"),
    f.text("contact_name", "Contact", { max: 120, search: true }),
    f.phone("phone", "Phone"),
    f.ref("supplier_id", "Supplier", "suppliers", { filter: true }),
    f.ref("customer_id", "Customer", "customers", { filter: true }),
    f.longtext("notes", "Notes"),
  ],
};

export const products: RecordDef = {
  collection: "products",
  table: "products",
  singular: "Product",
  plural: "Products",
  permission: "records:write",
  titleField: "description",
  defaultSort: "code",
  deletable: true,
  references: [],
  fields: [
    f.text("code", "Code", { required: true, max: 40, column: true, sort: true, search: true }),
    f.text("description", "Description", {
      required: true,
      max: 300,
      column: true,
      sort: true,
      search: true,
    }),
    f.option("protein", "Protein", "protein", { column: true, filter: true }),
    f.text("cut", "Cut or item", { max: 120, search: true }),
    f.text("namp_number", "NAMP number", { max: 20, search: true }),
    f.option("fresh_frozen", "Fresh or frozen", "fresh_frozen", { filter: true }),
    f.option("package_type", "Package", "package_type"),
    f.option("weight_type", "Net or catch weight", "weight_type"),
    f.integer("pieces_per_carton", "Pieces per carton"),
    f.decimal("unit_weight", "Unit weight", { min: 0 }),
    f.enumOf("weight_unit", "Weight unit", WEIGHT_UNIT, { defaultValue: "LB" }),
    f.ref("supplier_id", "Supplier", "suppliers", { column: true, filter: true }),
    f.text("supplier_item_number", "Supplier item number", { max: 60, search: true }),
    f.option("origin", "Origin", "country"),
  ],
};

export const purchaseOrders: RecordDef = {
  collection: "purchase-orders",
  table: "purchase_orders",
  singular: "Purchase order",
  plural: "Purchase orders",
  permission: "records:write",
  titleField: "number",
  defaultSort: "-order_date",
  deletable: true,
  numbering: { kind: "po", prefix: "PO-", start: 10001 },
  references: [
    { collection: "sales-orders", column: "purchase_order_id", label: "Sales orders" },
    { collection: "loads", column: "purchase_order_id", label: "Loads" },
    { collection: "payments", column: "purchase_order_id", label: "Payments" },
    { collection: "bills", column: "purchase_order_id", label: "Bills" },
  ],
  lines: {
    table: "purchase_order_lines",
    parentKey: "purchase_order_id",
    fields: lineFields(),
  },
  fields: [
    f.text("number", "PO number", {
      required: true,
      max: 40,
      column: true,
      sort: true,
      search: true,
      hint: "Left blank, the next number is used.",
    }),
    f.ref("supplier_id", "Supplier", "suppliers", { required: true, column: true, filter: true }),
    f.ref("plant_id", "Plant", "plants", { filter: true }),
    f.date("order_date", "Order date", { required: true, column: true, sort: true, filter: true }),
    f.date("pickup_date", "Pickup date", { column: true, sort: true, filter: true }),
    f.ref("pickup_location_id", "Pickup location", "locations"),
    f.enumOf(
      "moved_by",
      "Who moves it",
      [
        { value: "broker_carrier", label: "We book the carrier" },
        { value: "customer_pickup", label: "Customer picks up" },
        { value: "supplier_delivery", label: "Supplier delivers" },
      ],
      { defaultValue: "broker_carrier" },
    ),
    f.text("supplier_confirmation", "Supplier confirmation number", { max: 60, search: true }),
    f.text("carrier_release", "Carrier release number", { max: 60, search: true }),
    f.option("payment_terms", "Payment terms", "terms"),
    f.enumOf("status", "Status", PO_STATUS, {
      defaultValue: "draft",
      column: true,
      filter: true,
      sort: true,
    }),
    f.money("total_cents", "Total", { computed: true, column: true, sort: true }),
    f.decimal("total_weight_lb", "Total weight (LB)", { computed: true, column: true }),
    f.money("paid_cents", "Paid", { computed: true }),
    f.money("outstanding_cents", "Outstanding", { computed: true, sort: true }),
    f.enumOf("payment_status", "Payment", PAYMENT_STATUS, {
      computed: true,
      column: true,
      filter: true,
    }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

export const salesOrders: RecordDef = {
  collection: "sales-orders",
  table: "sales_orders",
  singular: "Sales order",
  plural: "Sales orders",
  permission: "records:write",
  titleField: "number",
  defaultSort: "-order_date",
  deletable: true,
  numbering: { kind: "so", prefix: "SO-", start: 20001 },
  references: [
    { collection: "loads", column: "sales_order_id", label: "Loads" },
    { collection: "invoices", column: "sales_order_id", label: "Invoices" },
  ],
  lines: {
    table: "sales_order_lines",
    parentKey: "sales_order_id",
    fields: lineFields([
      f.ref("purchase_order_id", "From PO", "purchase-orders", {
        hint: "The purchase order this line is bought on.",
      }),
    ]),
  },
  fields: [
    f.text("number", "SO number", {
      required: true,
      max: 40,
      column: true,
      sort: true,
      search: true,
      hint: "Left blank, the next number is used.",
    }),
    f.ref("customer_id", "Customer", "customers", { required: true, column: true, filter: true }),
    f.ref("purchase_order_id", "Purchase order", "purchase-orders", {
      filter: true,
      column: true,
      hint: "The main PO this sale is bought on; lines can name others.",
    }),
    f.date("order_date", "Order date", { required: true, column: true, sort: true, filter: true }),
    f.date("delivery_date", "Delivery date", { column: true, sort: true, filter: true }),
    f.ref("delivery_location_id", "Delivery location", "locations"),
    f.text("customer_po", "Customer PO number", { max: 60, search: true }),
    f.text("salesperson", "Salesperson", { max: 120, filter: true, search: true }),
    f.enumOf("status", "Status", SO_STATUS, {
      defaultValue: "draft",
      column: true,
      filter: true,
      sort: true,
    }),
    f.boolean("credit_override", "Override credit hold", {
      group: "Credit",
      hint: "Admins only; recorded in the history.",
    }),
    f.text("credit_override_reason", "Override reason", { max: 300, group: "Credit" }),
    f.enumOf("currency", "Currency", CURRENCIES, {
      computed: true,
      filter: true,
      hint: "The customer's currency when the record was made.",
    }),
    f.money("total_cents", "Total", { computed: true, column: true, sort: true }),
    f.decimal("total_weight_lb", "Total weight (LB)", { computed: true }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

export const loads: RecordDef = {
  collection: "loads",
  table: "loads",
  singular: "Load",
  plural: "Loads",
  permission: "records:write",
  titleField: "number",
  defaultSort: "-created_at",
  deletable: true,
  numbering: { kind: "load", prefix: "L-", start: 30001 },
  references: [
    { collection: "payments", column: "load_id", label: "Payments" },
    { collection: "claims", column: "load_id", label: "Claims" },
    { collection: "bills", column: "load_id", label: "Bills" },
  ],
  fields: [
    f.text("number", "Load number", {
      required: true,
      max: 40,
      column: true,
      sort: true,
      search: true,
      hint: "Left blank, the next number is used.",
    }),
    f.ref("carrier_id", "Carrier", "carriers", { column: true, filter: true }),
    f.ref("purchase_order_id", "Purchase order", "purchase-orders", { column: true, filter: true }),
    f.ref("sales_order_id", "Sales order", "sales-orders", { column: true, filter: true }),
    f.ref("pickup_location_id", "Pickup location", "locations", { group: "Route" }),
    f.ref("delivery_location_id", "Delivery location", "locations", { group: "Route" }),
    f.datetime("pickup_appointment", "Pickup appointment", {
      column: true,
      sort: true,
      group: "Route",
    }),
    f.datetime("delivery_appointment", "Delivery appointment", { sort: true, group: "Route" }),
    f.text("bol_number", "BOL number", { max: 60, search: true, group: "Paperwork" }),
    f.text("seal_number", "Seal number", { max: 60, search: true, group: "Paperwork" }),
    f.decimal("setpoint_temp_f", "Reefer set-point (°F)", {
      min: -60,
      max: 80,
      group: "Temperature",
    }),
    f.decimal("pickup_temp_f", "Temperature at pickup (°F)", {
      min: -60,
      max: 120,
      group: "Temperature",
    }),
    f.decimal("delivery_temp_f", "Temperature at delivery (°F)", {
      min: -60,
      max: 120,
      group: "Temperature",
    }),
    f.decimal("received_weight_lb", "Weight received (LB)", {
      min: 0,
      max: 10_000_000,
      group: "Paperwork",
      hint: "As signed for on the BOL or POD; a supplier's invoice is matched against it.",
    }),
    f.money("freight_cents", "Freight rate", { group: "Money", column: true, defaultValue: 0 }),
    f.money("other_costs_cents", "Other costs", { group: "Money", defaultValue: 0 }),
    f.enumOf("status", "Status", LOAD_STATUS, {
      defaultValue: "booked",
      column: true,
      filter: true,
      sort: true,
    }),
    f.money("sale_cents", "Sale value", { computed: true, sql: loadSaleInWorkspaceSql("loads") }),
    f.money("cost_cents", "Purchase cost", { computed: true, sql: loadCostSql("loads") }),
    f.money("billed_freight_cents", "Freight billed", {
      computed: true,
      sql: loadBilledFreightSql("loads"),
      hint: "What the carrier's bills for this load add up to; the margin uses it once billed.",
    }),
    f.money("margin_cents", "Margin", {
      computed: true,
      min: -100_000_000_000,
      sql: loadMarginSql("loads"),
      column: true,
      sort: true,
    }),
    f.money("paid_cents", "Freight paid", { computed: true }),
    f.money("outstanding_cents", "Freight outstanding", { computed: true }),
    f.enumOf("payment_status", "Freight payment", PAYMENT_STATUS, { computed: true }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

/** Invoice status derives from the stored state, payments and the due date (so it turns overdue). */
const INVOICE_STATUS_SQL = `(CASE
  WHEN invoices.state = 'void' THEN 'void'
  WHEN invoices.total_cents > 0 AND invoices.outstanding_cents <= 0 THEN 'paid'
  WHEN invoices.state = 'draft' THEN 'draft'
  WHEN invoices.due_date < ${BUSINESS_DAY} THEN 'overdue'
  WHEN invoices.paid_cents > 0 THEN 'partially_paid'
  ELSE 'sent' END)`;

export const invoices: RecordDef = {
  collection: "invoices",
  table: "invoices",
  singular: "Invoice",
  plural: "Invoices",
  permission: "money:write",
  titleField: "number",
  defaultSort: "-invoice_date",
  deletable: true,
  numbering: { kind: "invoice", prefix: "INV-", start: 50001 },
  references: [{ collection: "payments", column: "invoice_id", label: "Payments" }],
  lines: { table: "invoice_lines", parentKey: "invoice_id", fields: lineFields() },
  fields: [
    f.text("number", "Invoice number", {
      required: true,
      max: 40,
      column: true,
      sort: true,
      search: true,
      hint: "Left blank, the next number is used.",
    }),
    f.ref("customer_id", "Customer", "customers", { required: true, column: true, filter: true }),
    f.ref("sales_order_id", "Sales order", "sales-orders", { filter: true }),
    f.date("invoice_date", "Invoice date", {
      required: true,
      column: true,
      sort: true,
      filter: true,
    }),
    f.date("ship_date", "Ship date"),
    f.option("payment_terms", "Terms", "terms", {
      hint: "Left blank, the customer's terms apply.",
    }),
    f.date("due_date", "Due date", {
      column: true,
      sort: true,
      filter: true,
      hint: "Left blank, it follows from the terms.",
    }),
    f.enumOf("state", "State", INVOICE_STATE, {
      defaultValue: "draft",
      hint: "Draft until sent; void cancels it.",
    }),
    f.enumOf("status", "Status", INVOICE_STATUS, {
      computed: true,
      sql: INVOICE_STATUS_SQL,
      column: true,
      filter: true,
    }),
    f.enumOf("currency", "Currency", CURRENCIES, {
      computed: true,
      filter: true,
      group: "Money",
      hint: "The customer's currency when the record was made.",
    }),
    f.money("tax_cents", "Tax", { group: "Money", defaultValue: 0 }),
    f.money("subtotal_cents", "Subtotal", { computed: true }),
    f.money("total_cents", "Total", { computed: true, column: true, sort: true }),
    f.money("paid_cents", "Paid", { computed: true }),
    f.money("credited_cents", "Credited", {
      computed: true,
      hint: "Credits for disputed lines you accepted; they lower what is outstanding.",
    }),
    f.money("outstanding_cents", "Outstanding", { computed: true, column: true, sort: true }),
    f.text("exchange_rate", "Exchange rate", {
      computed: true,
      max: 60,
      // "1 CAD = 0.7312 USD (2026-11-01)": frozen when the invoice was issued (domain/exchange.ts).
      sql: `(CASE WHEN invoices.exchange_rate_e6 IS NULL THEN NULL ELSE
        '1 ' || invoices.currency || ' = ' ||
        rtrim(rtrim(printf('%.6f', invoices.exchange_rate_e6 / 1000000.0), '0'), '.') || ' ' ||
        COALESCE((SELECT value FROM settings WHERE key = 'currency'), 'USD') ||
        ' (' || invoices.exchange_rate_day || ')' END)`,
      hint: "Frozen when the invoice was issued: the rate of its date, or the latest before it.",
    }),
    f.integer("days_past_due", "Days past due", {
      computed: true,
      sql:
        `(CASE WHEN invoices.outstanding_cents > 0 AND invoices.state = 'sent' AND invoices.due_date < ${BUSINESS_DAY} THEN CAST(julianday(${BUSINESS_DAY}) - julianday(invoices.due_date) AS INTEGER) ELSE 0 END)`,
      sort: true,
    }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

/** Bill status, like an invoice's: from the stored state, payments and the due date. */
const BILL_STATUS_SQL = `(CASE
  WHEN bills.state = 'void' THEN 'void'
  WHEN bills.total_cents > 0 AND bills.outstanding_cents <= 0 THEN 'paid'
  WHEN bills.state = 'disputed' THEN 'disputed'
  WHEN bills.due_date < ${BUSINESS_DAY} THEN 'overdue'
  WHEN bills.paid_cents > 0 THEN 'partially_paid'
  ELSE 'open' END)`;

export const bills: RecordDef = {
  collection: "bills",
  table: "bills",
  singular: "Bill",
  plural: "Bills",
  permission: "money:write",
  titleField: "number",
  defaultSort: "-bill_date",
  deletable: true,
  references: [{ collection: "payments", column: "bill_id", label: "Payments" }],
  lines: { table: "bill_lines", parentKey: "bill_id", fields: lineFields() },
  fields: [
    f.enumOf("kind", "Kind", BILL_KIND, { required: true, column: true, filter: true }),
    f.ref("carrier_id", "Carrier", "carriers", { column: true, filter: true, group: "Vendor" }),
    f.ref("supplier_id", "Supplier", "suppliers", { column: true, filter: true, group: "Vendor" }),
    f.text("vendor_name", "Other vendor", {
      max: 120,
      search: true,
      group: "Vendor",
      hint: "For a vendor that is neither a carrier nor a supplier.",
    }),
    f.text("number", "Vendor's bill number", {
      required: true,
      max: 60,
      column: true,
      sort: true,
      search: true,
      hint: "As printed on the bill; unique per vendor.",
    }),
    f.ref("load_id", "Load", "loads", {
      filter: true,
      column: true,
      hint: "A carrier's bill is matched to the load's agreed freight.",
    }),
    f.ref("purchase_order_id", "Purchase order", "purchase-orders", {
      filter: true,
      hint: "A supplier's invoice is matched to the PO lines and the weight received.",
    }),
    f.date("bill_date", "Bill date", { required: true, column: true, sort: true, filter: true }),
    f.option("payment_terms", "Terms", "terms", {
      hint: "Left blank, the vendor's terms apply.",
    }),
    f.date("due_date", "Due date", {
      column: true,
      sort: true,
      filter: true,
      hint: "Left blank, it follows from the terms.",
    }),
    f.enumOf("state", "State", BILL_STATE, {
      defaultValue: "open",
      hint: "Disputed holds it out of the due list; void cancels it.",
    }),
    f.enumOf("status", "Status", BILL_STATUS, {
      computed: true,
      sql: BILL_STATUS_SQL,
      column: true,
      filter: true,
    }),
    f.money("charges_cents", "Charges not on lines", {
      group: "Money",
      defaultValue: 0,
      hint: "Freight, fuel, accessorials: the whole amount of a bill without lines.",
    }),
    f.money("subtotal_cents", "Lines", { computed: true }),
    f.money("total_cents", "Total", { computed: true, column: true, sort: true }),
    f.decimal("total_weight_lb", "Weight billed (LB)", { computed: true }),
    f.money("paid_cents", "Paid", { computed: true }),
    f.money("outstanding_cents", "Outstanding", { computed: true, column: true, sort: true }),
    f.integer("days_past_due", "Days past due", {
      computed: true,
      sql:
        `(CASE WHEN bills.outstanding_cents > 0 AND bills.state = 'open' AND bills.due_date < ${BUSINESS_DAY} THEN CAST(julianday(${BUSINESS_DAY}) - julianday(bills.due_date) AS INTEGER) ELSE 0 END)`,
      sort: true,
    }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

export const payments: RecordDef = {
  collection: "payments",
  table: "payments",
  singular: "Payment",
  plural: "Payments",
  permission: "money:write",
  titleField: "reference",
  defaultSort: "-paid_on",
  deletable: true,
  references: [],
  fields: [
    f.enumOf("direction", "Direction", DIRECTION, { required: true, column: true, filter: true }),
    f.money("amount_cents", "Amount", { required: true, min: 1, column: true, sort: true }),
    f.date("paid_on", "Date", { required: true, column: true, sort: true, filter: true }),
    f.option("method", "Method", "payment_method", { column: true, filter: true }),
    f.text("reference", "Reference", { max: 120, column: true, search: true }),
    f.ref("invoice_id", "Invoice", "invoices", { column: true, filter: true }),
    f.ref("purchase_order_id", "Purchase order", "purchase-orders", { filter: true }),
    f.ref("load_id", "Load (freight)", "loads", { filter: true }),
    f.ref("bill_id", "Bill", "bills", { column: true, filter: true }),
    f.longtext("notes", "Notes"),
  ],
};

export const claims: RecordDef = {
  collection: "claims",
  table: "claims",
  singular: "Claim",
  plural: "Claims",
  permission: "money:write",
  titleField: "number",
  defaultSort: "-filed_on",
  deletable: true,
  numbering: { kind: "claim", prefix: "CL-", start: 1001 },
  references: [],
  fields: [
    f.text("number", "Claim number", {
      required: true,
      max: 40,
      column: true,
      search: true,
      hint: "Left blank, the next number is used.",
    }),
    f.enumOf("direction", "Direction", DIRECTION, {
      required: true,
      column: true,
      filter: true,
      hint: "Receivable: on the customer side. Payable: against a supplier or carrier.",
    }),
    f.ref("customer_id", "Customer", "customers", { filter: true, column: true }),
    f.ref("supplier_id", "Supplier", "suppliers", { filter: true }),
    f.ref("carrier_id", "Carrier", "carriers", { filter: true }),
    f.ref("load_id", "Load", "loads", { filter: true, column: true }),
    f.enumOf("reason", "Reason", CLAIM_REASON, { required: true, column: true, filter: true }),
    f.date("filed_on", "Filed on", { required: true, column: true, sort: true }),
    f.money("claimed_cents", "Claimed", { required: true, column: true }),
    f.money("approved_cents", "Approved"),
    f.money("settled_cents", "Settled"),
    f.enumOf("status", "Status", CLAIM_STATUS, {
      defaultValue: "open",
      column: true,
      filter: true,
    }),
    f.longtext("notes", "Notes", { search: true }),
  ],
};

/** All record types, in navigation order. */
export const RECORD_TYPES: readonly RecordDef[] = [
  purchaseOrders,
  salesOrders,
  loads,
  invoices,
  bills,
  payments,
  claims,
  suppliers,
  plants,
  customers,
  carriers,
  contacts,
  locations,
  products,
];

const byCollection = new Map(RECORD_TYPES.map((def) => [def.collection, def]));

export function recordType(collection: string): RecordDef | undefined {
  return byCollection.get(collection);
}
