-- The broker's records: parties, deals, money, option lists, numbering and full-text search.
-- Money is stored in integer cents (`*_cents`); weights with their unit; dates as ISO text.
-- Every record carries version (optimistic concurrency), created/updated by and at; archived_at
-- marks an archived record (hidden from lists by default, kept for history and references).

CREATE TABLE option_values (
  id TEXT PRIMARY KEY,
  list TEXT NOT NULL,
  value TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  archived_at TEXT
);
CREATE UNIQUE INDEX option_values_list_value ON option_values(list, value COLLATE NOCASE);

-- Next number per kind (po, so, load, invoice, claim), taken inside the creating transaction.
CREATE TABLE counters (
  kind TEXT PRIMARY KEY,
  next INTEGER NOT NULL
);

-- Per-user preferences (list columns), keyed by control-database user id.
CREATE TABLE user_preferences (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
);

CREATE TABLE suppliers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT,
  phone TEXT, email TEXT,
  proteins TEXT NOT NULL DEFAULT '[]',
  plant_type TEXT,
  certifications TEXT NOT NULL DEFAULT '[]',
  origin TEXT,
  shipping_offered TEXT NOT NULL DEFAULT '[]',
  fresh_frozen TEXT, package_type TEXT, weight_type TEXT,
  payment_terms TEXT,
  credit_line_cents INTEGER,
  credit_app_sent INTEGER NOT NULL DEFAULT 0,
  credit_app_set_up INTEGER NOT NULL DEFAULT 0,
  appointment_method TEXT,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE INDEX suppliers_name ON suppliers(name COLLATE NOCASE, id);

CREATE TABLE plants (
  id TEXT PRIMARY KEY,
  supplier_id TEXT NOT NULL REFERENCES suppliers(id),
  name TEXT NOT NULL,
  est_number TEXT NOT NULL,
  plant_type TEXT,
  address TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT,
  manager TEXT, phone TEXT, capacity TEXT,
  certifications TEXT NOT NULL DEFAULT '[]',
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX plants_est_number ON plants(est_number COLLATE NOCASE);
CREATE INDEX plants_supplier ON plants(supplier_id);
CREATE INDEX plants_name ON plants(name COLLATE NOCASE, id);

CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  address TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT,
  phone TEXT, email TEXT,
  industry TEXT,
  proteins TEXT NOT NULL DEFAULT '[]',
  origin_preference TEXT,
  picks_up INTEGER NOT NULL DEFAULT 0,
  payment_terms TEXT,
  credit_limit_cents INTEGER,
  credit_hold INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE INDEX customers_name ON customers(name COLLATE NOCASE, id);

CREATE TABLE carriers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  code TEXT,
  mode TEXT NOT NULL DEFAULT 'reefer',
  mc_number TEXT, dot_number TEXT,
  insurance_provider TEXT, insurance_policy TEXT, insurance_expires TEXT,
  phone TEXT, email TEXT, dispatch_email TEXT, ap_email TEXT,
  payment_terms TEXT, appointment_method TEXT,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE INDEX carriers_name ON carriers(name COLLATE NOCASE, id);
CREATE UNIQUE INDEX carriers_mc ON carriers(mc_number) WHERE mc_number IS NOT NULL;
CREATE UNIQUE INDEX carriers_dot ON carriers(dot_number) WHERE dot_number IS NOT NULL;
CREATE INDEX carriers_insurance ON carriers(insurance_expires);

CREATE TABLE contacts (
  id TEXT PRIMARY KEY,
  first_name TEXT NOT NULL, last_name TEXT,
  role TEXT, title TEXT, email TEXT,
  office_phone TEXT, direct_phone TEXT, cell_phone TEXT,
  supplier_id TEXT REFERENCES suppliers(id),
  customer_id TEXT REFERENCES customers(id),
  carrier_id TEXT REFERENCES carriers(id),
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE INDEX contacts_name ON contacts(last_name COLLATE NOCASE, first_name, id);
CREATE INDEX contacts_supplier ON contacts(supplier_id);
CREATE INDEX contacts_customer ON contacts(customer_id);
CREATE INDEX contacts_carrier ON contacts(carrier_id);

CREATE TABLE locations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT 'both',
  address TEXT, city TEXT, state TEXT, postal_code TEXT, country TEXT,
  receiving_hours TEXT, appointment_method TEXT, contact_name TEXT, phone TEXT,
  supplier_id TEXT REFERENCES suppliers(id),
  customer_id TEXT REFERENCES customers(id),
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE INDEX locations_name ON locations(name COLLATE NOCASE, id);

CREATE TABLE products (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL,
  description TEXT NOT NULL,
  protein TEXT, cut TEXT, namp_number TEXT,
  fresh_frozen TEXT, package_type TEXT, weight_type TEXT,
  pieces_per_carton INTEGER,
  unit_weight REAL, weight_unit TEXT NOT NULL DEFAULT 'LB',
  supplier_id TEXT REFERENCES suppliers(id),
  supplier_item_number TEXT,
  origin TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX products_code ON products(code COLLATE NOCASE);

CREATE TABLE purchase_orders (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  supplier_id TEXT NOT NULL REFERENCES suppliers(id),
  plant_id TEXT REFERENCES plants(id),
  order_date TEXT NOT NULL,
  pickup_date TEXT,
  pickup_location_id TEXT REFERENCES locations(id),
  moved_by TEXT NOT NULL DEFAULT 'broker_carrier',
  supplier_confirmation TEXT, carrier_release TEXT,
  payment_terms TEXT,
  status TEXT NOT NULL DEFAULT 'draft',
  total_cents INTEGER NOT NULL DEFAULT 0,
  total_weight_lb REAL NOT NULL DEFAULT 0,
  paid_cents INTEGER NOT NULL DEFAULT 0,
  outstanding_cents INTEGER NOT NULL DEFAULT 0,
  payment_status TEXT NOT NULL DEFAULT 'unpaid',
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX purchase_orders_number ON purchase_orders(number COLLATE NOCASE);
CREATE INDEX purchase_orders_order_date ON purchase_orders(order_date, id);
CREATE INDEX purchase_orders_status_date ON purchase_orders(status, order_date, id);
CREATE INDEX purchase_orders_supplier ON purchase_orders(supplier_id, order_date);

CREATE TABLE purchase_order_lines (
  id TEXT PRIMARY KEY,
  purchase_order_id TEXT NOT NULL REFERENCES purchase_orders(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  product_id TEXT REFERENCES products(id),
  description TEXT NOT NULL,
  cases INTEGER NOT NULL DEFAULT 0,
  weight REAL NOT NULL DEFAULT 0,
  weight_unit TEXT NOT NULL DEFAULT 'LB',
  price REAL NOT NULL DEFAULT 0,
  price_basis TEXT NOT NULL DEFAULT 'weight',
  amount_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX purchase_order_lines_po ON purchase_order_lines(purchase_order_id, position);

CREATE TABLE sales_orders (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  purchase_order_id TEXT REFERENCES purchase_orders(id),
  order_date TEXT NOT NULL,
  delivery_date TEXT,
  delivery_location_id TEXT REFERENCES locations(id),
  customer_po TEXT,
  salesperson TEXT,
  status TEXT NOT NULL DEFAULT 'draft',
  credit_override INTEGER NOT NULL DEFAULT 0,
  credit_override_reason TEXT,
  total_cents INTEGER NOT NULL DEFAULT 0,
  total_weight_lb REAL NOT NULL DEFAULT 0,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX sales_orders_number ON sales_orders(number COLLATE NOCASE);
CREATE INDEX sales_orders_order_date ON sales_orders(order_date, id);
CREATE INDEX sales_orders_customer ON sales_orders(customer_id, order_date);
CREATE INDEX sales_orders_po ON sales_orders(purchase_order_id);

CREATE TABLE sales_order_lines (
  id TEXT PRIMARY KEY,
  sales_order_id TEXT NOT NULL REFERENCES sales_orders(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  purchase_order_id TEXT REFERENCES purchase_orders(id),
  product_id TEXT REFERENCES products(id),
  description TEXT NOT NULL,
  cases INTEGER NOT NULL DEFAULT 0,
  weight REAL NOT NULL DEFAULT 0,
  weight_unit TEXT NOT NULL DEFAULT 'LB',
  price REAL NOT NULL DEFAULT 0,
  price_basis TEXT NOT NULL DEFAULT 'weight',
  amount_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sales_order_lines_so ON sales_order_lines(sales_order_id, position);
CREATE INDEX sales_order_lines_po ON sales_order_lines(purchase_order_id);

CREATE TABLE loads (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  carrier_id TEXT REFERENCES carriers(id),
  purchase_order_id TEXT REFERENCES purchase_orders(id),
  sales_order_id TEXT REFERENCES sales_orders(id),
  pickup_location_id TEXT REFERENCES locations(id),
  delivery_location_id TEXT REFERENCES locations(id),
  pickup_appointment TEXT, delivery_appointment TEXT,
  bol_number TEXT, seal_number TEXT,
  setpoint_temp_f REAL, pickup_temp_f REAL, delivery_temp_f REAL,
  freight_cents INTEGER NOT NULL DEFAULT 0,
  other_costs_cents INTEGER NOT NULL DEFAULT 0,
  status TEXT NOT NULL DEFAULT 'booked',
  paid_cents INTEGER NOT NULL DEFAULT 0,
  outstanding_cents INTEGER NOT NULL DEFAULT 0,
  payment_status TEXT NOT NULL DEFAULT 'unpaid',
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX loads_number ON loads(number COLLATE NOCASE);
CREATE INDEX loads_status ON loads(status, pickup_appointment);
CREATE INDEX loads_carrier ON loads(carrier_id);
CREATE INDEX loads_po ON loads(purchase_order_id);
CREATE INDEX loads_so ON loads(sales_order_id);
CREATE INDEX loads_created ON loads(created_at, id);
-- The day a load counts in for margin reports: its pickup, or when it was booked.
CREATE INDEX loads_day ON loads(COALESCE(substr(pickup_appointment, 1, 10), substr(created_at, 1, 10)));

CREATE TABLE invoices (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  customer_id TEXT NOT NULL REFERENCES customers(id),
  sales_order_id TEXT REFERENCES sales_orders(id),
  invoice_date TEXT NOT NULL,
  ship_date TEXT,
  payment_terms TEXT,
  due_date TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'draft',
  subtotal_cents INTEGER NOT NULL DEFAULT 0,
  tax_cents INTEGER NOT NULL DEFAULT 0,
  total_cents INTEGER NOT NULL DEFAULT 0,
  paid_cents INTEGER NOT NULL DEFAULT 0,
  outstanding_cents INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX invoices_number ON invoices(number COLLATE NOCASE);
CREATE INDEX invoices_date ON invoices(invoice_date, id);
CREATE INDEX invoices_customer ON invoices(customer_id, due_date);
CREATE INDEX invoices_open ON invoices(due_date) WHERE outstanding_cents > 0 AND state <> 'void';

CREATE TABLE invoice_lines (
  id TEXT PRIMARY KEY,
  invoice_id TEXT NOT NULL REFERENCES invoices(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  product_id TEXT REFERENCES products(id),
  description TEXT NOT NULL,
  cases INTEGER NOT NULL DEFAULT 0,
  weight REAL NOT NULL DEFAULT 0,
  weight_unit TEXT NOT NULL DEFAULT 'LB',
  price REAL NOT NULL DEFAULT 0,
  price_basis TEXT NOT NULL DEFAULT 'weight',
  amount_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id, position);

CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  direction TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  paid_on TEXT NOT NULL,
  method TEXT,
  reference TEXT,
  invoice_id TEXT REFERENCES invoices(id),
  purchase_order_id TEXT REFERENCES purchase_orders(id),
  load_id TEXT REFERENCES loads(id),
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE INDEX payments_date ON payments(paid_on, id);
CREATE INDEX payments_invoice ON payments(invoice_id);
CREATE INDEX payments_po ON payments(purchase_order_id);
CREATE INDEX payments_load ON payments(load_id);

CREATE TABLE claims (
  id TEXT PRIMARY KEY,
  number TEXT NOT NULL,
  direction TEXT NOT NULL,
  customer_id TEXT REFERENCES customers(id),
  supplier_id TEXT REFERENCES suppliers(id),
  carrier_id TEXT REFERENCES carriers(id),
  load_id TEXT REFERENCES loads(id),
  reason TEXT NOT NULL,
  claimed_cents INTEGER NOT NULL DEFAULT 0,
  approved_cents INTEGER,
  settled_cents INTEGER,
  status TEXT NOT NULL DEFAULT 'open',
  filed_on TEXT NOT NULL,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX claims_number ON claims(number COLLATE NOCASE);
CREATE INDEX claims_filed ON claims(filed_on, id);

-- Full-text search: one document per record, written in the same transaction as the record.
-- search_docs maps a record to the FTS row so that an update replaces exactly its own row.
CREATE TABLE search_docs (
  rowid INTEGER PRIMARY KEY,
  collection TEXT NOT NULL,
  record_id TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  subtitle TEXT
);
CREATE VIRTUAL TABLE search_index USING fts5(
  title,
  body,
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);
