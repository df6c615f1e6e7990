-- Payables: the bills the broker owes (a carrier's freight bill, a supplier's invoice, another
-- vendor's bill), their lines, and payments out applied to them. The vendor's number is unique per
-- vendor (the rules check it first and name the field; the index is the backstop). Loads record
-- the weight received at delivery, the third leg of a supplier invoice's three-way match.
CREATE TABLE bills (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  carrier_id TEXT REFERENCES carriers(id),
  supplier_id TEXT REFERENCES suppliers(id),
  vendor_name TEXT,
  number TEXT NOT NULL,
  load_id TEXT REFERENCES loads(id),
  purchase_order_id TEXT REFERENCES purchase_orders(id),
  bill_date TEXT NOT NULL,
  payment_terms TEXT,
  due_date TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open',
  charges_cents INTEGER NOT NULL DEFAULT 0,
  subtotal_cents INTEGER NOT NULL DEFAULT 0,
  total_cents INTEGER NOT NULL DEFAULT 0,
  total_weight_lb REAL NOT NULL DEFAULT 0,
  paid_cents INTEGER NOT NULL DEFAULT 0,
  outstanding_cents INTEGER NOT NULL DEFAULT 0,
  notes TEXT,
  archived_at TEXT,
  version INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL, created_by TEXT, updated_at TEXT NOT NULL, updated_by TEXT
);
CREATE UNIQUE INDEX bills_vendor_number
  ON bills(COALESCE(carrier_id, supplier_id, lower(vendor_name)), number COLLATE NOCASE);
CREATE INDEX bills_date ON bills(bill_date, id);
CREATE INDEX bills_carrier ON bills(carrier_id, due_date);
CREATE INDEX bills_supplier ON bills(supplier_id, due_date);
CREATE INDEX bills_load ON bills(load_id);
CREATE INDEX bills_po ON bills(purchase_order_id);
CREATE INDEX bills_open ON bills(due_date) WHERE outstanding_cents > 0 AND state <> 'void';

CREATE TABLE bill_lines (
  id TEXT PRIMARY KEY,
  bill_id TEXT NOT NULL REFERENCES bills(id) ON DELETE CASCADE,
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
CREATE INDEX bill_lines_bill ON bill_lines(bill_id, position);

ALTER TABLE payments ADD COLUMN bill_id TEXT REFERENCES bills(id);
CREATE INDEX payments_bill ON payments(bill_id);

ALTER TABLE loads ADD COLUMN received_weight_lb REAL;
